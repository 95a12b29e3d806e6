/**
 * HTTP-level tests of the demo portal (no browser): the login flows, the
 * rejections a real broker makes (wrong password/code, replay, lockout,
 * CSRF), the skewed clock and the spa API. Time is injected, never slept on.
 */
import { expect, request, test, type APIRequestContext, type APIResponse } from '@playwright/test';
import { createHash } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import {
  DEMO_PASSWORD,
  DEMO_USERNAMES,
  DEMO_VARIANTS,
  demoUser,
  loginUrl,
  startDemoPortal,
} from '../../demo-portal/index.js';
import { it, STEP_MS, T0 } from '../support/clocked-demo.js';


/** A correct code for `username` at `timestampMs`, as an authenticator app would show it. */
function codeFor(username: string, timestampMs: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(demoUser(username).totpSecret), timestamp: timestampMs });
}

async function csrfOf(response: APIResponse): Promise<string> {
  const match = /name="_csrf" value="([0-9a-f]+)"/.exec(await response.text());
  if (!match?.[1]) throw new Error(`no _csrf input in ${response.url()}`);
  return match[1];
}

function setCookies(response: APIResponse): string[] {
  return response.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value);
}

/** Opens the variant's login form and submits it, without following the redirect. */
async function submitPassword(api: APIRequestContext, variant: string, username: string, password = DEMO_PASSWORD) {
  const csrf = await csrfOf(await api.get(`/${variant}/login`));
  const fields: Record<string, string> = variant === "plain" ? { q_a1: username, q_b2: password } : { username, password };
  return api.post(`/${variant}/login`, { form: { _csrf: csrf, ...fields }, maxRedirects: 0 });
}

/** Opens the variant's code screen and submits `code`, without following the redirect. */
async function submitCode(api: APIRequestContext, variant: string, code: string) {
  const csrf = await csrfOf(await api.get(`/${variant}/totp`));
  const fields: Record<string, string> =
    variant === 'boxes'
      ? Object.fromEntries([...code].map((digit, i) => [`d${i + 1}`, digit]))
      : variant === 'plain'
        ? { q_c3: code }
        : { code };
  return api.post(`/${variant}/totp`, { form: { _csrf: csrf, ...fields }, maxRedirects: 0 });
}

/** RFC 4648 base32 without padding, written out so the demo secrets are checked against something other than otpauth. */
function base32(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + alphabet[(buffer << (5 - bits)) & 31] : out;
}

/** Full password + code login; returns the code-step response. */
async function logIn(api: APIRequestContext, variant: string, username: string, code: string) {
  expect((await submitPassword(api, variant, username)).status()).toBe(303);
  return submitCode(api, variant, code);
}

test('demo users: fixed public secrets and a helpful error for unknown names', () => {
  expect(DEMO_USERNAMES).toHaveLength(61);
  expect(DEMO_USERNAMES).toEqual(expect.arrayContaining(['demo', 'demo01', 'demo40', 'demo60']));
  expect(demoUser('demo')).toEqual({ username: 'demo', password: DEMO_PASSWORD, totpSecret: 'JBSWY3DPEHPK3PXP' });
  const secrets = DEMO_USERNAMES.map((name) => demoUser(name).totpSecret);
  expect(new Set(secrets).size).toBe(secrets.length);
  for (const secret of secrets.slice(1)) expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  // Recorded values: a change to the derivation would silently invalidate every demo authenticator app entry.
  expect(demoUser('demo07').totpSecret).toBe('KEUJJYXNUAUKHE3OBQBPWP7VEWQLI22M');
  expect(demoUser('demo01').totpSecret).toBe('L4AATENJX4B4DITXFFHB2FKLFDR726OW');
  // And the documented derivation, computed here without otpauth: base32(sha1('portal-login-demo:' + name)).
  for (const name of ['demo01', 'demo07', 'demo40', 'demo60']) expect(demoUser(name).totpSecret, name).toBe(base32(createHash('sha1').update(`portal-login-demo:${name}`).digest()));
  expect(() => demoUser('alice')).toThrow(/Unknown demo user "alice".*demo01/);
});

