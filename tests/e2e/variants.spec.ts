/**
 * Every demo portal variant logs in with zero selectors through the real
 * CLI, and the saved state is a usable, private Playwright storageState.
 */
import { test, expect } from '../support/fixtures.js';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DemoVariant } from '../../demo-portal/variants.js';
import { runCli } from '../support/cli.js';


const DASHBOARD: Record<string, string> = { classic: '/classic/dashboard', boxes: '/boxes/dashboard', plain: '/plain/dashboard', skewed: '/skewed/dashboard', spa: '/spa/#/dashboard' };

for (const variant of ['classic', 'boxes', 'spa', 'plain', 'skewed'] as DemoVariant[]) {
  test(`${variant}: logs in without selectors and saves a loadable 0600 session`, async ({ portal, browser, demoWorkspace }) => {
    const ws = await demoWorkspace(portal.url, [variant], ['demo07']);
    const run = await runCli(['login', '--config', ws.configPath, '--json'], { cwd: ws.dir, env: ws.env });
    expect(run.status, run.stderr).toBe(0);

    const result = JSON.parse(run.stdout) as { ok: boolean; accounts: Array<{ account: string; ok: boolean; statePath: string; clockSkewMs: number }> };
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

    const meta = JSON.parse(await readFile(join(ws.stateDir, 'demo07.meta.json'), 'utf8'));
    expect(meta).toMatchObject({ account: 'demo07', portal: variant });

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
  const file = join(ws.stateDir, 'demo28.session-storage.json');
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ [portal.url]: { demo_tab: 'signed-in' } });
});

test('storage switch off: a session-storage file from an earlier run is removed on the next successful save', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['spa'], ['demo35']);
  const file = join(ws.stateDir, 'demo35.session-storage.json');
  await mkdir(ws.stateDir, { recursive: true });
  await writeFile(file, JSON.stringify({ [portal.url]: { demo_tab: 'from an earlier run' } }));
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(run.status, run.stderr).toBe(0);
  await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
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
