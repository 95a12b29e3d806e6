/**
 * `status` and `refresh` through the real CLI against demo portals: the
 * rotating variant stays usable over five probes only because each one's
 * rotated cookie is written back; refresh logs in exactly the accounts that
 * are expired, past their cutoff or rejected by the probe and leaves valid
 * ones byte for byte; with nothing to do neither command loads Playwright;
 * two refreshes at once log an account in once.
 */
import { test, expect } from '../support/fixtures.js';
import { spawn } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDemoPortal } from '../../demo-portal/index.js';
import type { StateFile } from '../../session/state-file.js';
import { CLI, ROOT, runCli, type CliRun, type Workspace } from '../support/cli.js';

interface StatusJson {
  accounts: Array<{ account: string; portal: string; savedAt: string | null; obtainedBy: string | null; expiresAt: string | null; valid: string; reason: string; wroteBack: boolean }>;
}

const statusJson = async (ws: Workspace, ...extra: string[]): Promise<StatusJson> => {
  const run = await runCli(['status', '--json', '--config', ws.configPath, ...extra], { cwd: ws.dir });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as StatusJson;
};

const readState = async (ws: Workspace, account: string) => JSON.parse(await readFile(join(ws.stateDir, `${account}.json`), 'utf8')) as StateFile;
const writeState = (ws: Workspace, account: string, state: StateFile) => writeFile(join(ws.stateDir, `${account}.json`), JSON.stringify(state, null, 2), { mode: 0o600 });

/** Runs the CLI with the import log hook: every module it loads is listed in the returned log. */
async function runLogged(args: string[], ws: Workspace): Promise<CliRun & { imported: string }> {
  const log = join(ws.dir, `imports-${args[0]}.log`);
  await writeFile(log, '');
  const run = await runCli(args, { cwd: ws.dir, env: { ...ws.env, IMPORT_LOG: log, NODE_OPTIONS: `--import=${join(ROOT, 'tests/support/import-log-hooks.mjs')}` } });
  return { ...run, imported: await readFile(log, 'utf8') };
}

test('rotating portal: five status probes in a row stay valid because each writes the rotated cookie back; an unwritten copy dies after the grace', async ({ demoWorkspace }) => {
  const clock = { offsetMs: 0 };
  const portal = await startDemoPortal({ now: () => Date.now() + clock.offsetMs });
  try {
    const ws = await demoWorkspace(portal.url, ['rotating'], ['demo11']);
    const login = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
    expect(login.status, login.stderr).toBe(0);
    const copyDir = join(ws.dir, 'copy');
    await cp(ws.stateDir, copyDir, { recursive: true });
    const values: string[] = [(await readState(ws, 'demo11')).cookies.find((c) => c.name === 'rot_session')!.value];
    for (let use = 1; use <= 5; use++) {
      const { accounts } = await statusJson(ws);
      expect(accounts[0], `use ${use}`).toMatchObject({ account: 'demo11', valid: 'yes', wroteBack: true, obtainedBy: 'write-back' });
      values.push((await readState(ws, 'demo11')).cookies.find((c) => c.name === 'rot_session')!.value);
      clock.offsetMs += 6_000; // past the 5 s grace on the portal's clock: the value just replaced is dead now
    }
    expect(new Set(values).size).toBe(6); // every use rotated the cookie, and the new value was saved
    // The copy still holds the value the first status used (and rotated away) more than a grace ago.
    const stale = await statusJson(ws, '--state-dir', copyDir);
    expect(stale.accounts[0]).toMatchObject({ valid: 'no', reason: `probe ${portal.url}/rotating/api/me answered 401`, wroteBack: false });
  } finally {
    await portal.close();
  }
});

