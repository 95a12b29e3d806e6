/**
 * Field detection without selectors, on differently built pages: the scan
 * must tag the right username, password, code and submit elements, and
 * report what the screen offers.
 */
import { test, expect, type Page } from '@playwright/test';
import { scanFrame, TAG, type FrameScan } from '../../flows/browser/detect.js';

/** Loads `html`, scans it, and returns the scan and tag → element id (a submit carries one tag per field it submits). */
async function scan(page: Page, html: string): Promise<{ result: FrameScan; tagged: Record<string, string> }> {
  await page.setContent(`<!doctype html><html><body>${html}</body></html>`);
  const result = await page.evaluate(scanFrame, { explicit: [] });
  const tagged = await page.evaluate((attr) => {
    const out: Record<string, string> = {};
    const visit = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        for (const name of (el.getAttribute(attr) ?? '').split(' ').filter(Boolean)) out[name] = el.id;
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(document);
    return out;
  }, TAG);
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
    const { result, tagged } = await scan(page, html);
    expect(result.username && result.password).toBeTruthy();
    expect(result.code).toBeUndefined();
    const { submit, ...fields } = expected;
    expect(tagged).toMatchObject(fields);
    expect(tagged['password-submit']).toBe(submit);
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
    const { result, tagged } = await scan(page, html);
    expect(result.code?.count).toBe(fields);
    expect(result.password).toBeUndefined();
    const { 'code-submit': submit, ...codeTags } = expected;
    // One field is tagged "code"; boxes "code-0".."code-5".
    expect(tagged).toMatchObject(fields === 1 ? { code: codeTags['code-0'] } : codeTags);
    expect(tagged['code-submit']).toBe(submit);
  });
}

const HOSTILE_PAGES: Array<[string, string, Record<string, string>]> = [
  ['no <form>, labels as sibling divs, camelCase names, a div role=button',
    '<div class="_card_1x"><div class="_label_8d2kd">Client Code</div><input id="u" name="clientCode"><div class="_label_8d2kd">Password</div><input id="p" type="password" name="pwd"><div id="s" role="button" class="_btn_2kf9s">Login</div></div>',
    { username: 'u', password: 'p', 'password-submit': 's' }],
  ['"Client ID" and "User ID" are usernames, not codes',
    '<form><label for="u">User ID</label><input id="u" name="user_id"><label for="p">Password</label><input id="p" type="password"><button id="s">Sign in</button></form>',
    { username: 'u', password: 'p', 'password-submit': 's' }],
  ['SSO, passkey and forgot-password buttons in the same form are not the submit',
    '<form action="/login"><button id="g" type="submit" formaction="/sso/google/start">Sign in with Google</button><button id="k" type="button">Use a passkey</button>' +
    '<input id="u" name="email"><input id="p" type="password"><a id="f" role="button" href="/forgot">Forgot password?</a><button id="s">Log in</button></form>',
    { username: 'u', password: 'p', 'password-submit': 's' }],
  ['a show-password toggle beside the field is not the submit',
    '<form><input id="u" name="username"><div><input id="p" type="password"><button id="t" type="button" aria-label="Show password">👁</button></div><button id="s" type="submit">Continue</button></form>',
    { username: 'u', password: 'p', 'password-submit': 's' }],
];

for (const [name, html, expected] of HOSTILE_PAGES) {
  test(`hostile markup: ${name}`, async ({ page }) => {
    const { tagged } = await scan(page, html);
    expect(tagged).toMatchObject(expected);
  });
}

for (const name of ['verificationCode', 'otp_code', 'mfaCode', 'totpToken']) {
  test(`code field known by its name alone: ${name} (also as type=password)`, async ({ page }) => {
    for (const type of ['text', 'password']) {
      const { result, tagged } = await scan(page, `<div><div>Enter it below</div><input id="c" type="${type}" name="${name}"><button id="s" type="button">Verify</button></div>`);
      expect(result.code?.count, type).toBe(1);
      expect(result.password, type).toBeUndefined();
      expect(tagged, type).toMatchObject({ code: 'c', 'code-submit': 's' });
    }
  });
}

test('the code field added to the same form: username, password and code are all reported', async ({ page }) => {
  const { result, tagged } = await scan(page, '<form><input id="u" name="username" value="demo01"><input id="p" type="password" value="x"><label for="c">Verification code</label><input id="c" name="verificationCode"><button id="s">Sign in</button></form>');
  expect(result.username).toMatchObject({ value: 'demo01', filled: true });
  expect(result.password?.filled).toBe(true);
  expect(result.code?.count).toBe(1);
  expect(tagged).toMatchObject({ username: 'u', password: 'p', code: 'c', 'code-submit': 's' });
});

