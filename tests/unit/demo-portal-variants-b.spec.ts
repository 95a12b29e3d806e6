/**
 * The script-driven demo variants (reveal, sameform, bare, frame, xframe,
 * shadow) driven in a real browser the way a person would: explicit
 * selectors, clicks and keys, codes from an authenticator (otpauth). Each
 * test starts its own portal and uses its own demo user.
 */
import { expect, test, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { DEMO_PASSWORD, demoUser, loginUrl, startDemoPortal, type DemoPortal } from '../../demo-portal/index.js';

const it = test.extend<{ portal: DemoPortal }>({
  portal: async ({}, use) => {
    const portal = await startDemoPortal();
    await use(portal);
    await portal.close();
  },
});

const WRONG_LOGIN = 'Invalid username or password.';
const WRONG_CODE = 'Invalid verification code. Please try again.';

/** The code an authenticator app shows for `username` right now (the portal runs on the real clock). */
function codeNow(username: string): string {
  return TOTP.generate({ secret: Secret.fromBase32(demoUser(username).totpSecret) });
}

/** A wrong code that is certainly not valid in the ±1 step window around now. */
function wrongCode(username: string): string {
  const near = [-30_000, 0, 30_000].map((offset) =>
    TOTP.generate({ secret: Secret.fromBase32(demoUser(username).totpSecret), timestamp: Date.now() + offset }),
  );
  return ['000000', '111111', '222222', '333333'].find((code) => !near.includes(code)) ?? '444444';
}

/** The login landed on the variant's dashboard and the cookie session answers the probe URL. */
async function expectSignedIn(page: Page, portal: DemoPortal, variant: string, username: string): Promise<void> {
  await expect(page).toHaveURL(`${portal.url}/${variant}/dashboard`);
  await expect(page.locator('#dashboard')).toHaveText(`Welcome, ${username}`);
  const me = await page.request.get(`${portal.url}/api/me`);
  expect(me.status()).toBe(200);
  expect(await me.json()).toEqual({ username });
}

test.describe('reveal', () => {
  it('identifier first, password revealed in place, then the code: reaches the dashboard', async ({ page, portal }) => {
    await page.goto(loginUrl(portal, 'reveal'));
    const passwordBlock = page.locator('[jsname="xdJtEf"]');
    const password = page.locator('input[name="Passwd"]');
    // Already in the DOM, but collapsed, hidden from assistive tech and out of the tab order.
    await expect(password).toHaveCount(1);
    await expect(passwordBlock).toHaveAttribute('aria-hidden', 'true');
    await expect(password).toHaveAttribute('tabindex', '-1');
    expect((await passwordBlock.boundingBox())?.height).toBe(0);

    await page.locator('#identifierId').fill('demo01');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await expect(passwordBlock).not.toHaveAttribute('aria-hidden', /.*/);
    await expect(password).toHaveAttribute('tabindex', '0');
    await expect(password).toBeFocused();
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');

    await expect(page.locator('#headingText')).toHaveText('2-Step Verification');
    await expect(page.locator('input[name="Passwd"]')).toHaveCount(0);
    await page.locator('#totpPin').fill(codeNow('demo01'));
    await page.getByRole('button', { name: 'Next' }).click();
    await expectSignedIn(page, portal, 'reveal', 'demo01');
  });

  it('a wrong password shows its message under the field', async ({ page, portal }) => {
    await page.goto(loginUrl(portal, 'reveal'));
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.locator('[jsname="B34EJ"]').first()).toHaveText('Enter an email or phone number');
    await page.locator('#identifierId').fill('demo02');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('input[name="Passwd"]').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('[jsname="xdJtEf"] [jsname="B34EJ"]')).toHaveText(WRONG_LOGIN);
    await expect(page.locator('input[name="Passwd"]')).toHaveAttribute('aria-invalid', 'true');
    expect(portal.loginAttempts('demo02')).toBe(1);
  });
});

