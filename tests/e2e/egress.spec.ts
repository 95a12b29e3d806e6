/**
 * Egress per account through the real CLI: an IP-bound demo user
 * (static01..04, accepted only from REGISTERED_IP) logs in through a real
 * local proxy that says it is that IP, in the browser and over the API, and
 * `status` probes its session through the same proxy. Without the proxy
 * the portal's "IP not allowed" answer is IP_NOT_ALLOWED (25), tried once,
 * naming the egress; the proxy's credentials and a bad proxy value are
 * never printed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REGISTERED_IP } from '../../demo-portal/index.js';
import { demoApiLoginSetup } from '../../demo-portal/login-config.js';
import { runCli, type DemoWorkspaceFactory, type Workspace } from '../support/cli.js';
import { expect, test } from '../support/fixtures.js';
import { startTestProxy, type TestProxy } from '../support/http-proxy.js';

const PROXY_USER = 'egress-user';
const PROXY_PASSWORD = 'proxy-pass-Zq81x';
const PROXY_KEYS = { serverEnv: 'STATIC_PROXY', usernameEnv: 'STATIC_PROXY_USER', passwordEnv: 'STATIC_PROXY_PASSWORD' };

const it = test.extend<{ egressProxy: TestProxy }>({
  egressProxy: async ({}, use) => {
    const proxy = await startTestProxy({ egressIp: REGISTERED_IP, credentials: { username: PROXY_USER, password: PROXY_PASSWORD } });
    await use(proxy);
    await proxy.close();
  },
});

const proxyEnv = (proxy: TestProxy) => ({ STATIC_PROXY: proxy.url, STATIC_PROXY_USER: PROXY_USER, STATIC_PROXY_PASSWORD: PROXY_PASSWORD });
const basic = Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64');

/** What no output may contain: the proxy's user name, password, or their Basic header. */
function expectNoProxyCredentials(text: string) {
  expect(text).not.toContain(PROXY_PASSWORD);
  expect(text).not.toContain(PROXY_USER);
  expect(text).not.toContain(basic);
}

async function browserWorkspace(demoWorkspace: DemoWorkspaceFactory, url: string, user: string, withProxy: boolean): Promise<Workspace> {
  return demoWorkspace(url, ['classic'], [user], (config) => {
    if (withProxy) config.accounts[user]!.proxy = PROXY_KEYS;
  });
}

async function apiWorkspace(dir: string, url: string, user: string, withProxy: boolean) {
  const setup = demoApiLoginSetup(url, [user], { stateDir: join(dir, 'state'), artifactsDir: join(dir, 'artifacts') });
  if (withProxy) setup.config.accounts![user]!.proxy = PROXY_KEYS;
  const configPath = join(dir, 'portal-login.yaml');
  await writeFile(configPath, stringify(setup.config));
  return { configPath, env: setup.env };
}

it('browser flow: an IP-bound account logs in through its proxy, and status probes its session through it', async ({ portal, egressProxy: proxy, demoWorkspace }) => {
  const ws = await browserWorkspace(demoWorkspace, portal.url, 'static01', true);
  const env = { ...ws.env, ...proxyEnv(proxy) };
  const login = await runCli(['login', '--config', ws.configPath, '--verbose'], { cwd: ws.dir, env });
  expect(login.stderr).toContain('[static01] Logged in; session saved to');
  expect(login.status).toBe(0);
  expect(proxy.requests).toEqual(expect.arrayContaining(['GET /classic/login', 'POST /classic/login', 'POST /classic/totp', 'GET /classic/dashboard']));
  expect(portal.loginAttempts('static01')).toBe(1);

  const status = await runCli(['status', '--config', ws.configPath, '--json'], { cwd: ws.dir, env });
  expect((JSON.parse(status.stdout) as { accounts: unknown[] }).accounts).toEqual([expect.objectContaining({ account: 'static01', valid: 'yes' })]);
  expect(proxy.requests.at(-1)).toBe('GET /api/me');
  // The same session probed from a config without the proxy is refused by the portal: the proxy is what made it valid.
  const config = parse(await readFile(ws.configPath, 'utf8')) as { accounts: Record<string, { proxy?: unknown }> };
  delete config.accounts.static01!.proxy;
  const directConfig = join(ws.dir, 'direct.yaml');
  await writeFile(directConfig, stringify(config));
  const direct = await runCli(['status', '--config', directConfig, '--json'], { cwd: ws.dir, env });
  expect((JSON.parse(direct.stdout) as { accounts: unknown[] }).accounts).toEqual([expect.objectContaining({ valid: 'no', reason: 'probe http://127.0.0.1:' + new URL(portal.url).port + '/api/me answered 403' })]);
  for (const run of [login, status, direct]) expectNoProxyCredentials(run.stdout + run.stderr);
});