test('status: a table and JSON per account, no cookie value anywhere, no Playwright loaded; refresh with every session valid keeps them, byte for byte, without Playwright', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo12', 'demo13']);
  const login = await runCli(['login', 'demo12', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(login.status, login.stderr).toBe(0);
  const saved = await readState(ws, 'demo12');
  const secret = saved.cookies.find((c) => c.name === 'demo_session')!.value;
  const bytes = await readFile(join(ws.stateDir, 'demo12.json'));

  const table = await runLogged(['status', '--config', ws.configPath], ws);
  expect(table.status, table.stderr).toBe(0);
  const lines = table.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^ACCOUNT\s+PORTAL\s+SAVED AT\s+EXPIRES AT\s+LAST LOGIN\s+VALID\s+REASON$/);
  expect(lines[1]).toMatch(new RegExp(`^demo12\\s+classic\\s+${saved.portalLogin!.info.savedAt.slice(0, 19)}Z\\s+${saved.portalLogin!.info.expiresAt!.slice(0, 19)}Z\\s+ok \\S+Z\\s+yes\\s+probe ${portal.url}/api/me answered 200$`));
  expect(lines[2]).toMatch(/^demo13\s+classic\s+-\s+-\s+-\s+no\s+no saved session$/);
  expect(table.stdout + table.stderr).not.toContain(secret);
  expect(table.imported).toContain('dist/bin/chunks/');
  expect(table.imported).not.toMatch(/playwright/);

  const { accounts } = await statusJson(ws);
  expect(accounts).toEqual([
    { account: 'demo12', portal: 'classic', savedAt: saved.portalLogin!.info.savedAt, obtainedBy: 'login', expiresAt: saved.portalLogin!.info.expiresAt, nextCutoffAt: null, valid: 'yes', reason: `probe ${portal.url}/api/me answered 200`, wroteBack: false, lastLogin: { at: expect.any(String) as unknown, durationMs: expect.any(Number) as unknown, ok: true } },
    { account: 'demo13', portal: 'classic', savedAt: null, obtainedBy: null, expiresAt: null, nextCutoffAt: null, valid: 'no', reason: 'no saved session', wroteBack: false, lastLogin: null },
  ]);

  const refresh = await runLogged(['refresh', 'demo12', '--config', ws.configPath], ws);
  expect(refresh.status, refresh.stderr).toBe(0);
  expect(refresh.stdout).toBe(`demo12: kept (valid until ${saved.portalLogin!.info.expiresAt!.slice(0, 19)}Z; probe ${portal.url}/api/me answered 200)\n`);
  expect(refresh.imported).not.toMatch(/playwright/);
  expect(await readFile(join(ws.stateDir, 'demo12.json'))).toEqual(bytes);
  expect(portal.loginAttempts('demo12')).toBe(1);
});

