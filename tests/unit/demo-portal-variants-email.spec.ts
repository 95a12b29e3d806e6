/**
 * The email variants over HTTP, without a mail server (codes are recorded,
 * not delivered): the method choice, the emailed code, resend, expiry,
 * the stale email and the one that never comes. The clock is injected.
 */
import { expect, type APIRequestContext, type APIResponse } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { DEMO_PASSWORD, DEMO_VARIANTS, demoUser } from '../../demo-portal/index.js';
import { it, T0 } from '../support/clocked-demo.js';
import { htmlForms, submitForm } from '../support/html-forms.js';

async function follow(api: APIRequestContext, response: APIResponse, path: string): Promise<APIResponse> {
  expect(response.status(), await response.text()).toBe(303);
  expect(response.headers()['location']).toBe(path);
  return api.get(path);
}

/** Password accepted: the "How do you want to verify?" page. */
async function toChoice(api: APIRequestContext, variant: string, username: string): Promise<APIResponse> {
  return follow(api, await submitForm(api, await api.get(`/${variant}/login`), { loginId: username, pwd: DEMO_PASSWORD }), `/${variant}/verify`);
}

it('lists email, emailstale and emaillost', () => {
  expect(DEMO_VARIANTS).toEqual(expect.arrayContaining(['email', 'emailstale', 'emaillost']));
});

it('email: the choice screen, then a random code by email that signs in once', async ({ demo }) => {
  const { api, portal } = demo;
  const choice = await toChoice(api, 'email', 'demo11');
  const html = await choice.text();
  expect(html).toContain('<h1 class="sc-bwzfXH fVhzqA">How do you want to verify?</h1>');
  expect(html).toContain('<input type="radio" name="otpMode" value="totp" checked><span>Authenticator app');
  expect(html).toContain('<input type="radio" name="otpMode" value="email"><span>Send a code to my email (a•••@example.com)');
  expect(portal.sentEmails()).toEqual([]);

  const codePage = await follow(api, await submitForm(api, choice, { otpMode: 'email' }), '/email/verify/email');
  expect(await codePage.text()).toContain("We've sent a 6-digit OTP to a•••@example.com. It is valid for 5 minutes.");
  expect(portal.chosenMethod('demo11')).toBe('email');
  const [sent, ...more] = portal.sentEmails('demo11');
  expect(more).toEqual([]);
  expect(sent).toEqual({ variant: 'email', username: 'demo11', to: 'alex@example.com', code: expect.stringMatching(/^\d{6}$/), sentAt: T0, stale: false, delivered: false });

  const wrong = await submitForm(api, codePage, { emailOtp: String((Number(sent!.code) + 1) % 1_000_000).padStart(6, '0') });
  expect(wrong.status()).toBe(401);
  expect(await wrong.text()).toContain('Invalid OTP. Please check the code and try again.');
  await follow(api, await submitForm(api, wrong, { emailOtp: sent!.code }), '/email/dashboard');
  expect(await (await api.get('/api/me')).json()).toEqual({ username: 'demo11' });
  expect(portal.submittedCodes('demo11')).toHaveLength(2);
});

it('email: "Resend code" sends a new code and the old one stops working; after 5 minutes the login is over', async ({ demo }) => {
  const { api, portal, clock } = demo;
  const codePage = await follow(api, await submitForm(api, await toChoice(api, 'email', 'demo12'), { otpMode: 'email' }), '/email/verify/email');
  expect(htmlForms(await codePage.text()).map((form) => form.action)).toEqual(['/email/verify/email', '/email/verify/resend']);
  clock.ms += 30_000;
  const resent = await submitForm(api, codePage, {}, { form: 1 });
  expect(resent.status()).toBe(200);
  expect(await resent.text()).toContain('A new OTP has been sent to your email.');
  const [first, second] = portal.sentEmails('demo12');
  expect(second?.sentAt).toBe(T0 + 30_000);
  expect(second!.code).not.toBe(first!.code);
  expect((await submitForm(api, resent, { emailOtp: first!.code })).status()).toBe(401);
  clock.ms = T0 + 5 * 60_000;
  const expired = await submitForm(api, resent, { emailOtp: second!.code });
  expect([expired.status(), expired.headers()['location']]).toEqual([303, '/email/login']);
  expect((await api.get('/api/me')).status()).toBe(401);
});

it('email: the authenticator app path signs in with the TOTP code', async ({ demo }) => {
  const { api, portal } = demo;
  const totp = await follow(api, await submitForm(api, await toChoice(api, 'email', 'demo13'), { otpMode: 'totp' }), '/email/verify/totp');
  const code = TOTP.generate({ secret: Secret.fromBase32(demoUser('demo13').totpSecret), timestamp: T0 });
  await follow(api, await submitForm(api, totp, { totp: code }), '/email/dashboard');
  expect(portal.chosenMethod('demo13')).toBe('totp');
  expect(portal.sentEmails()).toEqual([]);
});

it('emailstale: an old code is sent when the choice screen shows, before any request; it never signs in', async ({ demo }) => {
  const { api, portal } = demo;
  const choice = await toChoice(api, 'emailstale', 'demo14');
  await api.get('/emailstale/verify'); // a reload sends no second stale email
  expect(portal.sentEmails('demo14')).toEqual([expect.objectContaining({ stale: true, sentAt: T0 })]);
  const codePage = await follow(api, await submitForm(api, choice, { otpMode: 'email' }), '/emailstale/verify/email');
  const [stale, fresh] = portal.sentEmails('demo14');
  expect(fresh).toMatchObject({ stale: false });
  expect((await submitForm(api, codePage, { emailOtp: stale!.code })).status()).toBe(401);
  await follow(api, await submitForm(api, codePage, { emailOtp: fresh!.code }), '/emailstale/dashboard');
});

it('emaillost: says a code was sent, but none is, not even on resend', async ({ demo }) => {
  const { api, portal } = demo;
  const codePage = await follow(api, await submitForm(api, await toChoice(api, 'emaillost', 'demo15'), { otpMode: 'email' }), '/emaillost/verify/email');
  expect(await codePage.text()).toContain("We've sent a 6-digit OTP to a•••@example.com.");
  expect((await submitForm(api, codePage, {}, { form: 1 })).status()).toBe(200);
  expect(portal.sentEmails()).toEqual([]);
});
