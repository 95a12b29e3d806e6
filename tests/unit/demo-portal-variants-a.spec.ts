/**
 * The multi-screen demo variants (demo-portal/variants/): over HTTP, each
 * one's login reaches the dashboard, a wrong password shows that variant's
 * message, and its special screen behaves as a real portal's would; in a
 * browser, a person using explicit selectors can log in to every one.
 * The portal clock is injected (T0), never slept on.
 */
import { expect, request, type APIRequestContext, type APIResponse, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { DEMO_PASSWORD, DEMO_VARIANTS, demoUser, loginUrl, type DemoVariant } from '../../demo-portal/index.js';
import { demoLoginSetup } from '../../demo-portal/login-config.js';
import { htmlForms, submitForm } from '../support/html-forms.js';
import { it, STEP_MS, T0 } from '../support/clocked-demo.js';


function codeFor(username: string, timestampMs = T0): string {
  return TOTP.generate({ secret: Secret.fromBase32(demoUser(username).totpSecret), timestamp: timestampMs });
}

/** Asserts a 303 to `path` and follows it with a GET. */
async function follow(api: APIRequestContext, response: APIResponse, path: string): Promise<APIResponse> {
  expect(response.status(), await response.text()).toBe(303);
  expect(response.headers()['location']).toBe(path);
  return api.get(path);
}

async function expectSignedIn(api: APIRequestContext, variant: string, username: string): Promise<void> {
  expect(await (await api.get(`/${variant}/dashboard`)).text()).toContain(`<h1 id="dashboard">Welcome, ${username}</h1>`);
  const me = await api.get('/api/me');
  expect(me.status()).toBe(200);
  expect(await me.json()).toEqual({ username });
}

async function expectSignedOut(api: APIRequestContext): Promise<void> {
  expect((await api.get('/api/me')).status()).toBe(401);
}

/** Opens /<variant>/login and submits its first form with `fields`. */
async function submitLogin(api: APIRequestContext, variant: string, fields: Record<string, string>): Promise<APIResponse> {
  return submitForm(api, await api.get(`/${variant}/login`), fields);
}

const NEW_VARIANTS = ['idfirst', 'allinone', 'inline', 'autosubmit', 'sso', 'trust', 'choice', 'conflict', 'notice'] as const;

it('every new variant is listed, starts at /<name>/login and answers its own dashboard only when signed in', async ({ demo }) => {
  expect(DEMO_VARIANTS).toEqual(expect.arrayContaining([...NEW_VARIANTS]));
  const { portals } = demoLoginSetup(demo.portal.url, NEW_VARIANTS, ['demo'], { stateDir: 's', artifactsDir: 'a' }).config;
  for (const variant of NEW_VARIANTS) {
    expect(portals?.[variant]?.success, variant).toEqual({ url: '/dashboard$', probeUrl: `${demo.portal.url}/api/me` });
  }
  for (const variant of NEW_VARIANTS) {
    expect(loginUrl(demo.portal, variant)).toBe(`${demo.portal.url}/${variant}/login`);
    expect((await demo.api.get(`/${variant}/login`)).status(), variant).toBe(200);
    const dashboard = await demo.api.get(`/${variant}/dashboard`, { maxRedirects: 0 });
    expect(dashboard.headers()['location'], variant).toBe(`/${variant}/login`);
    expect(await (await demo.api.get(`/${variant}/login`)).text(), variant).not.toMatch(/https?:\/\//);
  }
});

it('idfirst: username page, then a password page carrying the name, then the code', async ({ demo }) => {
  const { api } = demo;
  const first = await api.get('/idfirst/login');
  const firstHtml = await first.text();
  expect(firstHtml).toContain('placeholder="Email or username"');
  expect(firstHtml).toContain('value="Next"');
  expect(firstHtml).not.toContain('type="password"');

  const second = await submitForm(api, first, { loginfmt: 'demo' });
  expect(second.status()).toBe(200);
  const secondHtml = await second.text();
  expect(secondHtml).toContain('<div id="displayName" class="identity" title="demo">demo</div> <a id="i1668" href="/idfirst/login">Not you?</a>');
  expect(htmlForms(secondHtml)[0]!.hidden['loginfmt']).toBe('demo');

  const wrong = await submitForm(api, second, { passwd: 'nope' });
  expect(wrong.status()).toBe(401);
  expect(await wrong.text()).toContain('<div class="_feedback_3h7sd" id="passwordError">Invalid username or password.</div>');

  const codePage = await follow(api, await submitForm(api, second, { passwd: DEMO_PASSWORD }), '/idfirst/verify');
  await follow(api, await submitForm(api, codePage, { otc: codeFor('demo') }), '/idfirst/dashboard');
  await expectSignedIn(api, 'idfirst', 'demo');
  expect(demo.portal.loginAttempts('demo')).toBe(2);
});

it('allinone: one form, three fields, one submit; Django errorlist for each failure', async ({ demo }) => {
  const { api, portal } = demo;
  const html = await (await api.get('/allinone/login')).text();
  expect(html).toContain('<label class="required" for="id_otp">Authenticator code:</label> <input type="text" name="otp"');
  expect(html).toContain('name="csrfmiddlewaretoken"');

  const badPassword = await submitLogin(api, 'allinone', { username: 'demo', password: 'nope', otp: codeFor('demo') });
  expect(badPassword.status()).toBe(200); // Django re-renders an invalid form with 200
  expect(await badPassword.text()).toContain('<ul class="errorlist nonfield"><li>Invalid username or password.</li></ul>');
  const badCode = await submitLogin(api, 'allinone', { username: 'demo', password: DEMO_PASSWORD, otp: '000000' });
  expect(await badCode.text()).toContain('<ul class="errorlist nonfield"><li>Invalid verification code. Please try again.</li></ul>');
  await expectSignedOut(api);

  await follow(api, await submitLogin(api, 'allinone', { username: 'demo', password: DEMO_PASSWORD, otp: codeFor('demo') }), '/allinone/dashboard');
  await expectSignedIn(api, 'allinone', 'demo');
  expect(portal.submittedCodes('demo')).toEqual([codeFor('demo'), '000000', codeFor('demo')]);
  expect(portal.loginAttempts('demo')).toBe(3);
});

it('inline: the password POST answers with the code page itself; the code posts back to /inline/login', async ({ demo }) => {
  const { api } = demo;
  const wrong = await submitLogin(api, 'inline', { j_username: 'demo', j_password: 'nope' });
  expect(wrong.status()).toBe(401);
  expect(await wrong.text()).toContain('<div class="message-box message-box--warn"><p class="message-box__text">Invalid username or password.</p></div>');

  const codePage = await submitLogin(api, 'inline', { j_username: 'demo', j_password: DEMO_PASSWORD });
  expect(codePage.status()).toBe(200);
  expect(codePage.headers()['location']).toBeUndefined();
  const form = htmlForms(await codePage.text())[0]!;
  expect(form.action).toBe('/inline/login');
  expect(form.hidden).toMatchObject({ step: 'code', pendingToken: expect.stringMatching(/^[0-9a-f]{32}$/) });

  const badCode = await submitForm(api, codePage, { otpCode: '000000' });
  expect(await badCode.text()).toContain('message-box--warn"><p class="message-box__text">Invalid verification code. Please try again.');
  await follow(api, await submitForm(api, badCode, { otpCode: codeFor('demo') }), '/inline/dashboard');
  await expectSignedIn(api, 'inline', 'demo');
  const stale = await submitForm(api, codePage, { otpCode: codeFor('demo') });
  expect(await stale.text()).toContain('Your session has expired. Please log in again.');
});

/** Password step of the autosubmit variant; returns its code page. */
async function autosubmitCodePage(api: APIRequestContext, username: string): Promise<APIResponse> {
  return follow(api, await submitLogin(api, 'autosubmit', { email: username, password: DEMO_PASSWORD }), '/autosubmit/verify');
}

it('autosubmit: MUI login, six unnamed digit boxes, and a wrong password as MUI helper text', async ({ demo }) => {
  const { api } = demo;
  const wrong = await submitLogin(api, 'autosubmit', { email: 'demo', password: 'nope' });
  expect(wrong.status()).toBe(401);
  expect(await wrong.text()).toMatch(/<p class="MuiFormHelperText-root Mui-error [^"]*" id=":r3:-helper-text">Invalid username or password\.<\/p>/);

  const html = await (await autosubmitCodePage(api, 'demo')).text();
  const boxes = html.match(/<input class="_digit_7qz1p" type="text" inputmode="numeric" maxlength="1" autocomplete="off" aria-label="Please enter OTP character \d">/g);
  expect(boxes).toHaveLength(6);
  expect(html).toContain('form.requestSubmit()');
  expect(htmlForms(html)[0]!.hidden).toHaveProperty('code', '');
});

it('autosubmit: a second code POST within 10 s gets 429 and a toast, and is still recorded', async ({ demo }) => {
  const { api, clock, portal } = demo;
  const codePage = await autosubmitCodePage(api, 'demo');
  expect((await submitForm(api, codePage, { code: '000000' })).status()).toBe(401);

  clock.ms += 9_999;
  const limited = await submitForm(api, codePage, { code: codeFor('demo', clock.ms) });
  expect(limited.status()).toBe(429);
  expect(limited.headers()['retry-after']).toBe('30');
  expect(await limited.text()).toContain('<div class="_toast_9fk2a">Too many requests. Please try again in 30 seconds.</div>');
  await expectSignedOut(api);
  expect(portal.submittedCodes('demo')).toEqual(['000000', codeFor('demo', clock.ms)]);

  clock.ms += 1;
  await follow(api, await submitForm(api, codePage, { code: codeFor('demo', clock.ms) }), '/autosubmit/dashboard');
  await expectSignedIn(api, 'autosubmit', 'demo');
  expect(portal.submittedCodes('demo')).toHaveLength(3);
});

it('autosubmit: a double submit after a correct code is limited too', async ({ demo }) => {
  const { api, portal } = demo;
  const codePage = await autosubmitCodePage(api, 'demo');
  // A browser sends the second POST before it has seen the first answer, so it still has the login cookie.
  const stepCookie = (await api.storageState()).cookies.find((c) => c.name === 'demo_step')!;
  const first = await submitForm(api, codePage, { code: codeFor('demo') });
  expect(first.headers()['location']).toBe('/autosubmit/dashboard');
  const second = await api.post('/autosubmit/verify', {
    form: { ...htmlForms(await codePage.text())[0]!.hidden, code: codeFor('demo') },
    headers: { cookie: `demo_step=${stepCookie.value}` },
    maxRedirects: 0,
  });
  expect(second.status()).toBe(429);
  expect(portal.submittedCodes('demo')).toHaveLength(2);
});

it('sso: the Google button comes first with a formaction; only "Log in" signs in', async ({ demo }) => {
  const { api, portal } = demo;
  const login = await api.get('/sso/login');
  const html = await login.text();
  const buttons = [...html.matchAll(/<button[^>]*>[^<]*(?:<span[^>]*>[^<]*<\/span>)?[^<]*<\/button>/g)].map(([b]) => b);
  expect(buttons[0]).toContain('type="submit" formaction="/sso/google/start"');
  expect(buttons[0]).toContain('Sign in with Google');
  expect(buttons[1]).toMatch(/^<button type="button"[^>]*>Use a passkey<\/button>$/);
  expect(buttons.at(-1)).toBe('<button class="btn btn-primary">Log in</button>');
  expect(html.indexOf('Forgot password?')).toBeLessThan(html.indexOf('id="user_login"'));

  const google = await submitForm(api, login, { 'user[login]': 'demo', 'user[password]': DEMO_PASSWORD }, { action: '/sso/google/start' });
  expect(await google.text()).toContain('<title>Choose an account – Google</title>');
  expect(portal.ssoHits()).toBe(1);
  expect(portal.loginAttempts('demo')).toBe(0);
  await expectSignedOut(api);

  const wrong = await submitLogin(api, 'sso', { 'user[login]': 'demo', 'user[password]': 'nope' });
  expect(wrong.status()).toBe(401);
  expect(await wrong.text()).toContain('<p class="alert">Invalid username or password.</p>');

  const codePage = await follow(api, await submitLogin(api, 'sso', { 'user[login]': 'demo', 'user[password]': DEMO_PASSWORD }), '/sso/two_factor');
  await follow(api, await submitForm(api, codePage, { 'user[otp_attempt]': codeFor('demo') }), '/sso/dashboard');
  await expectSignedIn(api, 'sso', 'demo');
  expect(portal.ssoHits()).toBe(1);
});

/** Password and code on the trust variant; returns the trust screen. */
async function trustScreen(api: APIRequestContext, username: string): Promise<APIResponse> {
  const codePage = await follow(api, await submitLogin(api, 'trust', { username, password: DEMO_PASSWORD }), '/trust/otp');
  return follow(api, await submitForm(api, codePage, { otp: codeFor(username) }), '/trust/device');
}

it('trust: after the code, "Trust this device?" must be answered; the answer is recorded per user', async ({ demo }) => {
  const { api, portal } = demo;
  const wrong = await submitLogin(api, 'trust', { username: 'demo', password: 'nope' });
  expect(wrong.status()).toBe(401);
  expect(await wrong.text()).toContain('class="pf-c-form__helper-text pf-m-error required kc-feedback-text" aria-live="polite">Invalid username or password.</span>');

  const screen = await trustScreen(api, 'demo');
  const html = await screen.text();
  expect(html).toContain("Don't ask again on this browser for 30 days");
  expect(html).toContain('<button class="pf-c-button pf-m-primary" type="submit" name="trust" value="yes">Trust</button>');
  expect(html).toContain('<button class="pf-c-button pf-m-secondary" type="submit" name="trust" value="no">Not now</button>');
  await expectSignedOut(api);

  const unanswered = await submitForm(api, screen, {});
  expect(unanswered.status()).toBe(400);
  expect(portal.trustChoice('demo')).toBeUndefined();
  await follow(api, await submitForm(api, screen, { trust: 'no' }), '/trust/dashboard');
  await expectSignedIn(api, 'trust', 'demo');
  expect(portal.trustChoice('demo')).toBe('no');

  const other = await request.newContext({ baseURL: portal.url });
  await follow(other, await submitForm(other, await trustScreen(other, 'demo01'), { trust: 'yes' }), '/trust/dashboard');
  await other.dispose();
  expect(portal.trustChoice('demo01')).toBe('yes');
  expect(portal.trustChoice('demo02')).toBeUndefined();
});

it('choice: text message and email lead to pages nothing passes; the authenticator signs in', async ({ demo }) => {
  const { api, portal } = demo;
  const wrong = await submitLogin(api, 'choice', { identifier: 'demo', 'credentials.passcode': 'nope' });
  expect(wrong.status()).toBe(401);
  expect(await wrong.text()).toContain('<p>Invalid username or password.</p>');

  const select = await follow(api, await submitLogin(api, 'choice', { identifier: 'demo', 'credentials.passcode': DEMO_PASSWORD }), '/choice/select');
  const html = await select.text();
  for (const title of ['Authenticator app', 'Text message to ••• ••• 4821', 'Email to d•••@example.com']) {
    expect(html).toContain(`<h3 class="authenticator-label no-translate">${title}</h3>`);
    expect(html).toContain(`aria-label="Select ${title}.">Select</button>`);
  }
  expect(portal.chosenMethod('demo')).toBeUndefined();

  const sent = await follow(api, await submitForm(api, select, { authenticator: 'sms' }), '/choice/verify/sent');
  expect(await sent.text()).toContain('We sent a code to ••• ••• 4821. Enter it below.');
  expect(portal.chosenMethod('demo')).toBe('sms');
  const refused = await submitForm(api, sent, { 'credentials.passcode': codeFor('demo') });
  expect(refused.status()).toBe(401);
  expect(await refused.text()).toContain('Invalid code. Try again.');
  await expectSignedOut(api);

  const again = await api.get('/choice/select'); // "Verify with something else"
  const email = await follow(api, await submitForm(api, again, { authenticator: 'email' }), '/choice/verify/sent');
  expect(await email.text()).toContain('We sent a code to d•••@example.com.');
  expect(portal.chosenMethod('demo')).toBe('email');

  const totp = await follow(api, await submitForm(api, await api.get('/choice/select'), { authenticator: 'totp' }), '/choice/verify/totp');
  expect(portal.chosenMethod('demo')).toBe('totp');
  await follow(api, await submitForm(api, totp, { 'credentials.passcode': codeFor('demo') }), '/choice/dashboard');
  await expectSignedIn(api, 'choice', 'demo');
  expect(portal.submittedCodes('demo')).toEqual([codeFor('demo'), codeFor('demo')]);
});

/** Password and code on the conflict variant with the code of `atMs`; returns the conflict screen. */
async function conflictScreen(api: APIRequestContext, username: string, atMs: number): Promise<APIResponse> {
  const codePage = await follow(api, await submitLogin(api, 'conflict', { username, password: DEMO_PASSWORD }), '/conflict/verify');
  return follow(api, await submitForm(api, codePage, { code: codeFor(username, atMs) }), '/conflict/session');
}

it('conflict: a correct code is not enough; Cancel ends the login and Continue signs in', async ({ demo }) => {
  const { api, clock } = demo;
  const wrong = await submitLogin(api, 'conflict', { username: 'demo', password: 'nope' });
  expect(wrong.status()).toBe(401);
  expect(await wrong.text()).toContain('<div class="_alert_6cn1d"><svg aria-hidden="true" width="16" height="16"></svg><span>Invalid username or password.</span></div>');

  const screen = await conflictScreen(api, 'demo', clock.ms);
  expect(await screen.text()).toContain(
    'You are already signed in on another device. Continue here and sign out the other session?',
  );
  await expectSignedOut(api);
  await follow(api, await submitForm(api, screen, { choice: 'cancel' }), '/conflict/login');
  await expectSignedOut(api);
  expect((await api.get('/conflict/session', { maxRedirects: 0 })).headers()['location']).toBe('/conflict/login');

  clock.ms += STEP_MS; // the first code was used; a new login needs the next one
  const second = await conflictScreen(api, 'demo', clock.ms);
  await follow(api, await submitForm(api, second, { choice: 'continue' }), '/conflict/dashboard');
  await expectSignedIn(api, 'conflict', 'demo');
});

/** The text the notice variant hands its toast script. */
async function noticeText(response: APIResponse): Promise<string | null> {
  const match = /window\.__INITIAL_STATE__ = (\{.*\});/.exec(await response.text());
  return (JSON.parse(match![1]!) as { flash: string | null }).flash;
}

it('notice: messages exist only for the toast script, in their own words, warning as attempts run out', async ({ demo }) => {
  const { api } = demo;
  const wrong = await submitLogin(api, 'notice', { username: 'demo', password: 'nope' });
  expect(wrong.status()).toBe(401);
  expect(await noticeText(wrong)).toBe("The credentials you entered don't match our records.");
  const body = (await wrong.text()).replace(/<script>[\s\S]*<\/script>/, '');
  expect(body).not.toContain("don't match");
  expect(body).not.toMatch(/role="alert"|aria-live|class="[^"]*\berror\b/);

  const codePage = await follow(api, await submitLogin(api, 'notice', { username: 'demo', password: DEMO_PASSWORD }), '/notice/verify');
  expect(await noticeText(codePage)).toBeNull();
  const texts: Array<string | null> = [];
  for (let i = 0; i < 4; i++) texts.push(await noticeText(await submitForm(api, codePage, { code: '000000' })));
  expect(texts).toEqual([
    'Wrong one-time password.', // failures: 2 (one was the password)
    'Wrong one-time password. Only 2 more chances before your account is locked.',
    'Wrong one-time password. Only 1 more chance before your account is locked.',
    'Your account has been locked. 0 attempts remaining.',
  ]);
  const locked = await submitForm(api, codePage, { code: codeFor('demo') });
  expect(locked.status()).toBe(423);
  expect(await noticeText(locked)).toBe('Your account has been locked. 0 attempts remaining.');
  await expectSignedOut(api);
});

it('notice: in a browser the toast appears after load and is gone 4 s later', async ({ demo, page }) => {
  // A paused page clock: however slow the machine, the toast's timers run only when the test says so.
  await page.clock.install({ time: T0 });
  await page.clock.pauseAt(T0 + 1000);
  await page.goto(`${demo.portal.url}/notice/login`);
  await page.locator('#login_username').fill('demo');
  await page.locator('#login_password').fill('nope');
  const answered = page.waitForEvent('load'); // the POST's answer page, not the login page
  await page.locator('button[type="submit"]').click();
  await answered;
  const toast = page.locator('.ant-message .ant-message-notice .ant-message-notice-content > span');
  await expect(toast).toHaveCount(0);
  await page.clock.runFor(300);
  await expect(toast).toHaveText("The credentials you entered don't match our records.");
  await expect(page.locator('.ant-message [role], .ant-message [aria-live]')).toHaveCount(0);
  await page.clock.runFor(3999);
  await expect(toast).toBeVisible();
  await page.clock.runFor(1);
  await expect(toast).toHaveCount(0);
});

it('autosubmit: in a browser, typing the sixth digit sends the form by itself', async ({ demo, page }) => {
  await page.goto(`${demo.portal.url}/autosubmit/login`);
  await page.locator('[id=":r1:"]').fill('demo03');
  await page.locator('[id=":r3:"]').fill(DEMO_PASSWORD);
  await page.locator('button[type="submit"]').click();
  await expect(page.locator('[aria-label="Please enter OTP character 1"]')).toBeFocused();
  await page.keyboard.type(codeFor('demo03'), { delay: 20 });
  await expect(page.locator('#dashboard')).toHaveText('Welcome, demo03');
  expect(demo.portal.submittedCodes('demo03')).toEqual([codeFor('demo03')]);
});

it('sso: in a browser, Enter in the password field goes to Google (the first submit button)', async ({ demo, page }) => {
  await page.goto(`${demo.portal.url}/sso/login`);
  await page.locator('#user_login').fill('demo');
  await page.locator('#user_password').fill(DEMO_PASSWORD);
  await page.locator('#user_password').press('Enter');
  await expect(page).toHaveTitle('Choose an account – Google');
  expect(demo.portal.ssoHits()).toBe(1);
});

/** How a person logs in to each variant, with explicit selectors; `code` is the current TOTP. */
const PERSON_STEPS: Record<(typeof NEW_VARIANTS)[number], (page: Page, user: string, code: string) => Promise<void>> = {
  idfirst: async (page, user, code) => {
    await page.locator('#i0116').fill(user);
    await page.locator('#idSIButton9').click();
    await expect(page.locator('#displayName')).toHaveText(user);
    await page.locator('#i0118').fill(DEMO_PASSWORD);
    await page.locator('#idSIButton9').click();
    await page.locator('#idTxtBx_SAOTCC_OTC').fill(code);
    await page.locator('#idSubmit_SAOTCC_Continue').click();
  },
  allinone: async (page, user, code) => {
    await page.locator('#id_username').fill(user);
    await page.locator('#id_password').fill(DEMO_PASSWORD);
    await page.locator('#id_otp').fill(code);
    await page.locator('input[type="submit"][value="Log in"]').click();
  },
  inline: async (page, user, code) => {
    await page.locator('#j_username').fill(user);
    await page.locator('#j_password').fill(DEMO_PASSWORD);
    await page.locator('input[value="Login"]').click();
    await page.locator('#otpCode').fill(code);
    await page.locator('input[value="Continue"]').click();
  },
  autosubmit: async (page, user, code) => {
    await page.locator('[id=":r1:"]').fill(user);
    await page.locator('[id=":r3:"]').fill(DEMO_PASSWORD);
    await page.locator('button[type="submit"]').click();
    await page.locator('[aria-label="Please enter OTP character 1"]').pressSequentially(code);
  },
  sso: async (page, user, code) => {
    await page.locator('#user_login').fill(user);
    await page.locator('#user_password').fill(DEMO_PASSWORD);
    await page.locator('button.btn-primary').click();
    await page.locator('#user_otp_attempt').fill(code);
    await page.locator('input[value="Verify"]').click();
  },
  trust: async (page, user, code) => {
    await page.locator('#username').fill(user);
    await page.locator('#password').fill(DEMO_PASSWORD);
    await page.locator('#kc-login').click();
    await page.locator('#otp').fill(code);
    await page.locator('#kc-login').click();
    await page.locator('button[value="yes"]').click();
  },
  choice: async (page, user, code) => {
    await page.locator('#input28').fill(user);
    await page.locator('#input36').fill(DEMO_PASSWORD);
    await page.locator('input[value="Sign in"]').click();
    await page.locator('button[aria-label="Select Authenticator app."]').click();
    await page.locator('#input71').fill(code);
    await page.locator('input[value="Verify"]').click();
  },
  conflict: async (page, user, code) => {
    await page.locator('[id="«r1»"]').fill(user);
    await page.locator('[id="«r2»"]').fill(DEMO_PASSWORD);
    await page.locator('button[type="submit"]').click();
    await page.locator('[id="«r3»"]').fill(code);
    await page.locator('button[type="submit"]').click();
    await page.locator('button[value="continue"]').click();
  },
  notice: async (page, user, code) => {
    await page.locator('#login_username').fill(user);
    await page.locator('#login_password').fill(DEMO_PASSWORD);
    await page.locator('button[type="submit"]').click();
    await page.locator('#mfa_code').fill(code);
    await page.locator('button[type="submit"]').click();
  },
};

for (const variant of NEW_VARIANTS) {
  it(`${variant}: a person in a browser reaches the dashboard`, async ({ demo, page }) => {
    const user = 'demo05';
    await page.goto(loginUrl(demo.portal, variant as DemoVariant));
    await PERSON_STEPS[variant](page, user, codeFor(user));
    await expect(page).toHaveURL(`${demo.portal.url}/${variant}/dashboard`);
    await expect(page.locator('#dashboard')).toHaveText(`Welcome, ${user}`);
    expect((await page.request.get(`${demo.portal.url}/api/me`)).status()).toBe(200);
    expect(demo.portal.submittedCodes(user)).toEqual([codeFor(user)]);
  });
}
