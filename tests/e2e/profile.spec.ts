/**
 * Every run has its own folder in our private temp folder, linking the
 * Chromium profile Playwright made for it: a normal run leaves nothing
 * behind, and what a killed run leaves is removed by the next run — never
 * what a live run uses.
 */
import { test, expect } from '../support/fixtures.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { isProcessAlive, openRunDir, PLAYWRIGHT_PROFILE_PREFIX, PROFILE_LINK, privateTempRoot, sweepStaleRuns } from '../../browser/profile-dir.js';
import { CLI, runCli } from '../support/cli.js';

const runFolders = async (root: string) => (await readdir(root)).filter((name) => name.startsWith('run-'));
const profilesIn = async (tmp: string) => (await readdir(tmp)).filter((name) => name.startsWith(PLAYWRIGHT_PROFILE_PREFIX));

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

/** Sends `signal` to every process group `pids` belong to: Chromium and its helpers. */
async function signalGroups(pids: number[], signal: NodeJS.Signals): Promise<void> {
  const groups = new Set((await Promise.all(pids.map(procStat))).flatMap((s) => (s ? [s.group] : [])));
  for (const group of groups) process.kill(-group, signal);
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
  const root = privateTempRoot(tmp);
  expect(await readdir(tmp)).toEqual([basename(root)]); // no Playwright profile or artifacts folder, no Chromium socket folder
  expect((await stat(root)).mode & 0o777).toBe(0o700);
  expect(await readdir(root)).toEqual([]);
});

test('a run killed with its Chromium leaves its profile, linked from its run folder; the next run removes both', async ({ portal, demoWorkspace, tempDir }) => {
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
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORTAL_LOGIN_LEDGER_DIR: join(waiting.dir, '.ledger'), ...env(waiting) },
  });
  let stderr = '';
  const exited = once(child, 'close');
  const isWaiting = new Promise<void>((ready) => child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.includes('Waiting')) ready();
  }));
  await Promise.race([isWaiting, exited.then(() => { throw new Error(`the run ended without waiting:\n${stderr}`); })]);
  // Only this run uses this TMPDIR now, so the profiles in it are its Chromium's.
  const profileArg = `--user-data-dir=${join(tmp, PLAYWRIGHT_PROFILE_PREFIX)}`;
  const chromium = await pidsWithArg(profileArg);
  expect(chromium.length, `no Chromium with ${profileArg}`).toBeGreaterThan(0);
  // As the OOM killer or `systemctl kill` would: all at once. Chromium is frozen first, so it cannot tidy up when the CLI's pipe
  // closes; the CLI dies before Chromium, so its Playwright cannot remove the profile on Chromium's exit. Chromium is its own
  // process group (Playwright starts it detached).
  await signalGroups(chromium, 'SIGSTOP');
  child.kill('SIGKILL');
  await exited;
  await signalGroups(chromium, 'SIGKILL');
  await gone(chromium);

  const left = await runFolders(root);
  expect(left).toHaveLength(1);
  expect(left[0]).toMatch(new RegExp(`^run-${child.pid}-`));
  const profile = await readlink(join(root, left[0]!, PROFILE_LINK));
  expect(profile).toMatch(new RegExp(`^${tmp}/${PLAYWRIGHT_PROFILE_PREFIX}`));
  expect(await readdir(profile)).toContain('Default');
  const socket = await readlink(join(profile, 'SingletonSocket'));
  expect(socket).toMatch(new RegExp(`^${tmp}/org\\.chromium\\.Chromium\\.`)); // Chromium's own TMPDIR is the CLI's
  expect(await profilesIn(tmp)).toEqual([basename(profile)]);

  const plain = await demoWorkspace(portal.url, ['classic'], ['demo37']);
  const next = await runCli(['login', '--config', plain.configPath], { cwd: plain.dir, env: env(plain) });
  expect(next.status, next.stderr).toBe(0);
  expect(await runFolders(root)).toEqual([]); // the dead run's folder was swept, and this run removed its own
  expect(await profilesIn(tmp)).toEqual([]); // the dead run's profile went with its folder
  expect((await readdir(tmp)).filter((name) => name.startsWith('org.chromium.'))).toEqual([]); // and its Chromium's socket folder
});

