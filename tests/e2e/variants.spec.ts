/**
 * Every demo portal variant logs in with zero selectors through the real
 * CLI, and the saved state is a usable, private Playwright storageState.
 */
import { test, expect } from '../support/fixtures.js';
import { stateEntries } from '../support/state-dir.js';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DemoVariant } from '../../demo-portal/variants.js';
import type { StateFile } from '../../session/state-file.js';
import { runCli } from '../support/cli.js';


const DASHBOARD: Record<string, string> = { classic: '/classic/dashboard', boxes: '/boxes/dashboard', plain: '/plain/dashboard', skewed: '/skewed/dashboard', spa: '/spa/#/dashboard' };

for (const variant of ['classic', 'boxes', 'spa', 'plain', 'skewed'] as DemoVariant[]) {
  test(`${variant}: logs in without selectors and saves a loadable 0600 session`, async ({ portal, browser, demoWorkspace }) => {
    const ws = await demoWorkspace(portal.url, [variant], ['demo07']);
    const run = await runCli(['login', '--config', ws.configPath, '--json'], { cwd: ws.dir, env: ws.env });
    expect(run.status, run.stderr).toBe(0);

    const result = JSON.parse(run.stdout) as { ok: boolean; accounts: Array<{ account: string; ok: boolean; statePath: string; expiresAt: string | null; clockSkewMs: number }> };
    expect(result.ok).toBe(true);
    const statePath = join(ws.stateDir, 'demo07.json');
    expect(result.accounts[0]!.statePath).toBe(statePath);
    expect((await stat(statePath)).mode & 0o777).toBe(0o600);
    expect((await stat(ws.stateDir)).mode & 0o777).toBe(0o700);
    expect(portal.staticHits()).toBe(0); // images and fonts were not fetched
    expect(portal.submittedCodes('demo07')).toHaveLength(1);
    if (variant === 'skewed') {
      expect(result.accounts[0]!.clockSkewMs).toBeGreaterThan(40_000);
      expect(run.stderr).toContain("clock is 4");
    }

    // One file: what is known about the session sits under portalLogin, next to the storageState keys.
    const saved = JSON.parse(await readFile(statePath, 'utf8')) as StateFile;
    // The spa keeps its session in localStorage: no cookie carries it, so it has no cookie expiry.
    const sessionCookies = variant === 'spa' ? [] : ['demo_session'];
    expect(saved.portalLogin?.info).toMatchObject({ account: 'demo07', portal: variant, obtainedBy: 'login', sessionCookies });
    const sessionCookie = saved.cookies.find((c) => c.name === 'demo_session');
    expect(saved.portalLogin?.info.expiresAt).toBe(sessionCookie ? new Date(sessionCookie.expires * 1000).toISOString() : null);
    expect(result.accounts[0]!.expiresAt).toBe(saved.portalLogin?.info.expiresAt);
    expect(await stateEntries(ws.stateDir)).toEqual(['.demo07.last-login.json', 'demo07.json']);

    // The saved state is what Playwright loads: a new context starts logged in.
    const context = await browser.newContext({ storageState: statePath });
    const page = await context.newPage();
    await page.goto(portal.url + DASHBOARD[variant]);
    await expect(page.locator('#dashboard')).toHaveText('Welcome, demo07');
    await context.close();
  });
}

test('several accounts in one run: each gets its own state file', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo08', 'demo10']);
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain('demo08: logged in');
  expect(run.stdout).toContain('demo10: logged in');
  for (const name of ['demo08', 'demo10']) expect((await stat(join(ws.stateDir, `${name}.json`))).mode & 0o777).toBe(0o600);
});

test('explicit selectors in the config override detection', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo09'], (config) => {
    config.portals!.classic!.selectors = { username: '#username', password: 'input[name=password]', submit: 'form button', code: 'input[name=code]', codeSubmit: 'form button' };
  });
  const run = await runCli(['login', 'demo09', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(run.status, run.stderr).toBe(0);
});

test('storage switches: sessionStorage and IndexedDB are saved when the portal keeps tokens there', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['spa'], ['demo28'], (config) => {
    config.portals!.spa!.storage = { sessionStorage: true, indexedDB: true };
  });
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(run.status, run.stderr).toBe(0);
  const saved = JSON.parse(await readFile(join(ws.stateDir, 'demo28.json'), 'utf8')) as StateFile;
  expect(saved.portalLogin?.sessionStorage).toEqual({ [portal.url]: { demo_tab: 'signed-in' } });
  expect(await stateEntries(ws.stateDir)).toEqual(['.demo28.last-login.json', 'demo28.json']); // no separate session-storage file any more
});

test('session.cookies names the cookie that carries the session: a browser-session cookie gives no expiry, not another cookie\'s', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo36'], (config) => {
    config.portals!.classic!.session = { cookies: ['demo_csrf'] };
  });
  const run = await runCli(['login', '--config', ws.configPath, '--json'], { cwd: ws.dir, env: ws.env });
  expect(run.status, run.stderr).toBe(0);
  const saved = JSON.parse(await readFile(join(ws.stateDir, 'demo36.json'), 'utf8')) as StateFile;
  expect(saved.cookies.find((c) => c.name === 'demo_session')?.expires).toBeGreaterThan(0); // a dated cookie is there, and does not count
  expect(saved.portalLogin?.info).toMatchObject({ sessionCookies: ['demo_csrf'], expiresAt: null });
  expect((JSON.parse(run.stdout) as { accounts: Array<{ expiresAt: string | null }> }).accounts[0]!.expiresAt).toBeNull();
});

test('files of an older version (.meta.json, .session-storage.json) are removed once the new session file is saved', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['spa'], ['demo35']);
  const file = join(ws.stateDir, 'demo35.session-storage.json');
  await mkdir(ws.stateDir, { recursive: true });
  await writeFile(file, JSON.stringify({ [portal.url]: { demo_tab: 'from an earlier run' } }));
  await writeFile(join(ws.stateDir, 'demo35.meta.json'), JSON.stringify({ account: 'demo35', portal: 'spa', savedAt: '2025-01-01T00:00:00.000Z' }));
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(run.status, run.stderr).toBe(0);
  expect(await stateEntries(ws.stateDir)).toEqual(['.demo35.last-login.json', 'demo35.json']);
  expect((await stat(join(ws.stateDir, 'demo35.json'))).mode & 0o777).toBe(0o600);
});

test('blockResources: false lets the portal load its images and fonts', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo29'], (config) => {
    config.portals!.classic!.blockResources = false;
  });
  const run = await runCli(['login', '--config', ws.configPath, '--verbose'], { cwd: ws.dir, env: ws.env });
  expect(run.status, run.stderr).toBe(0);
  expect(portal.staticHits()).toBeGreaterThan(0);
  expect(run.stderr).toContain('debug: Screen 1: username, password field(s); a submit control (main frame).');
});