it('API flow: an IP-bound account logs in through its proxy (both requests)', async ({ portal, egressProxy: proxy, tempDir }) => {
  const dir = await tempDir();
  const ws = await apiWorkspace(dir, portal.url, 'static02', true);
  const run = await runCli(['login', '--config', ws.configPath, '--verbose'], { cwd: dir, env: { ...ws.env, ...proxyEnv(proxy), PORTAL_LOGIN_BROWSER: '/nonexistent/chromium' } });
  expect(run.stderr).toContain('Logged in over the API');
  expect(run.status).toBe(0);
  expect(proxy.requests).toEqual(['POST /api/auth/login', 'POST /api/auth/verify']);
  expectNoProxyCredentials(run.stdout + run.stderr);
});

it('without its proxy, the IP-bound account is IP_NOT_ALLOWED (exit 25), tried once, the message naming the direct egress', async ({ portal, demoWorkspace, tempDir }) => {
  const ws = await browserWorkspace(demoWorkspace, portal.url, 'static03', false);
  const browser = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(browser.stderr).toContain('error [IP_NOT_ALLOWED]');
  expect(browser.stderr).toContain('requests from this IP address are not allowed for this account');
  expect(browser.stderr).toContain('it went direct (no proxy configured for this account)');
  expect(browser.status).toBe(25);
  expect(portal.loginAttempts('static03')).toBe(1);
  expect(portal.submittedCodes('static03')).toEqual([]);

  const dir = await tempDir();
  const api = await apiWorkspace(dir, portal.url, 'static04', false);
  const run = await runCli(['login', '--config', api.configPath, '--json'], { cwd: dir, env: api.env });
  expect(run.status).toBe(25);
  const [result] = (JSON.parse(run.stdout) as { accounts: Array<{ error: { code: string; exitStatus: number; message: string } }> }).accounts;
  expect(result!.error).toMatchObject({ code: 'IP_NOT_ALLOWED', exitStatus: 25 });
  expect(result!.error.message).toContain('Request from an unregistered IP address.');
  expect(result!.error.message).toContain('direct (no proxy configured for this account)');
  expect(portal.loginAttempts('static04')).toBe(1);
});

it('a proxy the portal does not know is IP_NOT_ALLOWED naming that proxy, never its credentials', async ({ portal, demoWorkspace }) => {
  const elsewhere = await startTestProxy({ egressIp: '127.0.0.23', credentials: { username: PROXY_USER, password: PROXY_PASSWORD } });
  try {
    const ws = await browserWorkspace(demoWorkspace, portal.url, 'static01', true);
    const run = await runCli(['login', '--config', ws.configPath, '--verbose'], { cwd: ws.dir, env: { ...ws.env, ...proxyEnv(elsewhere) } });
    expect(run.status).toBe(25);
    expect(run.stderr).toContain(`it went via proxy ${elsewhere.url}.`);
    expect(elsewhere.requests).toContain('POST /classic/login');
    expectNoProxyCredentials(run.stdout + run.stderr);
  } finally {
    await elsewhere.close();
  }
});

it('a proxy value that is not a proxy URL is SECRET_INVALID naming the variable, never showing the value; a missing one is listed with the others', async ({ portal, demoWorkspace }) => {
  const ws = await browserWorkspace(demoWorkspace, portal.url, 'static01', true);
  for (const value of ['hunter2-pasted-here', 'ftp://files.example.com:21', 'http://alice:s3cret@10.0.0.5:3128']) {
    const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: { ...ws.env, STATIC_PROXY: value, STATIC_PROXY_USER: PROXY_USER, STATIC_PROXY_PASSWORD: PROXY_PASSWORD } });
    expect(run.stderr, value).toContain('error [SECRET_INVALID]: The proxy server in STATIC_PROXY (');
    expect(run.stderr, value).toContain('accounts.static01.proxy.serverEnv)');
    expect(run.status, value).toBe(3);
    expect(run.stderr, value).not.toContain(value);
    expect(run.stderr, value).not.toContain('s3cret');
  }
  const missing = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: { ...ws.env, STATIC01_PASSWORD: '' } });
  expect(missing.status).toBe(3);
  for (const line of ['STATIC01_PASSWORD (', 'STATIC_PROXY (', 'accounts.static01.proxy.serverEnv', 'STATIC_PROXY_USER (', 'STATIC_PROXY_PASSWORD (']) expect(missing.stderr).toContain(line);
  expect(portal.loginAttempts('static01')).toBe(0);
});

it('inspect --account walks an IP-bound account\'s screens through its proxy, up to the code', async ({ portal, egressProxy: proxy, demoWorkspace }) => {
  const ws = await browserWorkspace(demoWorkspace, portal.url, 'static03', true);
  const run = await runCli(['inspect', '--account', 'static03', '--config', ws.configPath, '--json'], { cwd: ws.dir, env: { ...ws.env, ...proxyEnv(proxy) } });
  expect(run.status, run.stderr + run.stdout).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, stopped: 'before-code' });
  expect(proxy.requests).toEqual(expect.arrayContaining(['GET /classic/login', 'POST /classic/login']));
  expect(portal.submittedCodes('static03')).toEqual([]);
  expectNoProxyCredentials(run.stdout + run.stderr);
});
