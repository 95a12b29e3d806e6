import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Playwright mkdtemp's Chromium's profile (up to 1.3 MB) under os.tmpdir()
 * and deletes it only on a clean close, so every killed run left a
 * `playwright_chromiumdev_profile-*` behind. We give each run its own folder,
 * `<tmpdir>/portal-login-<uid>/run-<pid>-<random>/` (0700), point os.tmpdir()
 * there while Playwright launches, remove it on close, and at each launch
 * sweep runs whose pid is gone. Symlinks are never followed and only folders
 * this user owns are removed; an unsafe base folder (a symlink, or another
 * user's) means we fall back to Playwright's default place.
 */
export async function createRunDir(base = tmpdir()): Promise<string | undefined> {
  const uid = process.getuid?.();
  const root = join(base, `portal-login-${uid ?? 'user'}`);
  await mkdir(root, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const info = await lstat(root);
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) return undefined;
  if ((info.mode & 0o077) !== 0) await chmod(root, 0o700); // ours, but made with a looser umask
  await sweepDeadRuns(root, uid);
  const dir = join(root, `run-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { mode: 0o700 });
  return dir;
}

/** True while a process with this pid exists (EPERM: it exists but is another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function sweepDeadRuns(root: string, uid: number | undefined): Promise<void> {
  for (const name of await readdir(root)) {
    const pid = /^run-(\d+)-/.exec(name)?.[1];
    if (!pid || isAlive(Number(pid))) continue;
    const path = join(root, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isDirectory() || (uid !== undefined && info.uid !== uid)) continue;
    await rm(path, { recursive: true, force: true }); // rm removes symlinks inside, never their targets
  }
}

/** Removes a run folder; never throws. */
export async function removeRunDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `launch` with TMPDIR set to `dir` until it settles, then restores it:
 * Playwright reads os.tmpdir() after several awaits inside launch, so the
 * whole launch needs it. Launches are queued so two never overlap.
 */
export function withTmpdir<T>(dir: string | undefined, launch: () => Promise<T>): Promise<T> {
  if (!dir) return launch();
  const run = queue.then(async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = dir;
    try {
      return await launch();
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
  queue = run.catch(() => undefined);
  return run;
}
