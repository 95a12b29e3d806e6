/**
 * Every failure class ends with its own error code, message and exit
 * status, leaves the last good session alone, and never retries what could
 * lock the account.
 */
import { test, expect } from '../support/fixtures.js';
import { createServer } from 'node:http';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { lockUser } from '../support/portal-http.js';


test('wrong password: exit 4, tried exactly once, last good session kept', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo11']);
  const statePath = join(ws.stateDir, 'demo11.json');
  await mkdir(ws.stateDir, { recursive: true });
  await writeFile(statePath, '{"cookies":[],"origins":[],"previous":"good"}');
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: { ...ws.env, DEMO11_PASSWORD: 'not-the-password' } });
  expect(run.status).toBe(4);
  expect(run.stderr).toContain('error [BAD_CREDENTIALS]: The portal said: "Invalid username or password."');
  expect(run.stderr).toContain('Not retried');
  expect(portal.loginAttempts('demo11')).toBe(1);
  expect(portal.submittedCodes('demo11')).toEqual([]);
  expect(await readFile(statePath, 'utf8')).toContain('"previous":"good"');
  expect(run.stderr).not.toContain('not-the-password');
});

test('locked account: exit 6 and not retried', async ({ portal, demoWorkspace }) => {
  await lockUser(portal, 'demo12');
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo12']);
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(run.status).toBe(6);
  expect(run.stderr).toContain('error [ACCOUNT_LOCKED]');
  expect(portal.loginAttempts('demo12')).toBe(6);
});

test('captcha page: exit 7 with a screenshot', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['captcha'], ['demo13'], (c) => {
    c.portals!.captcha!.success = { url: '/dashboard$' };
  });
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(run.status).toBe(7);
  expect(run.stderr).toContain('error [CAPTCHA]');
  const shot = /screenshot \(fields masked\): (\S+)/.exec(run.stderr)?.[1];
  expect((await stat(shot!)).size).toBeGreaterThan(1000);
});

test('a page with no login form: exit 8 UNEXPECTED_PAGE with a screenshot', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo14'], (c) => {
    c.portals!.classic!.loginUrl = `${portal.url}/`;
  });
  const run = await runCli(['login', '--config', ws.configPath, '--timeout', '3'], { cwd: ws.dir, env: ws.env });
  expect(run.status).toBe(8);
  expect(run.stderr).toContain('error [UNEXPECTED_PAGE]: Found no username and password fields');
  expect(run.stderr).toMatch(/screenshot \(fields masked\): .*demo14-.*\.png/);
});

test('a selector that matches nothing: exit 8 naming the config key, with a screenshot', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo15'], (c) => {
    c.portals!.classic!.selectors = { username: '#no-such-field' };
  });
  const run = await runCli(['login', '--config', ws.configPath, '--timeout', '3'], { cwd: ws.dir, env: ws.env });
  expect(run.status).toBe(8);
  expect(run.stderr).toContain(`error [SELECTOR_NOT_FOUND]`);
  expect(run.stderr).toContain(`portals.classic.selectors.username = "#no-such-field"`);
  const shot = /screenshot \(fields masked\): (\S+)/.exec(run.stderr)?.[1];
  expect((await stat(shot!)).mode & 0o777).toBe(0o600);
});

test('a portal that never answers: exit 9 TIMEOUT', async ({ portal, demoWorkspace }) => {
  const silent = createServer(() => {}).listen(0, '127.0.0.1');
  await new Promise((r) => silent.once('listening', r));
  const port = (silent.address() as { port: number }).port;
  try {
    const ws = await demoWorkspace(portal.url, ['classic'], ['demo16'], (c) => {
      c.portals!.classic!.loginUrl = `http://127.0.0.1:${port}/login`;
    });
    const run = await runCli(['login', '--config', ws.configPath, '--timeout', '2'], { cwd: ws.dir, env: ws.env });
    expect(run.status).toBe(9);
    expect(run.stderr).toContain('error [TIMEOUT]');
  } finally {
    silent.closeAllConnections();
    silent.close();
  }
});