test.describe('sameform', () => {
  const field = (page: Page, name: string) => page.locator(`form input[name="${name}"]`);

  it('the code field joins the same form; all three go in one POST and reach the dashboard', async ({ page, portal }) => {
    await page.goto(loginUrl(portal, 'sameform'));
    await field(page, 'username').fill('demo03');
    await field(page, 'password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign In' }).click();

    await expect(field(page, 'verificationCode')).toBeVisible();
    await expect(page.locator('form label', { hasText: 'Verification code' })).toBeVisible();
    await expect(field(page, 'username')).toHaveValue('demo03');
    await expect(field(page, 'password')).toHaveValue(DEMO_PASSWORD);
    await expect(page.locator('form input')).toHaveCount(3);

    const wrong = wrongCode('demo03');
    await field(page, 'verificationCode').fill(wrong);
    await page.getByRole('button', { name: 'Sign In' }).click();
    await expect(page.locator('p.MuiFormHelperText-root.Mui-error')).toHaveText(WRONG_CODE);
    await expect(field(page, 'verificationCode')).toHaveAttribute('aria-invalid', 'true');

    const code = codeNow('demo03');
    const posted = page.waitForRequest('**/sameform/api/login');
    await field(page, 'verificationCode').fill(code);
    await field(page, 'verificationCode').press('Enter');
    expect((await posted).postDataJSON()).toEqual({ username: 'demo03', password: DEMO_PASSWORD, verificationCode: code });
    await expectSignedIn(page, portal, 'sameform', 'demo03');
    // Only the password-step POST counts as a login attempt; both codes were received.
    expect(portal.loginAttempts('demo03')).toBe(1);
    expect(portal.submittedCodes('demo03')).toEqual([wrong, code]);
  });

  it('a wrong password shows an alert and no code field', async ({ page, portal }) => {
    await page.goto(loginUrl(portal, 'sameform'));
    await field(page, 'username').fill('demo04');
    await field(page, 'password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign In' }).click();
    await expect(page.locator('.MuiAlert-root')).toHaveText(WRONG_LOGIN);
    await expect(field(page, 'verificationCode')).toHaveCount(0);
  });
});

test.describe('bare', () => {
  it('no form, unlinked div labels, div buttons: click then Enter reaches the dashboard', async ({ page, portal }) => {
    await page.goto(loginUrl(portal, 'bare'));
    await expect(page.locator('._label_8d2kd')).toHaveText(['Client Code', 'Password']);
    await expect(page.locator('form, label, [placeholder]')).toHaveCount(0);
    await page.locator('input[name="clientCode"]').fill('demo05');
    await page.locator('input[name="pwd"]').fill(DEMO_PASSWORD);
    await page.locator('div[role="button"]._btn_2kf9s', { hasText: 'Login' }).click();

    const totp = page.locator('input[name="totpToken"]');
    await expect(totp).toHaveAttribute('type', 'password');
    await expect(page.locator('._label_8d2kd')).toHaveText(['TOTP']);
    await totp.fill(codeNow('demo05'));
    await page.locator('div[role="button"]._btn_2kf9s').focus();
    await page.keyboard.press('Enter');
    await expectSignedIn(page, portal, 'bare', 'demo05');
  });

  it('a wrong password shows its message in the hashed-class span', async ({ page, portal }) => {
    await page.goto(loginUrl(portal, 'bare'));
    await page.locator('input[name="clientCode"]').fill('demo06');
    await page.locator('input[name="pwd"]').fill('not-the-password');
    await page.locator('div[role="button"]._btn_2kf9s').click();
    await expect(page.locator('span._msg_3kd9x')).toHaveText(WRONG_LOGIN);
    await expect(page.locator('input[name="totpToken"]')).toHaveCount(0);
  });
});

