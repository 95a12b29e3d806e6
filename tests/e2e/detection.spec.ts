/**
 * Field detection without selectors, on differently built pages: the scan
 * must tag the right username, password, code and submit elements.
 */
import { test, expect, type Page } from '@playwright/test';
import { DEFAULT_ERROR_SELECTOR, scanPage, TAG, type ScanInput, type Stage } from '../../flows/page-scan.js';

async function scan(page: Page, html: string, stage: Stage, selectors: ScanInput['selectors'] = {}) {
  await page.setContent(`<!doctype html><html><body>${html}</body></html>`);
  const result = await page.evaluate(scanPage, { stage, selectors, errorSelector: DEFAULT_ERROR_SELECTOR, diagnose: true });
  const tagged = await page.evaluate((attr) => Object.fromEntries([...document.querySelectorAll(`[${attr}]`)].map((el) => [el.getAttribute(attr), el.id])), TAG);
  return { result, tagged };
}

const CREDENTIAL_PAGES: Array<[string, string, Record<string, string>]> = [
  ['labels with for=, type=email, plain button',
    '<form><label for="u">Email address</label><input id="u" type="email"><label for="p">Password</label><input id="p" type="password"><button id="s">Log in</button></form>',
    { username: 'u', password: 'p', submit: 's' }],
  ['aria-labelledby and a role=button link, no form',
    '<div><span id="l1">Client ID</span><input id="u" aria-labelledby="l1"><span id="l2">Secret</span><input id="p" type="password" aria-labelledby="l2"><a id="s" role="button" href="#">Continue</a></div>',
    { username: 'u', password: 'p', submit: 's' }],
  ['no hints at all: the text field before the password, Enter to submit',
    '<form><input id="u" type="text"><input id="p" type="password"></form>',
    { username: 'u', password: 'p' }],
  ['a search box and a hidden password decoy are ignored',
    '<input id="q" type="search" placeholder="Search"><form><input id="u" name="login"><input id="hp" type="password" style="display:none"><input id="p" type="password"><input id="s" type="submit" value="Go"></form>',
    { username: 'u', password: 'p', submit: 's' }],
  ['a submit button disabled until the fields are filled is still the submit control',
    '<form><input id="u" name="username"><input id="p" type="password"><button id="s" type="submit" disabled>Sign in</button></form>',
    { username: 'u', password: 'p', submit: 's' }],
  ['an invisible reCAPTCHA badge is not a captcha wall',
    '<form><input id="u" type="email"><input id="p" type="password"><button id="s">Log in</button></form><div class="grecaptcha-badge"><iframe title="reCAPTCHA" width="256" height="60"></iframe></div>',
    { username: 'u', password: 'p', submit: 's' }],
  ['a numeric client ID / mobile field (inputmode=numeric, maxlength 10) is the username, not a code',
    '<form><input id="u" inputmode="numeric" maxlength="10" placeholder="Mobile number"><input id="p" type="password"><button id="s" type="submit">Login</button></form>',
    { username: 'u', password: 'p', submit: 's' }],
  ['a header search box and a sign-up form elsewhere are not the username',
    '<header><input id="q" placeholder="Search accounts"></header><form id="signup"><input id="e" type="email" placeholder="Email for newsletter"><button id="n">Sign up</button></form>' +
    '<form><input id="u" name="login"><input id="p" type="password"><button id="s" type="submit">Sign in</button></form>',
    { username: 'u', password: 'p', submit: 's' }],
  ['autocomplete=username wins over an earlier text field',
    '<form><input id="x" type="text" placeholder="Branch"><input id="u" autocomplete="username"><input id="p" type="password"><button id="s" type="submit">Sign in</button></form>',
    { username: 'u', password: 'p', submit: 's' }],
];

for (const [name, html, expected] of CREDENTIAL_PAGES) {
  test(`credentials: ${name}`, async ({ page }) => {
    const { result, tagged } = await scan(page, html, 'credentials');
    expect(result?.screen).toBe('credentials');
    expect(tagged).toEqual(expected);
  });
}

