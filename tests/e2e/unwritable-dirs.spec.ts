/**
 * A state folder or used-code ledger folder that exists but cannot be
 * written (read-only mount, another user's folder) is found before the
 * portal sees anything: no password and no code are spent on a login whose
 * session or used code could not be recorded. Root writes anywhere, so as
 * root the CLI runs as `nobody` (a read-only folder is then one it does not
 * own); as any other user the folder is simply mode 0555.
 */
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { demoApiLoginSetup } from '../../demo-portal/login-config.js';
import { runCli } from '../support/cli.js';
import { test, expect } from '../support/fixtures.js';

const ROOT_RUNS_AS = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;

/** A folder the CLI's user can write (given to `nobody` when the tests run as root). */
async function writableDir(path: string): Promise<string> {
  await mkdir(path, { mode: 0o700 });
  if (ROOT_RUNS_AS) await chown(path, ROOT_RUNS_AS.uid, ROOT_RUNS_AS.gid);
  return path;
}

/** A folder that exists and that the CLI's user cannot write. */
async function readOnlyDir(path: string): Promise<string> {
  await mkdir(path);
  await chmod(path, 0o555);
  return path;
}

/** An API-flow workspace (no Chromium involved) the CLI's user can read; its folders are made by the test. */
async function workspace(dir: string, baseUrl: string, user: string, stateDir: string) {
  await chmod(dir, 0o755); // the CLI may run as nobody: it must reach the config
  const setup = demoApiLoginSetup(baseUrl, [user], { stateDir, artifactsDir: join(dir, 'artifacts') });
  const configPath = join(dir, 'portal-login.yaml');
  await writeFile(configPath, stringify(setup.config), { mode: 0o644 });
  return { configPath, env: { ...setup.env, PORTAL_LOGIN_CACHE_DIR: 'off' } };
}

const run = (dir: string, ws: { configPath: string; env: Record<string, string> }, ledger: string) =>
  runCli(['login', '--config', ws.configPath], { cwd: dir, env: { ...ws.env, PORTAL_LOGIN_LEDGER_DIR: ledger }, ...(ROOT_RUNS_AS ? { as: ROOT_RUNS_AS } : {}) });

test('a state folder that exists but cannot be written: exit 11 STATE_WRITE_FAILED naming it, before the portal sees a password', async ({ portal, tempDir }) => {
  const dir = await tempDir();
  const stateDir = await readOnlyDir(join(dir, 'state'));
  const ws = await workspace(dir, portal.url, 'demo38', stateDir);
  const result = await run(dir, ws, await writableDir(join(dir, 'ledger')));
  expect(result.stderr).toContain(`error [STATE_WRITE_FAILED]: The state folder ${stateDir} cannot be written (EACCES); no portal was contacted.`);
  expect(result.stderr).toContain('--state-dir');
  expect(result.status).toBe(11);
  expect(portal.loginAttempts('demo38')).toBe(0);
  expect(portal.submittedCodes('demo38')).toEqual([]);
});

test('a used-code ledger folder that exists but cannot be written: exit 11 naming it and PORTAL_LOGIN_LEDGER_DIR, before the portal sees a password', async ({ portal, tempDir }) => {
  const dir = await tempDir();
  const stateDir = await writableDir(join(dir, 'state'));
  const ledger = await readOnlyDir(join(dir, 'ledger'));
  const ws = await workspace(dir, portal.url, 'demo38', stateDir);
  const result = await run(dir, ws, ledger);
  expect(result.stderr).toContain(`error [STATE_WRITE_FAILED]: The used-code ledger folder ${ledger} cannot be written (EACCES); no portal was contacted.`);
  expect(result.stderr).toContain('PORTAL_LOGIN_LEDGER_DIR');
  expect(result.status).toBe(11);
  expect(portal.loginAttempts('demo38')).toBe(0);
  expect(portal.submittedCodes('demo38')).toEqual([]);
});