test('the sweep removes dead runs with the profiles they link and unused stray profiles; it keeps what is live, locked or not ours', async ({ tempDir }) => {
  const tmp = await tempDir('portal-login-sweep-');
  const root = privateTempRoot(tmp);
  await mkdir(root, { mode: 0o700 });
  const dead = await deadPid();
  const live = process.pid;
  const make = async (path: string, lock?: string) => {
    await mkdir(path);
    await writeFile(join(path, 'Local State'), '{}');
    if (lock) await symlink(lock, join(path, 'SingletonLock'));
  };
  const run = async (name: string, profile?: string) => {
    await make(join(root, name));
    if (profile) await symlink(profile, join(root, name, PROFILE_LINK));
  };
  const profile = (name: string) => join(tmp, `${PLAYWRIGHT_PROFILE_PREFIX}${name}`);
  await make(profile('of-dead-run'));
  await make(join(tmp, 'org.chromium.Chromium.dead01'));
  await symlink(join(tmp, 'org.chromium.Chromium.dead01', 'SingletonSocket'), join(profile('of-dead-run'), 'SingletonSocket'));
  await make(profile('held'), `${hostname()}-${live}`); // the run died, its Chromium did not (yet)
  await make(join(tmp, 'not-a-profile'));
  await run(`run-${live}-live01`, profile('held'));
  await run(`run-${dead}-dead01`);
  await run(`run-${dead}-linked`, profile('of-dead-run'));
  await run(`run-${dead}-held`, profile('held'));
  await run(`run-${dead}-outside`, join(tmp, 'not-a-profile'));
  await make(join(root, `${PLAYWRIGHT_PROFILE_PREFIX}dead`), `${hostname()}-${dead}`);
  await make(join(root, `${PLAYWRIGHT_PROFILE_PREFIX}unlocked`));
  await make(join(root, `${PLAYWRIGHT_PROFILE_PREFIX}live`), `${hostname()}-${live}`);
  await make(join(root, `${PLAYWRIGHT_PROFILE_PREFIX}elsewhere`), `another-host.example-${dead}`);
  await make(join(root, 'notes'));
  await writeFile(join(root, `run-${dead}-file`), 'not a folder');

  const removed = await sweepStaleRuns(root);

  expect(removed.sort()).toEqual(
    [`${PLAYWRIGHT_PROFILE_PREFIX}dead`, `${PLAYWRIGHT_PROFILE_PREFIX}unlocked`, `run-${dead}-dead01`, `run-${dead}-linked`, `run-${dead}-outside`].sort(),
  );
  expect((await readdir(root)).sort()).toEqual(
    [`${PLAYWRIGHT_PROFILE_PREFIX}elsewhere`, `${PLAYWRIGHT_PROFILE_PREFIX}live`, 'notes', `run-${dead}-file`, `run-${dead}-held`, `run-${live}-live01`].sort(),
  );
  expect((await readdir(tmp)).sort()).toEqual(['not-a-profile', `${PLAYWRIGHT_PROFILE_PREFIX}held`, basename(root)].sort());
});

test('a run folder is 0700 in a private root and links the profile whose lock names its Chromium', async ({ tempDir }) => {
  const tmp = await tempDir('portal-login-root-');
  const root = privateTempRoot(tmp);
  await mkdir(root, { mode: 0o755 });
  await chmod(root, 0o755);
  for (const [name, pid] of [['other', 4_000_001], ['ours', 4_000_002]] as const) {
    await mkdir(join(tmp, `${PLAYWRIGHT_PROFILE_PREFIX}${name}`));
    await symlink(`${hostname()}-${pid}`, join(tmp, `${PLAYWRIGHT_PROFILE_PREFIX}${name}`, 'SingletonLock'));
  }
  const run = await openRunDir({ tmp });
  expect(run.path).toMatch(new RegExp(`^${root}/run-${process.pid}-`));
  expect((await stat(run.path)).mode & 0o777).toBe(0o700);
  expect((await stat(root)).mode & 0o777).toBe(0o700); // a loose root is tightened

  expect(await run.linkProfile(4_000_002)).toBe(join(tmp, `${PLAYWRIGHT_PROFILE_PREFIX}ours`));
  expect(await readlink(join(run.path, PROFILE_LINK))).toBe(join(tmp, `${PLAYWRIGHT_PROFILE_PREFIX}ours`));
  expect(await run.linkProfile(4_000_003)).toBeUndefined();
  await run.swept;
  await run.remove();
  expect(await readdir(root)).toEqual([]);
  expect(await readdir(join(tmp, `${PLAYWRIGHT_PROFILE_PREFIX}ours`))).toEqual(['SingletonLock']); // removing the link left the profile alone
});

test('a private root that is a symlink is refused, with what to do', async ({ tempDir }) => {
  const tmp = await tempDir('portal-login-root-');
  const elsewhere = await tempDir('portal-login-root-');
  const root = privateTempRoot(tmp);
  await symlink(elsewhere, root);
  const opened = openRunDir({ tmp });
  await expect(opened).rejects.toThrow(`Cannot keep Chromium's temp files in ${root}: it is not a directory.`);
  await expect(opened).rejects.toMatchObject({ code: 'BROWSER_NOT_FOUND', hint: `Remove ${root}, or set TMPDIR to a folder only you can write to.` });
  expect(await readdir(elsewhere)).toEqual([]);
});

test('a zombie counts as dead: a killed run\'s Chromium stays one where PID 1 does not reap it', async () => {
  // The child outlives the shell's `exec` (a shell may reap a child that is already gone before it
  // execs), so it exits under the `sleep 60` the shell became, which never reaps it.
  const parent = spawn('sh', ['-c', 'sleep 0.5 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const [line] = (await once(parent.stdout, 'data')) as [Buffer];
    const pid = Number(line.toString().trim());
    for (;;) {
      const state = (await procStat(pid))?.state;
      if (state === 'Z') break;
      expect(state, `process ${pid} was reaped before it could be seen as a zombie`).toBeDefined();
      await new Promise((done) => setTimeout(done, 50));
    }
    expect(() => process.kill(pid, 0)).not.toThrow(); // signal 0 alone would call it alive
    expect(isProcessAlive(pid)).toBe(false);
    expect(isProcessAlive(parent.pid!)).toBe(true);
  } finally {
    parent.kill('SIGKILL');
  }
});
