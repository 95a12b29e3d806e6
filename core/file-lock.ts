import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { PortalLoginError } from './errors.js';

/**
 * A lock whose holder stopped refreshing it (killed, kill -9, power loss) for
 * this long is taken over. The holder refreshes it every STALE_MS / 2, so a
 * long login keeps its lock.
 */
export const STALE_MS = 10_000;

/** How often a waiting run looks again (ms) unless told otherwise: short next to a login, cheap for the file system. */
const POLL_MS = 200;

export interface FileLockOptions {
  /** The lock folder (proper-lockfile's mkdir lock, atomic on every local file system). */
  lockPath: string;
  /** How long to wait for another holder, in ms; 0 tries once. */
  waitMs: number;
  /** What the lock protects, for the LOCK_HELD message: "Account main", "The used-code ledger". */
  what: string;
  /** How often to look again while waiting (ms); default 200. */
  pollMs?: number;
  /** Called once, when the lock is found held and this run starts to wait. */
  onWait?: () => void;
}

/**
 * Runs `fn` while holding the lock at `lockPath`, waiting up to `waitMs` for
 * another holder (in this or another process) to let go. Still held after
 * that: LOCK_HELD. The lock is released however `fn` ends.
 */
export async function withFileLock<T>(options: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const release = await acquire(options);
  try {
    return await fn();
  } finally {
    // Fails only when the lock was compromised (taken over as stale); the work is done either way.
    await release().catch(() => undefined);
  }
}

async function acquire(options: FileLockOptions): Promise<() => Promise<void>> {
  const deadline = Date.now() + options.waitMs;
  let waited = false;
  for (;;) {
    try {
      return await lockfile.lock(options.lockPath, {
        lockfilePath: options.lockPath,
        realpath: false, // the protected file need not exist yet (first login)
        stale: STALE_MS,
        // The default throws from a timer and kills the process; a lock refreshed too late is not worth ending a login for.
        onCompromised: () => undefined,
      });
    } catch (error) {
      if (!isHeld(error)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) throw lockHeldError(options);
      if (!waited) options.onWait?.();
      waited = true;
      await sleep(Math.min(options.pollMs ?? POLL_MS, left));
    }
  }
}

function isHeld(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ELOCKED';
}

function lockHeldError(options: FileLockOptions): PortalLoginError {
  const waited = options.waitMs > 0 ? `; waited ${Math.round(options.waitMs / 1000)} s` : '';
  return new PortalLoginError('LOCK_HELD', `${options.what} is in use by another portal-login run (lock ${options.lockPath})${waited}.`, {
    hint: `Let the other run finish, then run again. A lock left by a run that was killed is taken over ${STALE_MS / 1000} s after it stopped; nothing needs deleting.`,
  });
}
