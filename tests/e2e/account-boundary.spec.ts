/**
 * One error boundary per account: a bug hit while logging one account in
 * (anything that is not a PortalLoginError) becomes that account's INTERNAL
 * failure, the remaining accounts still log in, and the JSON result lists
 * every account — with the secrets redacted from the bug's message.
 */
import { test, expect } from '../support/fixtures.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loginAccounts } from '../../app/login.js';
import { launchInBackground } from '../../browser/launch.js';
import { resolveAccounts } from '../../config/accounts.js';
import { validateConfig } from '../../config/load.js';
import { EXIT_INTERNAL_ERROR } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { Redactor } from '../../core/redact.js';
import { DEMO_PASSWORD } from '../../demo-portal/index.js';
import { demoLoginSetup } from '../../demo-portal/login-config.js';
import { exitStatusOf, resultsAsJson } from '../../cli/report.js';

test('an unexpected error in one account is that account\'s INTERNAL failure; the next account still logs in', async ({ portal }) => {
  const dir = await mkdtemp(join(tmpdir(), 'portal-login-boundary-'));
  const demo = demoLoginSetup(portal.url, ['classic'], ['demo32', 'demo33'], { stateDir: join(dir, 'state'), artifactsDir: join(dir, 'artifacts') });
  const config = validateConfig(demo.config, 'boundary.yaml');
  const redactor = new Redactor();
  const accounts = resolveAccounts(config, ['demo32', 'demo33'], demo.env, 'boundary.yaml', redactor);
  const browser = launchInBackground({ headed: false });
  const logged: string[] = [];
  let opened = 0;
  try {
    const results = await loginAccounts(accounts, {
      // The first account's page scan fails the way a bug in our code would: a TypeError (carrying the password), not a PortalLoginError.
      browser: {
        newPage: async () => {
          const open = await browser.newPage();
          if (opened++ === 0) {
            open.page.evaluate = () => Promise.reject(new TypeError(`Cannot read properties of undefined (reading '${DEMO_PASSWORD}')`));
          }
          return open;
        },
      },
      stateDir: config.stateDir,
      artifactsDir: config.artifactsDir,
      ledgerDir: join(dir, 'ledger'),
      source: 'boundary.yaml',
      timeoutMs: 15_000,
      trace: false,
      redactor,
      logFor: (account) => createLogger({ redactor, verbose: true, prefix: account, write: (line) => logged.push(line) }),
    });

    expect(results.map((r) => [r.account, r.ok])).toEqual([['demo32', false], ['demo33', true]]);
    const [broken] = results;
    if (!broken || broken.ok) throw new Error('expected demo32 to fail');
    expect(broken.error.code).toBe('INTERNAL');
    expect(broken.error.exitStatus).toBe(EXIT_INTERNAL_ERROR);
    expect(broken.error.message).toContain('This is a bug in portal-login');
    expect(broken.error.message).toContain('TypeError');
    expect(broken.error.hint).toMatch(/report it/);
    expect(broken.error.artifacts.screenshot).toBeDefined();
    expect(portal.loginAttempts('demo33')).toBe(1);
    expect(exitStatusOf(results)).toBe(EXIT_INTERNAL_ERROR);

    const json = JSON.stringify(resultsAsJson(results));
    expect(JSON.parse(json)).toMatchObject({
      ok: false,
      accounts: [
        { account: 'demo32', ok: false, error: { code: 'INTERNAL', exitStatus: EXIT_INTERNAL_ERROR } },
        { account: 'demo33', ok: true, statePath: join(config.stateDir, 'demo33.json') },
      ],
    });
    const said = [json, broken.error.message, broken.error.hint ?? '', ...logged].join('\n');
    expect(said).toContain('[REDACTED]');
    expect(said).not.toContain(DEMO_PASSWORD);
    expect(logged.some((line) => line.startsWith('[demo32] debug: Internal error: TypeError'))).toBe(true); // the stack, for the bug report
  } finally {
    await browser.close();
  }
});
