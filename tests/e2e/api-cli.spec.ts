/**
 * `flow: api` through the real CLI: an API-only run needs no browser (it
 * works with none installed and loads no Playwright), and its session works
 * with status and export like a browser one.
 */
import { test, expect } from '../support/fixtures.js';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { demoApiLoginSetup } from '../../demo-portal/login-config.js';
import { ROOT, runCli } from '../support/cli.js';

async function apiWorkspace(dir: string, baseUrl: string, users: string[]) {
  const setup = demoApiLoginSetup(baseUrl, users, { stateDir: join(dir, 'state'), artifactsDir: join(dir, 'artifacts') });
  const configPath = join(dir, 'portal-login.yaml');
  await writeFile(configPath, stringify(setup.config));
  return { configPath, env: setup.env, stateDir: join(dir, 'state') };
}

test('an API-only login needs no Chromium and loads no Playwright; status probes it and export gives the bearer token the API accepts', async ({ portal, tempDir }) => {
  const dir = await tempDir();
  const ws = await apiWorkspace(dir, portal.url, ['demo35']);
  const log = join(dir, 'imports.log');
  const noBrowser = { PORTAL_LOGIN_BROWSER: '/nonexistent/chromium', IMPORT_LOG: log, NODE_OPTIONS: `--import=${join(ROOT, 'tests/support/import-log-hooks.mjs')}` };
  const login = await runCli(['login', '--config', ws.configPath], { cwd: dir, env: { ...ws.env, ...noBrowser } });
  expect(login.stderr).toContain('Logged in over the API (1 token, 1 cookie).');
  expect(login.status).toBe(0);
  expect(await readFile(log, 'utf8')).not.toMatch(/playwright/);
  expect(portal.submittedCodes('demo35')).toHaveLength(1);

  const status = await runCli(['status', '--config', ws.configPath, '--json'], { cwd: dir, env: ws.env });
  const [checked] = (JSON.parse(status.stdout) as { accounts: Array<{ account: string; valid: string }> }).accounts;
  expect(checked).toMatchObject({ account: 'demo35', valid: 'yes' });

  const exported = await runCli(['export', 'demo35', '--format', 'env', '--config', ws.configPath], { cwd: dir, env: ws.env });
  expect(exported.status).toBe(0);
  const token = /^DEMO35_AUTHTOKEN='?([^'\n]+)'?$/m.exec(exported.stdout)?.[1];
  expect(token).toBeTruthy();
  // The exported bearer token is what the portal's API accepts.
  const me = await fetch(`${portal.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status).toBe(200);
  expect(await me.json()).toEqual({ username: 'demo35' });
  for (const run of [login, status]) expect(run.stdout + run.stderr).not.toContain(token!);
});

test('an API login with a wrong app key is APP_KEY_REJECTED (exit 21), no code is sent', async ({ portal, tempDir }) => {
  const dir = await tempDir();
  const ws = await apiWorkspace(dir, portal.url, ['demo36']);
  const run = await runCli(['login', '--config', ws.configPath], { cwd: dir, env: { ...ws.env, DEMO_APP_KEY: 'not-the-key' } });
  expect(run.stderr).toContain('error [APP_KEY_REJECTED]');
  expect(run.status).toBe(21);
  expect(run.stderr).not.toContain('not-the-key');
  expect(portal.submittedCodes('demo36')).toEqual([]);
});

test('demo --variant api logs the demo user in over HTTP, with no browser', async ({ tempDir }) => {
  const dir = await tempDir();
  const run = await runCli(['demo', '--variant', 'api', '--user', 'demo37'], { cwd: dir, env: { PORTAL_LOGIN_BROWSER: '/nonexistent/chromium' } });
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('demo37: logged in');
  const saved = JSON.parse(await readFile(join(dir, '.portal-login/state/demo37.json'), 'utf8')) as { portalLogin: { tokens: Record<string, string> } };
  expect(Object.keys(saved.portalLogin.tokens)).toEqual(['authToken']);
});

test('success.probeAuth: status sends the captured bearer token to the demo /api/me, which then needs no cookie', async ({ portal, tempDir }) => {
  const dir = await tempDir();
  const setup = demoApiLoginSetup(portal.url, ['demo34'], { stateDir: join(dir, 'state'), artifactsDir: join(dir, 'artifacts') });
  const configFor = async (name: string, probeAuth?: unknown) => {
    const path = join(dir, name);
    const api = setup.config.portals!.api!;
    await writeFile(path, stringify({ ...setup.config, portals: { api: { ...api, success: { probeUrl: `${portal.url}/api/me`, ...(probeAuth ? { probeAuth } : {}) } } } }));
    return path;
  };
  const [withToken, cookieOnly] = [await configFor('with-token.yaml', { token: 'authToken' }), await configFor('cookie-only.yaml')];
  const login = await runCli(['login', '--config', withToken], { cwd: dir, env: setup.env });
  expect(login.status, login.stderr).toBe(0);
  // As an API that sets no cookie at all: only the token says who this is, and without it the API turns the probe away.
  const statePath = join(dir, 'state', 'demo34.json');
  const state = JSON.parse(await readFile(statePath, 'utf8')) as { cookies: unknown[]; portalLogin: { tokens: Record<string, string>; info: { sessionCookies: string[] } } };
  const token = state.portalLogin.tokens.authToken!;
  state.cookies = [];
  state.portalLogin.info.sessionCookies = [];
  await writeFile(statePath, JSON.stringify(state), { mode: 0o600 });

  const status = async (config: string) => {
    const run = await runCli(['status', '--json', '--config', config], { cwd: dir, env: setup.env });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(token);
    return (JSON.parse(run.stdout) as { accounts: Array<{ valid: string; reason: string }> }).accounts[0];
  };
  expect(await status(withToken)).toMatchObject({ valid: 'yes', reason: `probe ${portal.url}/api/me answered 200` });
  expect(await status(cookieOnly)).toMatchObject({ valid: 'no', reason: `probe ${portal.url}/api/me answered 401` });
});
