/**
 * One error boundary per account: a bug hit while logging one account in
 * (anything that is not a PortalLoginError) becomes that account's INTERNAL
 * failure, the remaining accounts still log in, and the JSON result lists
 * every account — with the secrets redacted from the bug's message. Chromium
 * dying is not a bug and not one account's problem: that account fails
 * BROWSER_CLOSED; the later ones run in a relaunched Chromium (once), or,
 * where none can be started, fail the same way without being tried. Once the
 * session is saved, the login has succeeded whatever happens after.
 */
import { test, expect } from '../support/fixtures.js';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { loginAccounts, type LoginOptions } from '../../app/login.js';
import { launchInBackground, lazyBrowser, type BrowserInBackground, type OpenPage } from '../../browser/launch.js';
import { resolveAccounts } from '../../config/accounts.js';
import { validateConfig } from '../../config/load.js';
import { EXIT_INTERNAL_ERROR, EXIT_STATUS } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { Redactor } from '../../core/redact.js';
import { DEMO_PASSWORD, type DemoPortal } from '../../demo-portal/index.js';
import { demoLoginSetup } from '../../demo-portal/login-config.js';
import { exitStatusOf, resultsAsJson } from '../../cli/report.js';

/** Two demo accounts (demo32, demo33) and the loginAccounts options for them, minus where pages come from. */
async function twoAccounts(portal: DemoPortal) {
  const dir = await mkdtemp(join(tmpdir(), 'portal-login-boundary-'));
  const demo = demoLoginSetup(portal.url, ['classic'], ['demo32', 'demo33'], { stateDir: join(dir, 'state'), artifactsDir: join(dir, 'artifacts') });
  const config = validateConfig(demo.config, 'boundary.yaml');
  const redactor = new Redactor();
  const accounts = resolveAccounts(config, ['demo32', 'demo33'], demo.env, 'boundary.yaml', redactor);
  const logged: string[] = [];
  const options: Omit<LoginOptions, 'browser'> = {
    stateDir: config.stateDir,
    artifactsDir: config.artifactsDir,
    ledgerDir: join(dir, 'ledger'),
    source: 'boundary.yaml',
    timeoutMs: 15_000,
    trace: false,
    redactor,
    logFor: (account) => createLogger({ redactor, verbose: true, prefix: account, write: (line) => logged.push(line) }),
  };
  return { dir, accounts, options, stateDir: config.stateDir, artifactsDir: config.artifactsDir, logged };
}

/** Pages from `browser` for loginAccounts, with `tamper` applied to the first page only; counts pages asked for. */
function firstPageTampered(browser: BrowserInBackground, tamper: (open: OpenPage) => Promise<unknown> | void) {
  let opened = 0;
  return {
    opened: () => opened,
    newPage: async () => {
      const open = await browser.newPage();
      if (opened++ === 0) await tamper(open);
      return open;
    },
  };
}

/** SIGKILLs Chromium's main process, as the out-of-memory killer would, and waits until Playwright has noticed. */
async function killChromium(browser: Browser): Promise<void> {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  const main = processInfo.find((p) => p.type === 'browser');
  if (!main) throw new Error('Chromium reported no browser process');
  const disconnected = new Promise((resolve) => browser.once('disconnected', resolve));
  process.kill(main.id, 'SIGKILL');
  await disconnected;
}

