/**
 * `portal-login export`: a demo user is logged in once through the real CLI,
 * then each format is consumed by its real client (curl, Python, wget, Node
 * fetch, a Playwright context) and must reach /api/me or the dashboard, which
 * only a logged-in session can. Secrets go to stdout only.
 */
import { test, expect } from '../support/fixtures.js';
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startDemoPortal, type DemoPortal } from '../../demo-portal/index.js';
import { CLI, ROOT, runCli, writeDemoWorkspace, type CliRun, type Workspace } from '../support/cli.js';

const run = promisify(execFile);
const USER = 'demo33';

// One login for the whole file, in one worker: each test only reads the saved session.
test.describe.configure({ mode: 'default' });

let portal: DemoPortal;
let ws: Workspace;
let sessionValue: string;

test.beforeAll(async () => {
  portal = await startDemoPortal();
  ws = await writeDemoWorkspace(await mkdtemp(join(tmpdir(), 'portal-login-export-')), portal.url, ['classic'], [USER]);
  const login = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(login.status, login.stderr).toBe(0);
  const state = JSON.parse(await readFile(join(ws.stateDir, `${USER}.json`), 'utf8')) as { cookies: Array<{ name: string; value: string }> };
  sessionValue = state.cookies.find((c) => c.name === 'demo_session')!.value;
});

test.afterAll(async () => {
  await portal.close();
  await rm(ws.dir, { recursive: true, force: true });
});

/** Runs `export` and checks what every run must: the secret never on stderr. */
async function exportAs(format: string, ...extra: string[]): Promise<CliRun> {
  const result = await runCli(['export', USER, '--format', format, '--config', ws.configPath, ...extra], { cwd: ws.dir });
  expect(result.stderr).not.toContain(sessionValue);
  return result;
}

async function writeExport(format: string, name: string, ...extra: string[]): Promise<string> {
  const result = await exportAs(format, ...extra);
  expect(result.status, result.stderr).toBe(0);
  const path = join(ws.dir, name);
  await writeFile(path, result.stdout, { mode: 0o600 });
  return path;
}

const me = () => `${portal.url}/api/me`;
const SIGNED_IN = JSON.stringify({ username: USER });

test('netscape → curl -b reaches /api/me', async () => {
  const file = await writeExport('netscape', 'cookies.txt');
  const { stdout } = await run('curl', ['-sS', '-w', '\n%{http_code}', '-b', file, me()]);
  expect(stdout).toBe(`${SIGNED_IN}\n200`);
});

test('netscape → Python MozillaCookieJar + urllib.request reaches /api/me (the README\'s load)', async () => {
  const file = await writeExport('netscape', 'cookies-py.txt');
  const script = [
    'import http.cookiejar, sys, urllib.request',
    'jar = http.cookiejar.MozillaCookieJar()',
    'jar.load(sys.argv[1], ignore_expires=True)',
    'for c in jar:',
    '    if c.expires == 0: c.expires = None',
    'opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))',
    'with opener.open(sys.argv[2]) as r: print(r.status, r.read().decode())',
  ].join('\n');
  const { stdout } = await run('python3', ['-c', script, file, me()]);
  expect(stdout.trim()).toBe(`200 ${SIGNED_IN}`);
});

test('netscape --no-httponly-prefix → wget --load-cookies reaches /api/me', async () => {
  const file = await writeExport('netscape', 'cookies-wget.txt', '--no-httponly-prefix');
  const { stdout } = await run('wget', ['-qO-', '--load-cookies', file, me()]);
  expect(stdout).toBe(SIGNED_IN);
});

test('cookie-header → curl -H "Cookie: …" and Node fetch reach /api/me', async () => {
  const header = (await exportAs('cookie-header', '--url', me())).stdout.trim();
  expect(header).toContain(`demo_session=${sessionValue}`);
  const { stdout } = await run('curl', ['-sS', '-w', '\n%{http_code}', '-H', `Cookie: ${header}`, me()]);
  expect(stdout).toBe(`${SIGNED_IN}\n200`);
  const response = await fetch(me(), { headers: { cookie: header } });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ username: USER });
});

test('env → eval in sh, then curl with $<ACCOUNT>_COOKIE reaches /api/me (default URL: the loginUrl origin)', async () => {
  const exported = await exportAs('env');
  expect(exported.status, exported.stderr).toBe(0);
  expect(exported.stdout).toMatch(/^DEMO33_COOKIE='[^']+'\n$/);
  const { stdout } = await run('sh', ['-c', 'eval "$EXPORTED"; curl -sS -H "Cookie: $DEMO33_COOKIE" "$URL"'], { env: { PATH: process.env.PATH, EXPORTED: exported.stdout, URL: me() } });
  expect(stdout).toBe(SIGNED_IN);
});