test.describe('frame', () => {
  it('the whole login runs in a same-origin iframe, which sends the top page to the dashboard', async ({ page, portal }) => {
    await page.goto(loginUrl(portal, 'frame'));
    await expect(page.locator('#login-frame')).toHaveAttribute('src', '/frame/inner');
    await expect(page.locator('input')).toHaveCount(0); // nothing to type into outside the frame
    const frame = page.frameLocator('#login-frame');
    await frame.getByLabel('User ID').fill('demo07');
    await frame.getByLabel('Password').fill(DEMO_PASSWORD);
    await frame.locator('button.el-button', { hasText: 'Log in' }).click();

    const code = frame.getByLabel('Authenticator code');
    await code.fill(wrongCode('demo07'));
    await code.press('Enter');
    await expect(frame.locator('.el-message[role="alert"]')).toHaveText(WRONG_CODE);
    await code.fill(codeNow('demo07'));
    await frame.locator('button.el-button', { hasText: 'Verify' }).click();
    await expectSignedIn(page, portal, 'frame', 'demo07');
  });

  it('a wrong password shows an ElMessage toast inside the frame', async ({ page, portal }) => {
    await page.goto(loginUrl(portal, 'frame'));
    const frame = page.frameLocator('#login-frame');
    await frame.locator('button.el-button').click();
    await expect(frame.locator('.el-form-item__error')).toHaveText(['Please enter your user id', 'Please enter your password']);
    await frame.getByLabel('User ID').fill('demo08');
    await frame.getByLabel('Password').fill('not-the-password');
    await frame.getByLabel('Password').press('Enter');
    await expect(frame.locator('.el-message .el-message__content')).toHaveText(WRONG_LOGIN);
    expect(portal.loginAttempts('demo08')).toBe(1);
  });
});

test.describe('xframe', () => {
  /** Signs in through the cross-origin widget; resolves with the callback URL the top page visited. */
  async function signInThroughWidget(page: Page, username: string): Promise<string> {
    const widget = page.frameLocator('#okta-frame');
    await widget.locator('#okta-signin-username').fill(username);
    await widget.locator('#okta-signin-password').fill(DEMO_PASSWORD);
    await widget.locator('input[type="submit"][value="Sign In"]').click();
    await widget.locator('input[name="answer"]').fill(codeNow(username));
    const callback = page.waitForRequest(/\/xframe\/callback\?ticket=[0-9a-f]{32}$/);
    await widget.locator('input[type="submit"][value="Verify"]').click();
    return (await callback).url();
  }

  it('the widget comes from the other loopback origin; its ticket becomes a top-origin session', async ({ page, portal, browser }) => {
    const port = new URL(portal.url).port;
    const widgetCookies: string[] = [];
    page.on('response', (response) => {
      const cookie = response.headers()['set-cookie'];
      if (response.url().startsWith(`http://localhost:${port}/`) && cookie) widgetCookies.push(cookie);
    });
    await page.goto(loginUrl(portal, 'xframe'));
    await expect(page.locator('#okta-frame')).toHaveAttribute(
      'src',
      `http://localhost:${port}/xframe/inner?parent=${encodeURIComponent(portal.url)}`,
    );
    const callbackUrl = await signInThroughWidget(page, 'demo09');
    await expectSignedIn(page, portal, 'xframe', 'demo09');
    expect(widgetCookies).toEqual([]); // the widget's pending login never relied on a cookie

    // The ticket is single-use: a second visit with it signs nobody in.
    const replay = await browser.newContext();
    const stranger = await replay.newPage();
    await stranger.goto(callbackUrl);
    await expect(stranger).toHaveURL(`${portal.url}/xframe/login`);
    expect((await stranger.request.get(`${portal.url}/api/me`)).status()).toBe(401);
    await replay.close();
  });

  it('and vice versa: opened as localhost, the widget comes from 127.0.0.1', async ({ page, portal }) => {
    const port = new URL(portal.url).port;
    const top = `http://localhost:${port}`;
    await page.goto(`${top}/xframe/login`);
    await expect(page.locator('#okta-frame')).toHaveAttribute('src', `${portal.url}/xframe/inner?parent=${encodeURIComponent(top)}`);
    await signInThroughWidget(page, 'demo13');
    await expect(page).toHaveURL(`${top}/xframe/dashboard`);
    await expect(page.locator('#dashboard')).toHaveText('Welcome, demo13');
    expect((await page.request.get(`${top}/api/me`)).status()).toBe(200);
    expect((await page.request.get(`${portal.url}/api/me`)).status()).toBe(401); // the session is the top origin's only
  });

  it('a wrong password shows the widget error box', async ({ page, portal }) => {
    await page.goto(loginUrl(portal, 'xframe'));
    const widget = page.frameLocator('#okta-frame');
    await widget.locator('#okta-signin-username').fill('demo10');
    await widget.locator('#okta-signin-password').fill('not-the-password');
    await widget.locator('#okta-signin-password').press('Enter');
    await expect(widget.locator('.o-form-error-container .infobox-error')).toHaveText(WRONG_LOGIN);
    expect(portal.loginAttempts('demo10')).toBe(1);
  });

  it('the widget refuses any parent but the other loopback origin', async ({ request, portal }) => {
    const port = new URL(portal.url).port;
    const widget = (parent: string) => `http://localhost:${port}/xframe/inner?parent=${encodeURIComponent(parent)}`;
    const ok = await request.get(widget(`http://127.0.0.1:${port}`));
    expect(ok.status()).toBe(200);
    expect(ok.headers()['content-security-policy']).toBe(`frame-ancestors http://127.0.0.1:${port}`);
    expect((await request.get(widget('http://evil.example'))).status()).toBe(400);
    expect((await request.get(widget(`http://localhost:${port}`))).status()).toBe(400);
  });
});