test('an unexpected error in one account is that account\'s INTERNAL failure; the next account still logs in', async ({ portal }) => {
  const { dir, accounts, options, stateDir, logged } = await twoAccounts(portal);
  const browser = launchInBackground({ headed: false });
  try {
    const results = await loginAccounts(accounts, {
      ...options,
      // The first account's page scan fails the way a bug in our code would: a TypeError (carrying the password), not a PortalLoginError.
      browser: firstPageTampered(browser, (open) => {
        open.page.mainFrame().evaluate = () => Promise.reject(new TypeError(`Cannot read properties of undefined (reading '${DEMO_PASSWORD}')`));
      }),
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
        { account: 'demo33', ok: true, statePath: join(stateDir, 'demo33.json') },
      ],
    });
    const said = [json, broken.error.message, broken.error.hint ?? '', ...logged].join('\n');
    expect(said).toContain('[REDACTED]');
    expect(said).not.toContain(DEMO_PASSWORD);
    expect(logged.some((line) => line.startsWith('[demo32] debug: Internal error: TypeError'))).toBe(true); // the stack, for the bug report
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('Chromium killed during the first account: both accounts fail BROWSER_CLOSED (exit 12) and the second is not tried', async ({ portal }) => {
  const { dir, accounts, options, stateDir, logged } = await twoAccounts(portal);
  const browser = launchInBackground({ headed: false });
  // Mid-login: the form is filled and being submitted when Chromium dies; the request never leaves.
  const pages = firstPageTampered(browser, (open) =>
    open.context.route('**/*', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      await killChromium(await browser.browser);
      await route.continue().catch(() => undefined);
    }),
  );
  try {
    const results = await loginAccounts(accounts, { ...options, browser: pages });

    expect(results.map((r) => [r.account, r.ok, r.ok ? null : r.error.code])).toEqual([
      ['demo32', false, 'BROWSER_CLOSED'],
      ['demo33', false, 'BROWSER_CLOSED'],
    ]);
    const [first, second] = results.map((r) => (r.ok ? undefined : r.error));
    expect(first?.message).toBe('Chromium exited during the login.');
    expect(second?.message).toBe('Chromium exited during the login of demo32; demo33 was not tried.');
    for (const error of [first, second]) {
      expect(error?.exitStatus).toBe(12);
      expect(error?.hint).toMatch(/crashed, ran out of memory, or was killed/);
      expect(error?.hint).toMatch(/--headed/);
    }
    expect(exitStatusOf(results)).toBe(EXIT_STATUS.BROWSER_CLOSED);
    expect(pages.opened()).toBe(1); // no page was asked for demo33
    expect(portal.loginAttempts('demo32')).toBe(0);
    expect(portal.loginAttempts('demo33')).toBe(0);
    expect(await readdir(stateDir)).toEqual(['.demo32.last-login.json']); // no session; the tried account's failure is recorded, the untried one has none
    expect(logged.join('\n')).not.toContain(DEMO_PASSWORD);
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('Chromium killed during the first account, with a browser that can relaunch: the first fails BROWSER_CLOSED, a new Chromium logs the second in', async ({ portal }) => {
  const { dir, accounts, options, stateDir, logged } = await twoAccounts(portal);
  const browser = lazyBrowser(() => launchInBackground({ headed: false }));
  let opened = 0;
  const pages = {
    relaunch: () => browser.relaunch(),
    newPage: async () => {
      const open = await browser.newPage();
      if (opened++ === 0) {
        await open.context.route('**/*', async (route) => {
          if (route.request().method() !== 'POST') return route.fallback();
          await killChromium(open.context.browser()!);
          await route.continue().catch(() => undefined);
        });
      }
      return open;
    },
  };
  try {
    const results = await loginAccounts(accounts, { ...options, browser: pages });
    expect(results.map((r) => [r.account, r.ok, r.ok ? null : r.error.code])).toEqual([
      ['demo32', false, 'BROWSER_CLOSED'],
      ['demo33', true, null],
    ]);
    expect(logged).toContain('[demo32] warning: Chromium exited; started a new one for the accounts not yet logged in (once per run).');
    expect(portal.loginAttempts('demo32')).toBe(0);
    expect(portal.loginAttempts('demo33')).toBe(1);
    expect((await readdir(stateDir)).sort()).toEqual(['.demo32.last-login.json', '.demo33.last-login.json', 'demo33.json', 'recipes']); // recipes/: what the fast path learned (fastPath: learn by default)
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('with --trace, a trace that fails to stop after the session was saved does not turn the login into a failure', async ({ portal }) => {
  const { dir, accounts, options, stateDir, artifactsDir, logged } = await twoAccounts(portal);
  const browser = launchInBackground({ headed: false });
  try {
    const results = await loginAccounts(accounts.slice(0, 1), {
      ...options,
      trace: true,
      browser: {
        newPage: async () => {
          const open = await browser.newPage();
          open.context.tracing.stop = () => Promise.reject(new Error('tracing.stop: ENOSPC: no space left on device'));
          return open;
        },
      },
    });

    expect(results.map((r) => [r.account, r.ok])).toEqual([['demo32', true]]);
    expect(exitStatusOf(results)).toBe(0);
    expect(JSON.parse(await readFile(join(stateDir, 'demo32.json'), 'utf8'))).toHaveProperty('cookies');
    expect(await readdir(artifactsDir).catch(() => [])).toEqual([]); // traces are kept for failures only
    expect(logged).toContain('[demo32] debug: Trace discarded; stopping it failed: tracing.stop: ENOSPC: no space left on device');
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
});
