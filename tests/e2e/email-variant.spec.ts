/**
 * The demo portal's email variants end to end with real parts: Chromium
 * driven by Playwright through "How do you want to verify?", the portal
 * mailing its code over LMTP into a real Dovecot, and the email code source
 * reading it over IMAP. (Wiring code: { source: email } into the CLI is not
 * tested here.)
 */
import type { Page } from '@playwright/test';
import { emailCodeSource, type EmailCodeSource } from '../../codes/email-source.js';
import { emailCodeSchema } from '../../config/email-code-schema.js';
import { PortalLoginError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { Redactor } from '../../core/redact.js';
import { DEMO_PASSWORD, loginUrl, startDemoPortal, type DemoPortal, type DemoVariant } from '../../demo-portal/index.js';
import { startDovecot, type Dovecot } from '../../devtools/dovecot.js';
import { expect, test } from '../support/fixtures.js';

const it = test.extend<{ mail: Dovecot; mailPortal: DemoPortal; codes: (timeoutSeconds?: number) => EmailCodeSource }>({
  mail: async ({}, use) => {
    const dovecot = await startDovecot();
    await use(dovecot);
    await dovecot.stop();
  },
  mailPortal: async ({ mail }, use) => {
    const portal = await startDemoPortal({ mail: { lmtpHost: mail.host, lmtpPort: mail.lmtpPort, to: `${mail.user}@example.com` } });
    await use(portal);
    await portal.close();
  },
  codes: async ({ mail }, use) => {
    const opened: EmailCodeSource[] = [];
    await use((timeoutSeconds = 15) => {
      const redactor = new Redactor();
      const config = emailCodeSchema.parse({
        source: 'email',
        imap: { host: mail.host, port: mail.imapPort, security: 'plain', user: mail.user, passwordEnv: 'IMAP_PASSWORD' },
        from: '@demo-broker.example',
        subject: 'OTP for login',
        timeoutSeconds,
      });
      const source = emailCodeSource({ config, password: mail.password, redactor, log: createLogger({ redactor, verbose: false, write: () => undefined }) });
      opened.push(source);
      return source;
    });
    await Promise.all(opened.map((source) => source.close()));
  },
});

/** Signs in with the password and lands on "How do you want to verify?". */
async function toChoice(page: Page, portal: DemoPortal, variant: DemoVariant, username: string): Promise<void> {
  await page.goto(loginUrl(portal, variant));
  await page.getByLabel('Email / Mobile / Client code').fill(username);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Login' }).click();
  await expect(page.getByRole('heading', { name: 'How do you want to verify?' })).toBeVisible();
}

/** Picks email and submits; returns when the code was requested (just before the submit). */
async function chooseEmail(page: Page): Promise<number> {
  await page.getByRole('radio', { name: /Send a code to my email \(t•••@example\.com\)/ }).check();
  const requestedAt = Date.now();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Enter OTP' })).toBeVisible();
  return requestedAt;
}

async function enterCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('OTP', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}

async function expectSignedIn(page: Page, portal: DemoPortal, variant: string, username: string): Promise<void> {
  await expect(page).toHaveURL(`${portal.url}/${variant}/dashboard`);
  expect(await (await page.request.get(`${portal.url}/api/me`)).json()).toEqual({ username });
}

it('email: the code the portal mailed is read over IMAP and signs in', async ({ page, mailPortal, codes }) => {
  const source = codes();
  await source.opened();
  await toChoice(page, mailPortal, 'email', 'demo21');
  const requestedAt = await chooseEmail(page);
  const issued = await source.next({ afterRejection: false, requestedAt });
  expect(issued.code).toBe(mailPortal.sentEmails('demo21')[0]?.code);
  await enterCode(page, issued.code);
  await expectSignedIn(page, mailPortal, 'email', 'demo21');
  expect(mailPortal.chosenMethod('demo21')).toBe('email');
});

it('email: after a rejection the source presses "Resend code" and takes the new email; the old code no longer works', async ({ page, mailPortal, codes }) => {
  const source = codes();
  await source.opened();
  await toChoice(page, mailPortal, 'email', 'demo22');
  const first = await source.next({ afterRejection: false, requestedAt: await chooseEmail(page) });
  const resend = async () => {
    await page.getByRole('button', { name: 'Resend code' }).click();
    await expect(page.getByRole('status')).toHaveText('A new OTP has been sent to your email.');
  };
  const second = await source.next({ afterRejection: true, requestedAt: Date.now(), resend });
  expect(mailPortal.sentEmails('demo22').map((email) => email.code)).toEqual([first.code, second.code]);
  expect(second.code).not.toBe(first.code);
  await enterCode(page, first.code);
  await expect(page.getByRole('alert')).toHaveText('Invalid OTP. Please check the code and try again.');
  await enterCode(page, second.code);
  await expectSignedIn(page, mailPortal, 'email', 'demo22');
});

it('emailstale: the old code mailed before the choice is ignored; the fresh one signs in', async ({ page, mailPortal, codes }) => {
  const source = codes();
  await source.opened();
  await toChoice(page, mailPortal, 'emailstale', 'demo23');
  const requestedAt = await chooseEmail(page);
  const issued = await source.next({ afterRejection: false, requestedAt });
  const [stale, fresh] = mailPortal.sentEmails('demo23');
  expect([stale?.stale, fresh?.stale]).toEqual([true, false]);
  expect(issued.code).toBe(fresh?.code);
  await enterCode(page, issued.code);
  await expectSignedIn(page, mailPortal, 'emailstale', 'demo23');
});

it('emaillost: no email comes, CODE_TIMEOUT names the mailbox and the filter', async ({ page, mailPortal, codes }) => {
  const source = codes(1);
  await toChoice(page, mailPortal, 'emaillost', 'demo24');
  const requestedAt = await chooseEmail(page);
  const error = await source.next({ afterRejection: false, requestedAt }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PortalLoginError);
  expect((error as PortalLoginError).code).toBe('CODE_TIMEOUT');
  expect((error as PortalLoginError).message).toBe('No code email arrived in INBOX within 1 s (filter: from "@demo-broker.example", subject "OTP for login").');
  expect(mailPortal.sentEmails()).toEqual([]);
});