const CODE_PAGES: Array<[string, string, Record<string, string>, number]> = [
  ['autocomplete=one-time-code', '<form><input id="c" autocomplete="one-time-code"><button id="s">Verify</button></form>', { 'code-0': 'c', 'code-submit': 's' }, 1],
  ['inputmode=numeric maxlength=6, no label', '<form><input id="c" inputmode="numeric" maxlength="6"><button id="s" type="submit">Next</button></form>', { 'code-0': 'c', 'code-submit': 's' }, 1],
  ['a label saying OTP on a tel field', '<form><label>Enter the OTP <input id="c" type="tel"></label><button id="s">Submit</button></form>', { 'code-0': 'c', 'code-submit': 's' }, 1],
  ['aria-label "Authenticator code", no button', '<form><input id="c" aria-label="Authenticator code"></form>', { 'code-0': 'c' }, 1],
  ['six boxes in their group; a single-character field elsewhere is not a seventh',
    '<input id="x" maxlength="1" placeholder="Initial"><form>' + [1, 2, 3, 4, 5, 6].map((i) => `<input id="d${i}" maxlength="1" inputmode="numeric">`).join('') + '<button id="s">Verify</button></form>',
    { 'code-0': 'd1', 'code-1': 'd2', 'code-2': 'd3', 'code-3': 'd4', 'code-4': 'd5', 'code-5': 'd6', 'code-submit': 's' }, 6],
  ['an instruction in an alert box on the code screen is not an error',
    '<div role="alert">We sent a code to your authenticator app.</div><form><input id="c" autocomplete="one-time-code"><button id="s">Verify</button></form>', { 'code-0': 'c', 'code-submit': 's' }, 1],
  ['six single-digit boxes', '<form>' + [1, 2, 3, 4, 5, 6].map((i) => `<input id="d${i}" maxlength="1" inputmode="numeric">`).join('') + '<button id="s">Verify</button></form>',
    { 'code-0': 'd1', 'code-1': 'd2', 'code-2': 'd3', 'code-3': 'd4', 'code-4': 'd5', 'code-5': 'd6', 'code-submit': 's' }, 6],
];

for (const [name, html, expected, fields] of CODE_PAGES) {
  test(`code screen: ${name}`, async ({ page }) => {
    const { result, tagged } = await scan(page, html, 'after-credentials');
    expect(result?.screen).toBe('code');
    expect(result?.codeFields).toBe(fields);
    expect(tagged).toEqual(expected);
  });
}

test('after credentials: an error message, a captcha and a login form that is still there are told apart', async ({ page }) => {
  expect((await scan(page, '<form><input type="password"></form><div role="alert">Invalid username or password.</div>', 'after-credentials')).result)
    .toMatchObject({ screen: 'error', errorText: 'Invalid username or password.' });
  expect((await scan(page, '<h1>Verify you are human</h1>', 'after-credentials')).result?.screen).toBe('captcha');
  expect((await scan(page, '<form><input type="email"><input type="password"></form><div class="g-recaptcha"><iframe title="reCAPTCHA"></iframe></div>', 'credentials')).result?.screen).toBe('captcha');
  expect((await scan(page, '<form><input id="u"><input type="password"></form>', 'after-credentials')).result?.screen).toBe('none');
  expect((await scan(page, '<h1>Portfolio</h1>', 'after-code')).result?.screen).toBe('left');
});

test('with an in-page success check, an interstitial is waited out, not taken for success', async ({ page }) => {
  await page.setContent('<p>Signing you in…</p>');
  const input = { stage: 'after-credentials' as const, selectors: {}, errorSelector: DEFAULT_ERROR_SELECTOR, successSelector: '#dashboard' };
  expect(await page.evaluate(scanPage, input)).toBeNull();
  expect(await page.evaluate(scanPage, { ...input, successSelector: undefined })).toMatchObject({ screen: 'left' });
});

test('a success URL pattern that also matches the code page does not skip the code', async ({ page }) => {
  await page.setContent('<form><input autocomplete="one-time-code"><button>Verify</button></form>');
  const result = await page.evaluate(scanPage, { stage: 'after-credentials' as const, selectors: {}, errorSelector: DEFAULT_ERROR_SELECTOR, successUrl: '.*' });
  expect(result?.screen).toBe('code');
});

test('explicit selectors win, and one that matches nothing is reported by key', async ({ page }) => {
  const html = '<form><input id="a" name="user"><input id="b" name="client"><input id="p" type="password"></form>';
  expect((await scan(page, html, 'credentials', { username: '#b' })).tagged).toMatchObject({ username: 'b' });
  const missing = await scan(page, html, 'credentials', { username: '#nope' });
  expect(missing.result).toMatchObject({ screen: 'none', unmatched: ['username'] });
});
