/**
 * `sessionFor` (portal-login/playwright) for users' own suites: without a
 * saved session it logs the account in (through the same flow as the CLI)
 * and returns the state path; with one it returns the same path and the
 * portal sees no new login; a context started from it is signed in.
 */
import { test, expect } from '../support/fixtures.js';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PortalLoginError } from '../../lib/index.js';
import { sessionFor } from '../../lib/playwright.js';

const USER = 'demo17';

test('logs in once, then reuses the saved state; a context from it reaches the dashboard', async ({ portal, demoWorkspace, browser }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], [USER]);
  const options = { cwd: ws.dir, env: { ...ws.env, PORTAL_LOGIN_LEDGER_DIR: join(ws.dir, '.ledger') } };

  const first = await sessionFor(USER, options);
  expect(first).toBe(join(ws.stateDir, `${USER}.json`));
  expect(portal.loginAttempts(USER)).toBe(1);
  const saved = await stat(first);

  expect(await sessionFor(USER, options)).toBe(first);
  expect(portal.loginAttempts(USER)).toBe(1); // no second login
  expect((await stat(first)).mtimeMs).toBe(saved.mtimeMs); // the file is untouched

  const context = await browser.newContext({ storageState: first });
  const page = await context.newPage();
  await page.goto(`${portal.url}/classic/dashboard`);
  await expect(page).toHaveURL(/\/classic\/dashboard$/);
  await context.close();
});

test('a failed login throws its PortalLoginError and saves nothing', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], [USER]);
  const env = { ...ws.env, DEMO17_PASSWORD: 'not-the-password', PORTAL_LOGIN_LEDGER_DIR: join(ws.dir, '.ledger') };
  const error = await sessionFor(USER, { cwd: ws.dir, env, timeoutSeconds: 5 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PortalLoginError);
  expect((error as PortalLoginError).code).toBe('BAD_CREDENTIALS');
  await expect(stat(join(ws.stateDir, `${USER}.json`))).rejects.toThrow('ENOENT');
});
