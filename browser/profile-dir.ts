import { readFileSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { hostname, tmpdir, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { PortalLoginError } from '../core/errors.js';

/**
 * Each run owns a folder `<tmp>/portal-login-<uid>/run-<pid>-<random>/`
 * holding Playwright's artifacts folder and a `profile` link to the Chromium
 * profile Playwright made for it. A run killed with SIGKILL cannot clean up
 * after itself, so the next run removes what runs whose process is gone left
 * behind. The link says exactly which profile was whose: a sweep never has to
 * guess from a shared /tmp.
 */

/** The name Playwright gives the profile folder it makes in os.tmpdir(). */
export const PLAYWRIGHT_PROFILE_PREFIX = 'playwright_chromiumdev_profile-';
/** The folder Chromium makes in its TMPDIR for its singleton socket. */
const CHROMIUM_SOCKET_PREFIX = 'org.chromium.Chromium.';
/** This run's link to its profile, in its run folder. */
export const PROFILE_LINK = 'profile';
const RUN_NAME = /^run-(\d+)-/;
/** Removing a folder that a dying Chromium still writes into fails ENOTEMPTY for a moment. */
const RM_OPTIONS = { recursive: true, force: true, maxRetries: 10, retryDelay: 100 } as const;

/** Says whether a process id belongs to a live process; a parameter so tests can decide. */
export type IsAlive = (pid: number) => boolean;

export interface RunDir {
  /** This run's own folder (0700). */
  path: string;
  /** Names removed from the root by the sweep started at open; never rejects. */
  swept: Promise<string[]>;
  /**
   * Links the profile that Chromium `browserPid` holds (found by its
   * SingletonLock under `tmp`) into this run's folder, so a sweep can remove
   * it if this run is killed. Resolves to the profile's path, or undefined
   * when none is found. Never rejects.
   */
  linkProfile(browserPid: number): Promise<string | undefined>;
  /** Removes this run's folder; call once Chromium has exited. Never rejects. */
  remove(): Promise<void>;
}

/** `<tmp>/portal-login-<uid>`: one per user, so users of one machine never share (or sweep) each other's. */
export function privateTempRoot(tmp: string = tmpdir(), uid: number | undefined = process.getuid?.()): string {
  return join(tmp, `portal-login-${uid ?? userInfo().username}`);
}

/**
 * True when `pid` is a live process: signal 0 checks without sending; EPERM
 * means alive but another user's. A zombie answers signal 0 too, and a killed
 * run's Chromium stays one where PID 1 does not reap orphans (containers,
 * microVMs), so Linux's process state decides first.
 */
export function isProcessAlive(pid: number): boolean {
  if (zombie(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** /proc/<pid>/stat is "pid (comm) state ...", and comm may hold spaces or parentheses. */
function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false; // no such process, or no /proc: signal 0 tells
  }
}

/**
 * Makes this run's folder under the private root in `tmp` and starts
 * sweeping dead runs beside it, in the background: Chromium's launch need not
 * wait for it. Refuses a root that is not a real directory of ours: on a
 * shared /tmp another user could have made it first.
 */
export async function openRunDir(options: { tmp?: string; pid?: number; isAlive?: IsAlive } = {}): Promise<RunDir> {
  const tmp = options.tmp ?? tmpdir();
  const root = privateTempRoot(tmp);
  const isAlive = options.isAlive ?? isProcessAlive;
  await ensureOwnPrivateDir(root);
  const path = await mkdtemp(join(root, `run-${options.pid ?? process.pid}-`)); // mkdtemp makes it 0700
  return {
    path,
    swept: sweepStaleRuns(root, isAlive).catch(() => []),
    linkProfile: async (browserPid) => {
      const profile = await findLockedProfile(tmp, browserPid).catch(() => undefined);
      if (profile) await symlink(profile, join(path, PROFILE_LINK)).catch(() => undefined);
      return profile;
    },
    remove: () => rm(path, RM_OPTIONS).catch(() => undefined),
  };
}

/**
 * Removes from `root` every `run-<pid>-*` folder whose pid is not alive, with
 * the profile it links to, and any Playwright profile folder left directly in
 * the root by a dead Chromium (a user who pointed TMPDIR here). A run whose
 * Chromium still holds its profile waits for a later sweep. A link leading
 * anywhere but a Playwright profile in the root's own folder is not followed.
 * Best effort per entry; returns the names removed from the root.
 */
export async function sweepStaleRuns(root: string, isAlive: IsAlive = isProcessAlive): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(root, entry.name);
    if ((await sweepable(entry.name, path, dirname(root), isAlive)) && (await rm(path, RM_OPTIONS).then(() => true, () => false))) removed.push(entry.name);
  }
  return removed;
}

/** A dead run's folder once the profile it links is gone, or a stray profile that no live Chromium holds. */
async function sweepable(name: string, path: string, tmp: string, isAlive: IsAlive): Promise<boolean> {
  const run = RUN_NAME.exec(name);
  if (run) return !isAlive(Number(run[1])) && (await removeLinkedProfile(path, tmp, isAlive));
  return isStrayProfile(name) && !(await profileInUse(path, isAlive));
}

const isStrayProfile = (name: string) => name.startsWith(PLAYWRIGHT_PROFILE_PREFIX);

/**
 * Removes the profile a dead run links to, and the folder of Chromium's
 * singleton socket that the profile links to (Chromium makes it in its own
 * TMPDIR and removes it on a clean exit only). False when Chromium still
 * holds the profile: the run folder stays for a later sweep.
 */
async function removeLinkedProfile(run: string, tmp: string, isAlive: IsAlive): Promise<boolean> {
  const profile = await readlink(join(run, PROFILE_LINK)).catch(() => undefined);
  if (!profile || dirname(profile) !== tmp || !isStrayProfile(basename(profile))) return true;
  if (await profileInUse(profile, isAlive)) return false;
  const socket = await readlink(join(profile, 'SingletonSocket')).catch(() => undefined);
  const socketDir = socket === undefined ? undefined : dirname(socket);
  if (socketDir && dirname(socketDir) === tmp && basename(socketDir).startsWith(CHROMIUM_SOCKET_PREFIX)) await rm(socketDir, RM_OPTIONS).catch(() => undefined);
  return rm(profile, RM_OPTIONS).then(() => true, () => false); // kept with its link for the next sweep if it cannot go now
}

/** Chromium's SingletonLock in a profile: a symlink to `<host>-<pid>`, removed when Chromium exits. */
async function profileLock(profile: string): Promise<{ host: string; pid: number } | undefined> {
  const lock = await readlink(join(profile, 'SingletonLock')).catch(() => undefined);
  const owner = lock === undefined ? null : /^(.*)-(\d+)$/.exec(lock);
  return owner ? { host: owner[1]!, pid: Number(owner[2]) } : undefined;
}

/** No lock, or a dead process's lock on this host: nobody uses it. Another host's lock cannot be checked: in use. */
async function profileInUse(profile: string, isAlive: IsAlive): Promise<boolean> {
  const lock = await profileLock(profile);
  return lock !== undefined && (lock.host !== hostname() || isAlive(lock.pid));
}

/** The Playwright profile in `tmp` whose SingletonLock names Chromium `pid` on this host. */
async function findLockedProfile(tmp: string, pid: number): Promise<string | undefined> {
  for (const name of (await readdir(tmp)).filter(isStrayProfile)) {
    const lock = await profileLock(join(tmp, name));
    if (lock?.host === hostname() && lock.pid === pid) return join(tmp, name);
  }
  return undefined;
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
    throw new PortalLoginError('BROWSER_NOT_FOUND', `Cannot keep Chromium's temp files in ${dir}: it is ${stat.isDirectory() ? 'owned by another user' : 'not a directory'}.`, {
      hint: `Remove ${dir}, or set TMPDIR to a folder only you can write to.`,
    });
  }
  if ((stat.mode & 0o077) !== 0) await chmod(dir, 0o700);
}