test('storage-state → a Playwright context opens the dashboard signed in', async ({ browser }) => {
  const file = await writeExport('storage-state', 'state.json');
  const context = await browser.newContext({ storageState: file });
  const page = await context.newPage();
  await page.goto(`${portal.url}/classic/dashboard`);
  await expect(page.locator('#dashboard')).toHaveText(`Welcome, ${USER}`);
  await context.close();
});

test('json → the whole session with every cookie attribute and its info', async () => {
  const exported = await exportAs('json');
  const session = JSON.parse(exported.stdout) as { cookies: Array<Record<string, unknown>>; tokens: object; info: { account: string; portal: string } };
  expect(session.info).toMatchObject({ account: USER, portal: 'classic' });
  expect(session.cookies.find((c) => c.name === 'demo_session')).toMatchObject({ domain: '127.0.0.1', path: '/', httpOnly: true, secure: false, sameSite: 'Lax', value: sessionValue });
  expect(session.tokens).toEqual({});
});

test('cookie-header for another host is empty, with a note on stderr naming no value (nor the query)', async () => {
  const other = `${portal.url.replace('127.0.0.1', 'localhost')}/api/me`;
  const exported = await exportAs('cookie-header', '--url', `${other}?token=q-s3cr3t`);
  expect(exported.status).toBe(0);
  expect(exported.stdout).toBe('\n');
  expect(exported.stderr).toContain(`no cookie of account "${USER}" matches ${other} `);
  expect(exported.stderr).not.toContain('q-s3cr3t');
});

test('export loads no Playwright (it is for jobs that run often)', async () => {
  const log = join(ws.dir, 'imports.log');
  const result = spawnSync(process.execPath, ['--import', join(ROOT, 'tests/support/import-log-hooks.mjs'), CLI, 'export', USER, '--format', 'cookie-header', '--config', ws.configPath], {
    cwd: ws.dir,
    env: { PATH: process.env.PATH, IMPORT_LOG: log },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout).toContain('demo_session=');
  const imported = await readFile(log, 'utf8');
  expect(imported).toContain('dist/bin/chunks/');
  expect(imported).not.toMatch(/playwright/);
});

test('an expired session cookie is not exported; the header without it is refused by the portal', async () => {
  const stateDir = join(ws.dir, 'expired-state');
  const state = JSON.parse(await readFile(join(ws.stateDir, `${USER}.json`), 'utf8')) as { cookies: Array<{ name: string; expires: number }> };
  for (const c of state.cookies) if (c.name === 'demo_session') c.expires = Date.now() / 1000 - 60;
  await mkdir(stateDir, { recursive: true });
  await writeFile(join(stateDir, `${USER}.json`), JSON.stringify(state));
  const exported = await exportAs('cookie-header', '--url', me(), '--state-dir', stateDir);
  expect(exported.status, exported.stderr).toBe(0);
  expect(exported.stdout).not.toContain('demo_session');
  const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Cookie: ${exported.stdout.trim()}`, me()]);
  expect(stdout).toBe('401');
});

test('no saved session: NO_SESSION (exit 16) saying to log in first; a bad --url is a usage error', async () => {
  const missing = await exportAs('cookie-header', '--state-dir', join(ws.dir, 'empty'));
  expect(missing.status).toBe(16);
  expect(missing.stdout).toBe('');
  expect(missing.stderr).toContain(`error [NO_SESSION]: No saved session for account "${USER}"`);
  expect(missing.stderr).toContain(`what to do: Log in first: portal-login login ${USER} --config ${ws.configPath}`);

  const badUrl = await exportAs('cookie-header', '--url', 'ftp://x/?key=k-s3cr3t');
  expect(badUrl.status).toBe(2);
  expect(badUrl.stderr).toContain('error [USAGE]: --url must be an http:// or https:// address (got a ftp: URL)');
  expect(badUrl.stderr).not.toContain('k-s3cr3t');

  const unknown = await runCli(['export', 'nobody', '--format', 'json', '--config', ws.configPath], { cwd: ws.dir });
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toContain('error [UNKNOWN_ACCOUNT]');
});

test('an unknown format is a usage error that lists the formats', async () => {
  const result = await exportAs('har');
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('error [USAGE]');
  expect(result.stderr).toContain('"storage-state", "cookie-header", "netscape", "json", "env"');
});
