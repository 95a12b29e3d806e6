/**
 * Chromium's profile lives in our own private temp folder, one folder per
 * run: a normal run leaves nothing behind, and what a killed run leaves is
 * removed by the next run — never a live run's folder.
 */
import { test, expect } from '../support/fixtures.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { openRunDir, PLAYWRIGHT_PROFILE_PREFIX, privateTempRoot, sweepStaleRuns } from '../../browser/profile-dir.js';
import { CLI, runCli } from '../support/cli.js';

const runFolders = async (root: string) => (await readdir(root)).filter((name) => name.startsWith('run-'));

/** Pids of the processes whose command line names `needle` (Linux /proc). */
async function pidsWithArg(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(needle)) pids.push(Number(name));
  }
  return pids;
}

/** State and process group of `pid` from /proc/<pid>/stat ("pid (comm) state ppid pgrp ..."); undefined once it is gone. */
async function procStat(pid: number): Promise<{ state: string; group: number } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields ? { state: fields[0]!, group: Number(fields[2]) } : undefined;
}

/** SIGKILLs every process group `pids` belong to: Chromium and its helpers. */
async function killGroups(pids: number[]): Promise<void> {
  const groups = new Set((await Promise.all(pids.map(procStat))).flatMap((s) => (s ? [s.group] : [])));
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // it exited on its own meanwhile
    }
  }
}

/** Resolves once none of `pids` runs any more (a zombie nobody reaps counts as gone). */
async function gone(pids: number[]): Promise<void> {
  const running = async (pid: number) => ((await procStat(pid))?.state ?? 'Z') !== 'Z';
  while ((await Promise.all(pids.map(running))).some(Boolean)) await new Promise((done) => setTimeout(done, 100));
}

/** A pid that was alive a moment ago and is not now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

test('a normal login leaves no Chromium profile and no run folder in the TMPDIR it was given', async ({ portal, demoWorkspace, tempDir }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo35']);
  const tmp = await tempDir('portal-login-profile-');
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: { ...ws.env, TMPDIR: tmp } });
  expect(run.status, run.stderr).toBe(0);
  expect((await readdir(tmp)).filter((name) => name.startsWith('playwright'))).toEqual([]);
  const root = privateTempRoot(tmp);
  expect((await stat(root)).mode & 0o777).toBe(0o700);
  expect(await readdir(root)).toEqual([]);
});

test('a run killed with its Chromium leaves its profile in its run folder; the next run removes it', async ({ portal, demoWorkspace, tempDir }) => {
  const tmp = await tempDir('portal-login-profile-');
  const root = privateTempRoot(tmp);
  const env = (ws: { env: Record<string, string> }) => ({ ...ws.env, TMPDIR: tmp });
  // With 25 s required and this window's code used, the second run waits for the next window: alive long enough to kill.
  const waiting = await demoWorkspace(portal.url, ['classic'], ['demo36'], (c) => {
    c.portals!.classic!.totp = { minSecondsLeft: 25 };
  });
  const first = await runCli(['login', '--config', waiting.configPath], { cwd: waiting.dir, env: env(waiting) });
  expect(first.status, first.stderr).toBe(0);

  const child = spawn(process.execPath, [CLI, 'login', '--config', waiting.configPath], {
    cwd: waiting.dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', XDG_STATE_HOME: waiting.dir, ...env(waiting) },
  });
  let stderr = '';
  const exited = once(child, 'close');
  const isWaiting = new Promise<void>((ready) => child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.includes('Waiting')) ready();
  }));
  await Promise.race([isWaiting, exited.then(() => { throw new Error(`the run ended without waiting:\n${stderr}`); })]);
  const profileArg = `--user-data-dir=${join(root, `run-${child.pid}-`)}`;
  const chromium = await pidsWithArg(profileArg);
  expect(chromium.length, `no Chromium with ${profileArg}`).toBeGreaterThan(0);
  // The CLI first, so it cannot clean up when its Chromium goes; Chromium is its own process group (Playwright starts it detached).
  child.kill('SIGKILL');
  await exited;
  await killGroups(chromium);
  await gone(chromium);

  const left = await runFolders(root);
  expect(left).toHaveLength(1);
  expect(left[0]).toMatch(new RegExp(`^run-${child.pid}-`));
  expect(await readdir(join(root, left[0]!, 'profile'))).toContain('Default');

  const plain = await demoWorkspace(portal.url, ['classic'], ['demo37']);
  const next = await runCli(['login', '--config', plain.configPath], { cwd: plain.dir, env: env(plain) });
  expect(next.status, next.stderr).toBe(0);
  expect(await runFolders(root)).toEqual([]); // the dead run's folder was swept, and this run removed its own
  expect((await readdir(tmp)).filter((name) => name.startsWith('playwright'))).toEqual([]);
});

test('the sweep removes dead runs and unused stray profiles, and keeps live runs, locked profiles and other files', async ({ tempDir }) => {
  const root = await tempDir('portal-login-sweep-');
  const dead = await deadPid();
  const make = async (name: string, lock?: string) => {
    await mkdir(join(root, name));
    await writeFile(join(root, name, 'Local State'), '{}');
    if (lock) await symlink(lock, join(root, name, 'SingletonLock'));
  };
  await make(`run-${process.pid}-live01`);
  await make(`run-${dead}-dead01`);
  await make(`${PLAYWRIGHT_PROFILE_PREFIX}dead`, `${hostname()}-${dead}`);
  await make(`${PLAYWRIGHT_PROFILE_PREFIX}unlocked`);
  await make(`${PLAYWRIGHT_PROFILE_PREFIX}live`, `${hostname()}-${process.pid}`);
  await make(`${PLAYWRIGHT_PROFILE_PREFIX}elsewhere`, `another-host.example-${dead}`);
  await make('notes');
  await writeFile(join(root, `run-${dead}-file`), 'not a folder');

  const removed = await sweepStaleRuns(root);

  expect(removed.sort()).toEqual([`${PLAYWRIGHT_PROFILE_PREFIX}dead`, `${PLAYWRIGHT_PROFILE_PREFIX}unlocked`, `run-${dead}-dead01`]);
  expect((await readdir(root)).sort()).toEqual(
    [`${PLAYWRIGHT_PROFILE_PREFIX}elsewhere`, `${PLAYWRIGHT_PROFILE_PREFIX}live`, 'notes', `run-${dead}-file`, `run-${process.pid}-live01`].sort(),
  );
});

test('the run folder is made 0700 in a private root; a root that is a symlink is refused, a loose one is tightened', async ({ tempDir }) => {
  const tmp = await tempDir('portal-login-root-');
  const loose = join(tmp, 'loose');
  await mkdir(loose, { mode: 0o755 });
  await chmod(loose, 0o755);
  const run = await openRunDir({ root: loose });
  expect(run.path).toMatch(new RegExp(`^${loose}/run-${process.pid}-`));
  expect((await stat(run.path)).mode & 0o777).toBe(0o700);
  expect((await stat(loose)).mode & 0o777).toBe(0o700);
  await run.swept;
  await run.remove();
  expect(await readdir(loose)).toEqual([]);

  const link = join(tmp, 'link');
  await symlink(loose, link);
  await expect(openRunDir({ root: link })).rejects.toThrow(`Cannot keep Chromium's profile in ${link}: it is not a directory.`);
  expect(await readdir(loose)).toEqual([]);
});