test('refresh logs in the expired, past-cutoff and probe-rejected sessions and leaves the valid one untouched', async ({ portal, demoWorkspace }) => {
  test.setTimeout(120_000);
  const users = ['demo14', 'demo15', 'demo16', 'demo17'];
  const [expired, pastCutoff, rejected, valid] = users as [string, string, string, string];
  // Midnight UTC: a session saved two days ago is past it, one saved just now is not.
  const ws = await demoWorkspace(portal.url, ['classic'], users, (config) => void (config.portals!.classic!.session = { dailyCutoff: '00:00 UTC' }));
  const login = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(login.status, login.stderr).toBe(0);

  const edit = async (account: string, change: (state: StateFile) => void) => {
    const state = await readState(ws, account);
    change(state);
    await writeState(ws, account, state);
  };
  await edit(expired, (s) => {
    const past = Math.floor(Date.now() / 1000) - 60;
    for (const c of s.cookies) if (c.name === 'demo_session') c.expires = past;
    s.portalLogin!.info.expiresAt = new Date(past * 1000).toISOString();
  });
  await edit(pastCutoff, (s) => void (s.portalLogin!.info.savedAt = new Date(Date.now() - 2 * 86_400_000).toISOString()));
  await edit(rejected, (s) => {
    for (const c of s.cookies) if (c.name === 'demo_session') c.value = 'not-a-session';
  });
  const validBytes = await readFile(join(ws.stateDir, `${valid}.json`));

  const refresh = await runCli(['refresh', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(refresh.status, refresh.stderr).toBe(0);
  const lines = refresh.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(new RegExp(`^${expired}: logged in \\(the session expired at .+\\); session saved to .+${expired}\\.json, valid until `));
  expect(lines[1]).toMatch(new RegExp(`^${pastCutoff}: logged in \\(past the daily cutoff 00:00 UTC\\); session saved to `));
  expect(lines[2]).toMatch(new RegExp(`^${rejected}: logged in \\(probe ${portal.url}/api/me answered 401\\); session saved to `));
  expect(lines[3]).toMatch(new RegExp(`^${valid}: kept \\(valid until .+; probe ${portal.url}/api/me answered 200\\)$`));
  expect(users.map((u) => portal.loginAttempts(u))).toEqual([2, 2, 2, 1]);
  expect(await readFile(join(ws.stateDir, `${valid}.json`))).toEqual(validBytes);
  const { accounts } = await statusJson(ws);
  expect(accounts.map((a) => a.valid)).toEqual(['yes', 'yes', 'yes', 'yes']);
});

// Two tests, two users: a second login of one user waits for the next TOTP window, so each test pays at most one wait, in parallel.
test('--force logs in a valid account', async ({ portal, demoWorkspace }) => {
  test.setTimeout(90_000);
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo18']);
  expect((await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env })).status).toBe(0);
  const forced = await runCli(['refresh', '--force', '--json', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(forced.status, forced.stderr).toBe(0);
  expect(JSON.parse(forced.stdout)).toMatchObject({ ok: true, accounts: [{ account: 'demo18', action: 'logged-in', loginReason: '--force' }] });
  expect(portal.loginAttempts('demo18')).toBe(2);
});

test('a --min-valid longer than the session logs it in; a bad --min-valid is a usage error', async ({ portal, demoWorkspace }) => {
  test.setTimeout(90_000);
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo20']);
  expect((await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env })).status).toBe(0);
  // The demo's sessions last an hour: 2h of validity asked for means a new login.
  const soon = await runCli(['refresh', '--min-valid', '2h', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(soon.status, soon.stderr).toBe(0);
  expect(soon.stdout).toMatch(/^demo20: logged in \(it expires at .+, within --min-valid\)/);
  expect(portal.loginAttempts('demo20')).toBe(2);
  const bad = await runCli(['refresh', '--min-valid', 'soon', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('--min-valid must be a duration like 30m, 6h or 1d (got soon).');
});

test('two refresh runs at once: the account is logged in once; the second re-judges under the lock and keeps the first one\'s session', async ({ portal, demoWorkspace }) => {
  test.setTimeout(120_000);
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo19']);
  const statePath = join(ws.stateDir, 'demo19.json');
  const start = (env: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [CLI, 'refresh', '--config', ws.configPath], { cwd: ws.dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORTAL_LOGIN_LEDGER_DIR: join(ws.dir, '.ledger'), ...ws.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const run = { stdout: '', stderr: '' };
    child.stdout.on('data', (d) => (run.stdout += d));
    child.stderr.on('data', (d) => (run.stderr += d));
    return { run, done: new Promise<number | null>((resolve) => child.on('close', resolve)) };
  };
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  const first = start({ NODE_OPTIONS: `--import=${join(ROOT, 'tests/support/pause-before-rename.mjs')}`, PORTAL_LOGIN_TEST_PAUSE_BEFORE_RENAME: statePath });
  await until(() => first.run.stderr.includes('Submitted the verification code')); // logged in, now held just before its save
  const second = start();
  await until(() => second.run.stderr.includes('Another portal-login run is logging demo19 in; waiting up to'));
  await writeFile(`${statePath}.go`, '');
  const [one, two] = await Promise.all([first.done, second.done]);
  expect(one, first.run.stderr).toBe(0);
  expect(two, second.run.stderr).toBe(0);
  expect(first.run.stdout).toMatch(/^demo19: logged in \(no saved session\); session saved to /);
  expect(second.run.stdout).toMatch(/^demo19: kept \(another run logged it in meanwhile; valid until /);
  expect(portal.loginAttempts('demo19')).toBe(1);
});

test('status LAST LOGIN: a failed login after a good one shows its error code (no message, no secret) while the good session stays valid', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo19']);
  const good = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(good.status, good.stderr).toBe(0);
  const wrong = 'not-the-password-19';
  const failed = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: { ...ws.env, DEMO19_PASSWORD: wrong } });
  expect(failed.status).toBe(4);

  const table = await runCli(['status', '--config', ws.configPath], { cwd: ws.dir });
  expect(table.stdout.split('\n')[1]).toMatch(/^demo19\s+classic\s+\S+Z\s+\S+Z\s+BAD_CREDENTIALS \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+yes\s+probe /);
  const { accounts } = await statusJson(ws);
  expect(accounts[0]).toMatchObject({ valid: 'yes', obtainedBy: 'login', lastLogin: { ok: false, code: 'BAD_CREDENTIALS' } });
  const record = await readFile(join(ws.stateDir, '.demo19.last-login.json'), 'utf8');
  expect(Object.keys(JSON.parse(record) as object).sort()).toEqual(['at', 'code', 'durationMs', 'ok']);
  for (const text of [table.stdout, record]) expect(text).not.toContain(wrong);
});