it('loginUrl points at each variant', ({ demo }) => {
  expect(DEMO_VARIANTS.slice(0, 6)).toEqual(['classic', 'boxes', 'spa', 'plain', 'skewed', 'captcha']);
  expect(new Set(DEMO_VARIANTS).size).toBe(DEMO_VARIANTS.length);
  expect(loginUrl(demo.portal, 'classic')).toBe(`${demo.portal.url}/classic/login`);
  expect(loginUrl(demo.portal, 'spa')).toBe(`${demo.portal.url}/spa/`);
  expect(demo.portal.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

it('classic: password then code reaches the dashboard with a real session cookie', async ({ demo }) => {
  const { api, portal } = demo;
  const afterPassword = await submitPassword(api, 'classic', 'demo');
  expect(afterPassword.status()).toBe(303);
  expect(afterPassword.headers()['location']).toBe('/classic/totp');

  const codePage = await api.get('/classic/totp');
  expect(await codePage.text()).toMatch(/autocomplete="one-time-code" inputmode="numeric" maxlength="6"/);

  const afterCode = await submitCode(api, 'classic', codeFor('demo', T0));
  expect(afterCode.status()).toBe(303);
  expect(afterCode.headers()['location']).toBe('/classic/dashboard');
  const session = setCookies(afterCode).find((c) => c.startsWith('demo_session='));
  expect(session).toMatch(/^demo_session=[0-9a-f]{32}; HttpOnly; SameSite=Lax; Path=\/; Max-Age=3600$/);

  expect(await (await api.get('/classic/dashboard')).text()).toContain('<h1 id="dashboard">Welcome, demo</h1>');
  const me = await api.get('/api/me');
  expect(me.status()).toBe(200);
  expect(await me.json()).toEqual({ username: 'demo' });

  const stranger = await request.newContext({ baseURL: portal.url });
  expect((await stranger.get('/api/me')).status()).toBe(401);
  const dashboard = await stranger.get('/classic/dashboard', { maxRedirects: 0 });
  expect(dashboard.status()).toBe(303);
  expect(dashboard.headers()['location']).toBe('/classic/login');
  await stranger.dispose();

  demo.clock.ms += 3600_000; // the session expires on the portal's clock
  expect((await api.get('/api/me')).status()).toBe(401);
});

it('wrong password or unknown user: 401 and the login alert', async ({ demo }) => {
  for (const [username, password] of [['demo', 'nope'], ['mallory', DEMO_PASSWORD]] as const) {
    const response = await submitPassword(demo.api, 'classic', username, password);
    expect(response.status()).toBe(401);
    expect(await response.text()).toContain('<div role="alert" class="error">Invalid username or password.</div>');
  }
  expect(demo.portal.loginAttempts('demo')).toBe(1);
  expect(demo.portal.loginAttempts('demo02')).toBe(0);
});

it('wrong code: 401, stays on the code screen, and the code is recorded', async ({ demo }) => {
  const response = await logIn(demo.api, 'classic', 'demo', '000000');
  expect(response.status()).toBe(401);
  const html = await response.text();
  expect(html).toContain('<div role="alert" class="error">Invalid verification code. Please try again.</div>');
  expect(html).toContain('Authenticator code');
  expect(demo.portal.submittedCodes('demo')).toEqual(['000000']);
});

it('a code at or before the last accepted step is refused as a replay', async ({ demo }) => {
  const { api, clock, portal } = demo;
  const code = codeFor('demo', T0);
  expect((await logIn(api, 'classic', 'demo', code)).status()).toBe(303);

  const replayed = await logIn(api, 'classic', 'demo', code);
  expect(replayed.status()).toBe(401);
  expect(await replayed.text()).toContain('This code has already been used. Wait for the next code.');
  // The previous step is inside the ±1 window but older than the accepted one.
  expect(await (await submitCode(api, 'classic', codeFor('demo', T0 - STEP_MS))).text()).toContain('already been used');

  clock.ms += STEP_MS;
  expect((await submitCode(api, 'classic', codeFor('demo', clock.ms))).status()).toBe(303);
  expect(portal.submittedCodes('demo')).toHaveLength(4);
});

// Known-answer table for the ±1 step window; a fresh user per row so no row sees a replay.
const windowCases = [
  { user: 'demo01', offsetMs: 0, accepted: true },
  { user: 'demo02', offsetMs: -STEP_MS, accepted: true },
  { user: 'demo03', offsetMs: STEP_MS, accepted: true },
  { user: 'demo04', offsetMs: -2 * STEP_MS, accepted: false },
  { user: 'demo05', offsetMs: 2 * STEP_MS, accepted: false },
];
for (const { user, offsetMs, accepted } of windowCases) {
  it(`a code ${offsetMs / 1000} s off the server clock is ${accepted ? 'accepted' : 'refused'}`, async ({ demo }) => {
    const response = await logIn(demo.api, 'classic', user, codeFor(user, T0 + offsetMs));
    expect(response.status()).toBe(accepted ? 303 : 401);
  });
}

it('five failures (password and code together) lock the account', async ({ demo }) => {
  const { api, portal } = demo;
  const locked = '<div role="alert" class="error">Account locked: too many failed attempts. Contact support.</div>';
  for (let i = 0; i < 3; i++) expect((await submitPassword(api, 'classic', 'demo', 'bad')).status()).toBe(401);
  expect((await submitPassword(api, 'classic', 'demo')).status()).toBe(303);
  for (let i = 0; i < 2; i++) expect((await submitCode(api, 'classic', '111111')).status()).toBe(401);

  const onCodePage = await submitCode(api, 'classic', codeFor('demo', T0));
  expect(onCodePage.status()).toBe(423);
  expect(await onCodePage.text()).toContain(locked);
  const onLoginPage = await submitPassword(api, 'classic', 'demo');
  expect(onLoginPage.status()).toBe(423);
  expect(await onLoginPage.text()).toContain(locked);

  expect((await logIn(api, 'classic', 'demo01', codeFor('demo01', T0))).status()).toBe(303);
  const fresh = await startDemoPortal({ now: () => T0 });
  const freshApi = await request.newContext({ baseURL: fresh.url });
  expect((await submitPassword(freshApi, 'classic', 'demo')).status()).toBe(303);
  await freshApi.dispose();
  await fresh.close();
  expect(portal.loginAttempts('demo')).toBe(5);
});

it('a POST without the matching _csrf token is rejected with 403', async ({ demo }) => {
  const { api } = demo;
  await api.get('/classic/login'); // sets the demo_csrf cookie
  const forms: Array<Record<string, string>> = [{ username: "demo", password: DEMO_PASSWORD }, { _csrf: "f".repeat(32), username: "demo", password: DEMO_PASSWORD }];
  for (const form of forms) {
    const response = await api.post('/classic/login', { form, maxRedirects: 0 });
    expect(response.status()).toBe(403);
    expect(await response.text()).toContain('Invalid CSRF token');
  }
  expect((await submitPassword(api, 'classic', 'demo')).status()).toBe(303);
  const codePost = await api.post('/classic/totp', { form: { code: codeFor('demo', T0) }, maxRedirects: 0 });
  expect(codePost.status()).toBe(403);
});

it('skewed: Date header runs 45 s ahead and codes are checked on that clock', async ({ demo }) => {
  const { api, clock } = demo;
  clock.ms = T0 + 10_000; // 20 s into the step: +45 s lands two steps later
  const serverDate = Date.parse((await api.get('/skewed/login')).headers()['date'] ?? '');
  expect(serverDate - clock.ms).toBe(45_000);
  expect(Date.parse((await api.get('/classic/login')).headers()['date'] ?? '')).toBe(clock.ms);

  expect((await logIn(api, 'skewed', 'demo', codeFor('demo', clock.ms))).status()).toBe(401);
  expect((await submitCode(api, 'skewed', codeFor('demo', serverDate))).status()).toBe(303);
});

it('every response carries a Date header, 404s and static files included', async ({ demo }) => {
  for (const path of ['/', '/nowhere', '/static/logo.png', '/api/me', '/spa/', '/captcha/login']) {
    expect((await demo.api.get(path)).headers()['date'], path).toBe(new Date(T0).toUTCString());
  }
});

it('spa: JSON two-step login with a bearer interim token and no cookies', async ({ demo }) => {
  const { api } = demo;
  const page = await api.get('/spa/');
  const html = await page.text();
  expect(html).not.toContain('<form');
  expect(html).toContain('placeholder="Email or client ID"');

  const wrong = await api.post('/spa/api/login', { data: { username: 'demo', password: 'x' } });
  expect(wrong.status()).toBe(401);
  expect(await wrong.json()).toEqual({ error: 'Invalid username or password.' });

  const login = await api.post('/spa/api/login', { data: { username: 'demo', password: DEMO_PASSWORD } });
  const { interimToken } = (await login.json()) as { interimToken: string };
  expect(interimToken).toMatch(/^[0-9a-f]{32}$/);
  const code = codeFor('demo', T0);
  expect((await api.post('/spa/api/verify', { data: { code } })).status()).toBe(401);
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const bad = await api.post('/spa/api/verify', { data: { code: '123456' }, headers: bearer(interimToken) });
  expect(await bad.json()).toEqual({ error: 'Invalid verification code. Please try again.' });

  const verify = await api.post('/spa/api/verify', { data: { code }, headers: bearer(interimToken) });
  const { token } = (await verify.json()) as { token: string };
  expect((await api.get('/spa/api/me', { headers: bearer(token) })).status()).toBe(200);
  expect((await api.get('/spa/api/me')).status()).toBe(401);
  expect((await api.get('/api/me')).status()).toBe(401); // bearer, not cookie
  for (const response of [page, wrong, login, verify]) expect(setCookies(response)).toEqual([]);
});

it('boxes and plain: their own markup, same server flow', async ({ demo }) => {
  const { api } = demo;
  const boxes = await (await submitPassword(api, 'boxes', 'demo01').then(() => api.get('/boxes/totp'))).text();
  expect(boxes.match(/maxlength="1"/g)).toHaveLength(6);
  expect(boxes).toContain('aria-label="Digit 6"');
  expect((await submitCode(api, 'boxes', codeFor('demo01', T0))).headers()['location']).toBe('/boxes/dashboard');

  const plainLogin = await (await api.get('/plain/login')).text();
  expect(plainLogin).toContain('aria-label="Client ID"');
  expect(plainLogin).not.toMatch(/<button|type="submit"|<label/);
  expect((await logIn(api, 'plain', 'demo02', codeFor('demo02', T0))).headers()['location']).toBe('/plain/dashboard');
});

it('captcha shows a bot wall and no login form; no page references the network', async ({ demo }) => {
  const html = await (await demo.api.get('/captcha/login')).text();
  expect(html).toContain('Verify you are human');
  expect(html).toMatch(/<div class="g-recaptcha"[^>]*>\s*<iframe title="reCAPTCHA"/);
  expect(html).not.toContain('<form');
  for (const path of ['/classic/login', '/boxes/login', '/plain/login', '/spa/', '/captcha/login']) {
    expect(await (await demo.api.get(path)).text(), path).not.toMatch(/https?:\/\//);
  }
});

it('image and font requests are counted; pages are not', async ({ demo }) => {
  const html = await (await demo.api.get('/classic/login')).text();
  expect(html).toContain('src="/static/logo.png"');
  expect(html).toContain('url(/static/demo.woff2)');
  expect(demo.portal.staticHits()).toBe(0);
  const logo = await demo.api.get('/static/logo.png');
  expect(logo.headers()['content-type']).toBe('image/png');
  await demo.api.get('/static/demo.woff2');
  expect(demo.portal.staticHits()).toBe(2);
});