test.describe('shadow', () => {
  it('inputs two open shadow roots deep: password, then code with Enter, reaches the dashboard', async ({ page, portal }) => {
    await page.goto(loginUrl(portal, 'shadow'));
    expect(await page.evaluate(() => document.querySelectorAll('input').length)).toBe(0);
    await page.locator('acme-login input[name="username"]').fill('demo11');
    await page.locator('acme-login input[name="pw"]').fill(DEMO_PASSWORD);
    await page.locator('acme-login acme-button button', { hasText: 'Log In' }).click();

    const code = page.locator('acme-login input[name="emc"]');
    await code.fill(codeNow('demo11'));
    await code.press('Enter');
    await expectSignedIn(page, portal, 'shadow', 'demo11');
  });

  it('a wrong password shows its message inside the component', async ({ page, portal }) => {
    await page.goto(loginUrl(portal, 'shadow'));
    await page.locator('acme-login input[name="username"]').fill('demo12');
    await page.locator('acme-login input[name="pw"]').fill('not-the-password');
    await page.locator('acme-login acme-button button').click();
    await expect(page.locator('acme-login [part="error"]')).toHaveText(WRONG_LOGIN);
    await expect(page.locator('acme-login input[name="emc"]')).toHaveCount(0);
  });
});

test.describe('digits', () => {
  const boxes = (page: Page) => page.locator('.otp-input input');

  it('six single-digit boxes, typed digit by digit, are posted as d1..d6 and reach the dashboard', async ({ page, portal }) => {
    await page.goto(loginUrl(portal, 'digits'));
    await page.locator('input[name="username"]').fill('demo14');
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await expect(boxes(page)).toHaveCount(6);
    await expect(boxes(page).first()).toBeFocused();
    const code = codeNow('demo14');
    await page.keyboard.type(code); // focus hops from box to box
    await expect(boxes(page).last()).toHaveValue(code.slice(-1));
    const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/digits/otp'));
    await page.getByRole('button', { name: 'Verify' }).click();
    expect((await posted).postData()).toBe([...code].map((d, i) => `d${i + 1}=${d}`).join('&'));
    await expectSignedIn(page, portal, 'digits', 'demo14');
  });

  it('a pasted code spreads over the boxes; a wrong one is refused', async ({ page, portal }) => {
    await page.goto(loginUrl(portal, 'digits'));
    await page.locator('input[name="username"]').fill('demo15');
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('input[name="password"]').press('Enter');
    const wrong = wrongCode('demo15');
    await boxes(page).first().evaluate((box, text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, wrong);
    await expect(boxes(page).nth(5)).toHaveValue(wrong.slice(-1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page.locator('.alert-danger')).toHaveText(WRONG_CODE);
    expect(portal.submittedCodes('demo15')).toEqual([wrong]);
  });

  it('a wrong password shows the alert and keeps the username', async ({ page, portal }) => {
    await page.goto(loginUrl(portal, 'digits'));
    await page.locator('input[name="username"]').fill('demo16');
    await page.locator('input[name="password"]').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('.alert-danger[role="alert"]')).toHaveText(WRONG_LOGIN);
    await expect(page.locator('input[name="username"]')).toHaveValue('demo16');
  });
});