test('identifier first: a password field hidden until the username is accepted is not there yet', async ({ page }) => {
  const { result } = await scan(page, '<input id="u" type="email" aria-label="Email or phone"><div aria-hidden="true" style="height:0;overflow:hidden"><input id="p" type="password" tabindex="-1"></div><button id="n">Next</button>');
  expect(result.username).toBeTruthy();
  expect(result.password).toBeUndefined();
  expect(result.username?.submit).toBe('username-submit');
});

test('an open shadow root: fields inside it are found and tagged', async ({ page }) => {
  await page.setContent('<acme-login></acme-login><script>customElements.define("acme-login", class extends HTMLElement { connectedCallback() { this.attachShadow({ mode: "open" }).innerHTML = `<form><label for="u">Username</label><input id="u"><label for="p">Password</label><input id="p" type="password"><button id="s">Sign in</button></form>`; } });</script>');
  const result = await page.evaluate(scanFrame, { explicit: [] });
  expect(result.username && result.password).toBeTruthy();
  await expect(page.locator(`[${TAG}="username"]`)).toHaveId('u');
  await expect(page.locator(`[${TAG}~="password-submit"]`)).toHaveId('s');
});

test('a method choice and a trust-device question are reported as such', async ({ page }) => {
  const choice = await scan(page, '<h1>Choose a way to verify</h1><button id="a">Authenticator app</button><button id="t">Text message to ••• 4821</button><button id="e">Email to d•••@example.com</button>');
  expect(choice.result.choices).toEqual(['totp', 'sms', 'email']);
  expect(choice.tagged).toMatchObject({ 'choice-totp': 'a', 'choice-sms': 't', 'choice-email': 'e' });
  const trust = await scan(page, '<h2>Trust this device?</h2><p>Don’t ask again on this browser for 30 days.</p><button id="y">Trust</button><button id="n">Not now</button>');
  expect(trust.result.interstitial).toMatchObject({ kind: 'trust', yes: true, no: true });
  expect(trust.tagged).toMatchObject({ 'interstitial-yes': 'y', 'interstitial-no': 'n' });
  const conflict = await scan(page, '<p>You are already signed in on another device.</p><button id="c">Continue</button><button id="x">Cancel</button>');
  expect(conflict.result.interstitial).toMatchObject({ kind: 'conflict', proceed: true });
});

test('messages: a hashed CSS-module class, a toast and an invalid field\'s helper text are marked; plain text is not', async ({ page }) => {
  const { result } = await scan(page,
    '<p>Sign in to continue.</p><span class="_error_1x9kq">Invalid username or password.</span><div class="ant-message"><div class="ant-message-notice"><span>Rate exceeded</span></div></div>' +
    '<div><input id="c" aria-invalid="true" aria-describedby="h"><p id="h" class="css-1k9">Wrong one-time password.</p></div>');
  const byText = Object.fromEntries(result.messages.map((m) => [m.text, m.marked]));
  expect(byText).toMatchObject({ 'Sign in to continue.': false, 'Invalid username or password.': true, 'Rate exceeded': true, 'Wrong one-time password.': true });
  // Text loaded with the document is fresh until a baseline is set; after it only what changes is.
  expect(result.messages.every((m) => m.fresh)).toBe(true);
  await page.evaluate(scanFrame, { explicit: [], baseline: true });
  await page.evaluate(() => { document.querySelector('._error_1x9kq')!.textContent = 'Account locked.'; });
  const after = await page.evaluate(scanFrame, { explicit: [] });
  expect(after.messages.filter((m) => m.fresh).map((m) => m.text)).toEqual(['Account locked.']);
});

test('a captcha wall is reported; an invisible reCAPTCHA badge is not one', async ({ page }) => {
  expect((await scan(page, '<h1>Verify you are human</h1>')).result.captcha).toBe(true);
  expect((await scan(page, '<form><input type="email"><input type="password"></form><div class="g-recaptcha"><iframe title="reCAPTCHA"></iframe></div>')).result.captcha).toBe(true);
  expect((await scan(page, '<form><input type="email"><input type="password"></form><div class="grecaptcha-badge"><iframe title="reCAPTCHA" width="256" height="60"></iframe></div>')).result.captcha).toBe(false);
});
