/**
 * The session store through the real CLI: two overlapping `login` runs for
 * one account log it in one at a time (the second waits for the first's
 * lock), and a run killed with SIGKILL mid-save leaves no half session: the
 * next run recovers its lock, sweeps its temp file and saves one file.
 */
import { test, expect } from '../support/fixtures.js';
import { stateEntries } from '../support/state-dir.js';
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateFile } from '../../session/state-file.js';
import { CLI, ROOT, runCli, type Workspace } from '../support/cli.js';

/** A CLI run whose output can be watched while it runs (runCli only returns at the end). */
function startCli(args: string[], ws: Workspace, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ws.dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORTAL_LOGIN_LEDGER_DIR: join(ws.dir, '.ledger'), ...ws.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (run.stdout += d));
  child.stderr.on('data', (d) => (run.stderr += d));
  const done = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (status) => resolve({ status, ...run })));
  return { run, done };
}

/** Polls until `condition` holds (the test's own timeout bounds it). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50));
}

const hasTemp = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).some((n) => n.endsWith('.tmp'));

test('two overlapping login runs for one account: the second waits for the first to save, then logs in; never both at once', async ({ portal, demoWorkspace }) => {
  test.setTimeout(120_000); // the second login waits for a fresh TOTP window (the first used the current one)
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo37']);
  const statePath = join(ws.stateDir, 'demo37.json');
  const pause = join(ROOT, 'tests/support/pause-before-rename.mjs');
  const first = startCli(['login', '--config', ws.configPath], ws, { NODE_OPTIONS: `--import=${pause}`, PORTAL_LOGIN_TEST_PAUSE_BEFORE_RENAME: statePath });
  await until(() => hasTemp(ws.stateDir)); // the first run is mid-save, holding the account
  const second = startCli(['login', '--config', ws.configPath], ws);
  await until(() => second.run.stderr.includes('Another portal-login run is logging demo37 in; waiting up to'));
  expect(portal.loginAttempts('demo37')).toBe(1); // the second has not touched the portal while the first holds the account
  await writeFile(`${statePath}.go`, '');
  const [one, two] = await Promise.all([first.done, second.done]);
  expect(one.status, one.stderr).toBe(0);
  expect(two.status, two.stderr).toBe(0);
  expect(portal.loginAttempts('demo37')).toBe(2);
  expect(one.stderr).not.toContain('waiting up to');
  expect(await stateEntries(ws.stateDir)).toEqual(['.demo37.last-login.json', 'demo37.json', 'demo37.json.go']); // lock released, no temp left
});

test('killed with SIGKILL mid-save: no state file and one complete temp; the next run takes over the stale lock, sweeps the temp and saves one file', async ({ portal, demoWorkspace }) => {
  test.setTimeout(120_000); // waits out the stale lock (10 s) and a fresh TOTP window
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo38']);
  const statePath = join(ws.stateDir, 'demo38.json');
  const killer = join(ROOT, 'tests/support/kill-before-rename.mjs');
  const killed = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: { ...ws.env, NODE_OPTIONS: `--import=${killer}`, PORTAL_LOGIN_TEST_KILL_BEFORE_RENAME: statePath } });
  expect(killed.status, killed.stderr).toBeNull(); // killed by the hook, just before the rename
  const left = await stateEntries(ws.stateDir);
  const temps = left.filter((n) => /^\.demo38\.json\.\d+-[0-9a-f]{12}\.tmp$/.test(n));
  expect(temps).toHaveLength(1);
  expect(left.sort()).toEqual([temps[0], '.demo38.lock'].sort());
  const temp = JSON.parse(await readFile(join(ws.stateDir, temps[0]!), 'utf8')) as StateFile;
  expect(temp.portalLogin?.info.account).toBe('demo38'); // a complete live session: it must not stay behind

  const next = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(next.status, next.stderr).toBe(0);
  expect(next.stderr).toContain('Another portal-login run is logging demo38 in; waiting up to'); // the dead run's lock, until it went stale
  expect(await stateEntries(ws.stateDir)).toEqual(['.demo38.last-login.json', 'demo38.json']);
  const saved = JSON.parse(await readFile(statePath, 'utf8')) as StateFile;
  expect(saved.portalLogin?.info).toMatchObject({ account: 'demo38', portal: 'classic' });
});
