import { lstat, mkdir, mkdtemp, readdir, readlink, rm, chmod } from 'node:fs/promises';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { PortalLoginError } from '../core/errors.js';

/**
 * Chromium's profile for one run lives in `<tmp>/portal-login-<uid>/run-<pid>-<random>/`:
 * a run killed with SIGKILL cannot clean up after itself, so the next run
 * removes the folders of runs whose process is gone. Everything of a run is
 * in its folder, so a sweep never has to guess which files belong to whom.
 */

/** A name Playwright gives the profile folder it makes itself (under os.tmpdir()). */
export const PLAYWRIGHT_PROFILE_PREFIX = 'playwright_chromiumdev_profile-';
const RUN_NAME = /^run-(\d+)-/;
/** Removing a folder that a dying Chromium still writes into fails ENOTEMPTY for a moment. */
const RM_OPTIONS = { recursive: true, force: true, maxRetries: 10, retryDelay: 100 } as const;

/** Says whether a process id belongs to a live process; injected so tests decide. */
export type IsAlive = (pid: number) => boolean;

export interface RunDir {
  /** This run's own folder (0700). */
  path: string;
  /** Names of the dead runs' folders (and stray profiles) removed at start; never rejects. */
  swept: Promise<string[]>;
  /** Removes this run's folder; call once Chromium has exited. Never throws. */
  remove(): Promise<void>;
}

/** `<tmp>/portal-login-<uid>`: one folder per user, so two users of one machine never share (or sweep) each other's. */
export function privateTempRoot(tmp: string = tmpdir(), uid: number | undefined = process.getuid?.()): string {
  return join(tmp, `portal-login-${uid ?? userInfo().username}`);
}

/** True when `pid` is a live process: signal 0 checks without sending; EPERM means alive but another user's. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Makes this run's folder under the private root and starts sweeping dead
 * runs' folders beside it (in the background: Chromium's launch need not wait
 * for it). Refuses a root that is not a real directory of ours: on a shared
 * /tmp another user could have made it first.
 */
export async function openRunDir(options: { root?: string; pid?: number; isAlive?: IsAlive } = {}): Promise<RunDir> {
  const root = options.root ?? privateTempRoot();
  const pid = options.pid ?? process.pid;
  await ensureOwnPrivateDir(root);
  const path = await mkdtemp(join(root, `run-${pid}-`)); // mkdtemp makes it 0700
  const swept = sweepStaleRuns(root, options.isAlive ?? isProcessAlive).catch(() => []);
  return { path, swept, remove: () => rm(path, RM_OPTIONS).catch(() => undefined) };
}

/**
 * Removes from `root` every `run-<pid>-*` folder whose pid is not alive, and
 * any Playwright profile folder left directly in it by a dead Chromium (an
 * older run, or a user who pointed TMPDIR here). Live runs are left alone.
 * Best effort per entry: one folder that cannot go does not stop the rest.
 * Returns the names removed.
 */
export async function sweepStaleRuns(root: string, isAlive: IsAlive = isProcessAlive): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const stale: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const path = join(root, entry.name);
    const run = RUN_NAME.exec(entry.name);
    const dead = run ? !isAlive(Number(run[1])) : entry.name.startsWith(PLAYWRIGHT_PROFILE_PREFIX) && !(await profileInUse(path, isAlive));
    if (dead) stale.push(entry.name);
  }
  const removed = await Promise.all(stale.map((name) => rm(join(root, name), RM_OPTIONS).then(() => name, () => undefined)));
  return removed.filter((name): name is string => name !== undefined);
}

/**
 * Chromium marks a profile in use with a `SingletonLock` symlink to
 * `<host>-<pid>` and removes it when it exits. No lock, or a lock of a dead
 * process on this host: nobody uses it. A lock from another host (a shared
 * home or tmp) cannot be checked, so it counts as in use.
 */
async function profileInUse(profile: string, isAlive: IsAlive): Promise<boolean> {
  const lock = await readlink(join(profile, 'SingletonLock')).catch(() => undefined);
  if (lock === undefined) return false;
  const owner = /^(.*)-(\d+)$/.exec(lock);
  if (!owner || owner[1] !== hostname()) return true;
  return isAlive(Number(owner[2]));
}

/**
 * Creates `dir` 0700, or accepts it if it already is a directory of ours
 * (then tightens its mode). A symlink or another user's folder is refused,
 * as tmux refuses a /tmp/tmux-<uid> it does not own.
 */
async function ensureOwnPrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const stat = await lstat(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) {
    throw new PortalLoginError('BROWSER_NOT_FOUND', `Cannot keep Chromium's profile in ${dir}: it is ${stat.isDirectory() ? 'owned by another user' : 'not a directory'}.`, {
      hint: `Remove ${dir}, or set TMPDIR to a folder only you can write to.`,
    });
  }
  if ((stat.mode & 0o077) !== 0) await chmod(dir, 0o700);
}