test('no browser at PORTAL_LOGIN_BROWSER: exit 10 with how to install one', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo17']);
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: { ...ws.env, PORTAL_LOGIN_BROWSER: '/nonexistent/chrome' } });
  expect(run.status).toBe(10);
  expect(run.stderr).toContain('error [BROWSER_NOT_FOUND]');
  expect(run.stderr).toContain('npx playwright install chromium');
});

test('missing env vars: exit 3 listing every one, before any login attempt', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo18', 'demo19']);
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: { DEMO18_PASSWORD: ws.env.DEMO18_PASSWORD! } });
  expect(run.status).toBe(3);
  for (const name of ['DEMO18_TOTP_SECRET', 'DEMO19_PASSWORD', 'DEMO19_TOTP_SECRET']) expect(run.stderr).toContain(name);
  expect(run.stderr).toContain('accounts.demo19.passwordEnv');
  expect(portal.loginAttempts('demo18')).toBe(0);
});

test('.env supplies secrets; a bad base32 secret is exit 3 and never printed', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo20']);
  await writeFile(join(ws.dir, '.env'), `DEMO20_PASSWORD=${ws.env.DEMO20_PASSWORD}\nDEMO20_TOTP_SECRET=JBSW1Y3DP-EHPK3PXP0SECRET\n`);
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir });
  expect(run.status).toBe(3);
  expect(run.stderr).toContain('error [SECRET_INVALID]');
  expect(run.stderr).toContain('DEMO20_TOTP_SECRET');
  expect(run.stderr).not.toMatch(/JBSW1Y3DP|EHPK3PXP/);
});

test('config errors: exit 2, every problem with its path; unknown account and option: exit 2', async ({ portal, demoWorkspace, tempDir }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo21'], (c) => {
    (c.portals!.classic as Record<string, unknown>).loginUrll = 'typo';
    c.accounts!.demo21!.portal = 'nowhere';
  });
  const bad = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain(`Invalid config in ${ws.configPath}`);
  expect(bad.stderr).toContain('portals.classic');
  expect(bad.stderr).toContain('loginUrll');
  expect(bad.stderr).toContain('accounts.demo21.portal: unknown portal "nowhere"');

  const good = await demoWorkspace(portal.url, ['classic'], ['demo21']);
  const unknown = await runCli(['login', 'nobody', '--config', good.configPath], { cwd: good.dir, env: good.env });
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toContain('error [UNKNOWN_ACCOUNT]: Unknown account "nobody"');
  expect(unknown.stderr).toContain('Known accounts: demo21');

  const option = await runCli(['login', '--colour', '--config', good.configPath], { cwd: good.dir, env: good.env });
  expect(option.status).toBe(2);
  expect(option.stderr).toContain('Unknown argument: colour');

  const empty = await tempDir('portal-login-empty-');
  const missing = await runCli(['login'], { cwd: empty });
  expect(missing.status).toBe(2);
  expect(missing.stderr).toContain('Config file not found');
});

test('a state dir that cannot be written: exit 11 before the portal is touched, not "internal error"', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo30']);
  const blocker = join(ws.dir, 'not-a-folder');
  await writeFile(blocker, 'a file where the state dir should be');
  const run = await runCli(['login', '--config', ws.configPath, '--state-dir', join(blocker, 'state')], { cwd: ws.dir, env: ws.env });
  expect(run.status).toBe(11);
  expect(run.stderr).toContain(`error [STATE_WRITE_FAILED]: The state folder ${join(blocker, 'state')} cannot be written (ENOTDIR); no portal was contacted.`);
  expect(run.stderr).not.toContain('internal error');
  expect(portal.loginAttempts('demo30')).toBe(0);
});

test('a selector the browser rejects is CONFIG_INVALID (exit 2) naming the key, before the portal is contacted', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo16'], (c) => {
    c.portals!.classic!.selectors = { username: 'input:nth-child(x)' };
  });
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(run.status, run.stderr).toBe(2);
  expect(run.stderr).toContain('error [CONFIG_INVALID]');
  expect(run.stderr).toContain('portals.classic.selectors.username = "input:nth-child(x)" is not a valid selector');
  expect(portal.loginAttempts('demo16')).toBe(0);
});
