/**
 * Finding the code in real-looking OTP emails (bank, broker, exchange and
 * SaaS styles): one row per email, the code the default rule must return.
 */
import { expect, test } from '@playwright/test';
import { codePatternProblem, extractCode, type MessageBody } from '../../codes/code-pattern.js';
import { htmlToText } from '../../codes/html-text.js';

type Row = [name: string, body: MessageBody, code: string | undefined];

const html = (inner: string) => `<!DOCTYPE html><html><head><title>OTP 999999</title><style>.otp{font-size:24px} /* 777777 */</style></head><body>${inner}</body></html>`;

const ROWS: Row[] = [
  ['plain "Your OTP is"', { text: 'Dear Customer,\nYour OTP is 482913. Do not share it with anyone.' }, '482913'],
  ['code first', { text: '123456 is your verification code for 5paisa.' }, '123456'],
  ['date before the code', { text: 'On 02/12/2026 at 10:30:15 a login was requested. Your OTP is 750214.' }, '750214'],
  ['ISO date and time', { text: 'Requested 2026-12-02 09:15 IST. One-time password: 660315' }, '660315'],
  ['year alone', { text: '© 2026 Demo Broker Ltd.\nUse 318204 to sign in.' }, '318204'],
  ['validity after the code', { text: 'OTP 904417 is valid for 10 minutes.' }, '904417'],
  ['phone number first', { text: 'Call us on +91 22 4000 1234 or 1800-209-9999 if this was not you.\nYour code: 527730' }, '527730'],
  ['order id of 12 digits', { text: 'Order 202612021234 placed. OTP for confirmation: 118842' }, '118842'],
  ['8-digit order id before the OTP', { text: 'Order 58213409 placed.\nYour OTP is 771205.' }, '771205'],
  ['amount with commas', { text: 'Transaction of Rs. 25,000.00 on card XX4821. OTP: 640081' }, '640081'],
  ['amount without separators', { text: 'Pay INR 45000 to ACME. Your one-time password is 330912.' }, '330912'],
  ['masked account', { text: 'A/c no. ****4821 login. Verification code 209917' }, '209917'],
  ['4-digit PIN', { text: 'Your login PIN is 7391. It expires in 5 minutes.' }, '7391'],
  ['8-digit code', { text: 'Security code: 40917325' }, '40917325'],
  ['compact date is not a code', { text: 'Statement 20261202 ready. Your OTP is 552019.' }, '552019'],
  ['ddmmyyyy is not a code', { text: 'Ref date 02122026. Code 883120' }, '883120'],
  ['time without seconds', { text: 'Login at 14:05 from Chrome on Linux.\n\n661204 is your one-time code.' }, '661204'],
  ['email address with digits', { text: 'Sent to trader2048@example.com. OTP 190384.' }, '190384'],
  ['code in an HTML table', { html: html('<table><tr><td>Date</td><td>02/12/2026</td></tr><tr><td>OTP</td><td class="otp"><b>483 </b></td></tr></table><table><tr><td>Verification code</td><td><strong>926471</strong></td></tr></table>') }, '926471'],
  ['HTML with the code styled in pieces', { html: html('<p>Your verification code is <span style="color:#c00">48</span><span>2913</span></p>') }, '482913'],
  ['HTML entities and nbsp', { html: html('<p>Your&nbsp;OTP&nbsp;is&nbsp;&#51;&#49;&#48;&#50;&#57;&#56;</p>') }, '310298'],
  ['HTML: title and style numbers are not text', { html: html('<div>Use this code: 704158</div>') }, '704158'],
  ['HTML: comment hides a number', { html: html('<!-- 111111 --><div>Your passcode</div><div>562203</div>') }, '562203'],
  ['HTML: zero-width space between digits', { html: html('<p>Code: 91\u200B3355</p>') }, '913355'],
  ['text body wins over HTML', { text: 'Your OTP is 120394', html: html('<p>Your OTP is 999000</p>') }, '120394'],
  ['text body without a code falls back to HTML', { text: 'View this email in a browser.', html: html('<p>OTP <b>447120</b></p>') }, '447120'],
  ['no code at all', { text: 'Your password was changed on 02/12/2026. Call 1800 209 9999 if this was not you.' }, undefined],
  ['only numbers that are too long or short', { text: 'Ticket 123 for order 12345678901 received.' }, undefined],
  ['customer id then code', { text: 'Client ID: AB1234\nOTP for login: 304911 (valid 3 minutes)' }, '304911'],
];

test.describe('default rule', () => {
  test(`table has ${ROWS.length} emails`, () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(25);
  });
  for (const [name, body, code] of ROWS) {
    test(name, () => {
      expect(extractCode(body)).toBe(code);
    });
  }
});

test.describe('configured pattern', () => {
  test('the capture group is the code', () => {
    expect(extractCode({ text: 'Ref 123456. Token: AB-7731' }, 'Token: ([A-Z]{2}-\\d{4})')).toBe('AB-7731');
  });
  test('without a group the whole match is the code; spaces inside it are dropped', () => {
    expect(extractCode({ text: 'Your code is 482 913' }, '\\d{3} \\d{3}')).toBe('482913');
  });
  test('no match in either body: no code', () => {
    expect(extractCode({ text: 'nothing', html: '<p>here</p>' }, 'code (\\d{6})')).toBeUndefined();
  });
  test('problems: does not compile, two groups; fine: one group, none, non-capturing groups', () => {
    expect(codePatternProblem('(\\d{6}')).toMatch(/valid \(JavaScript\) regular expression/);
    expect(codePatternProblem('(code|otp): (\\d{6})')).toMatch(/has 2 capture groups.*\(\?:…\)/);
    expect(codePatternProblem('code: (\\d{6})')).toBeUndefined();
    expect(codePatternProblem('\\b\\d{6}\\b')).toBeUndefined();
    expect(codePatternProblem('(?:code|otp): (\\d{6})')).toBeUndefined();
  });
});

test('htmlToText keeps cells and blocks apart and drops invisible parts', () => {
  const text = htmlToText(html('<h1>Sign in</h1><table><tr><td>Phone</td><td>1800 209</td><td>9999</td></tr></table><p>a<br>b</p><script>var x = 123456;</script>'));
  expect(text).toBe('Sign in\nPhone\t1800 209\t9999\na\nb');
});
