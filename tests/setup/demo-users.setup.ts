/**
 * The pattern to copy for regression tests: log each test user in once,
 * through portal-login's own flow engine, and save the storageState that
 * the dependent project (`logged-in`) starts from.
 */
import { test as setup, expect } from '@playwright/test';
import { loginAccounts } from '../../app/login.js';
import { launchInBackground } from '../../browser/launch.js';
import { resolveAccounts } from '../../config/accounts.js';
import { validateConfig } from '../../config/load.js';
import { createLogger } from '../../core/log.js';
import { Redactor } from '../../core/redact.js';
import { demoLoginSetup } from '../../demo-portal/login-config.js';
import { ledgerDir } from '../../totp/ledger-location.js';
import { DEMO_URL, SETUP_STATE_DIR } from '../support/shared-demo.js';

setup('log the demo user in and save its session', async () => {
  const demo = demoLoginSetup(DEMO_URL, ['classic'], ['demo'], { stateDir: SETUP_STATE_DIR, artifactsDir: 'test-results/setup-artifacts' });
  const config = validateConfig(demo.config, 'setup');
  const redactor = new Redactor();
  const accounts = resolveAccounts(config, ['demo'], demo.env, 'setup', redactor);
  const browser = launchInBackground({ headed: false });
  const results = await loginAccounts(accounts, {
    browser,
    stateDir: config.stateDir,
    artifactsDir: config.artifactsDir,
    ledgerDir: ledgerDir(process.env),
    source: 'setup',
    timeoutMs: 30_000,
    trace: false,
    redactor,
    logFor: () => createLogger({ redactor, verbose: false, quiet: true }),
  });
  await browser.close();
  expect(results.map((r) => (r.ok ? 'ok' : r.error.message))).toEqual(['ok']);
});
