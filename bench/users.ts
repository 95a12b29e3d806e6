/**
 * Hands out demo users so that no timed login meets the portal's replay rule
 * (a code's 30 s window is refused once a login used it) or portal-login's
 * used-window ledger, which would make it wait for the next window. Both
 * count per user, across variants, so one pool serves every variant and
 * side: least recently used first, and a user comes back only in a window
 * after the one its last login ended in. With 40 users and a few seconds a
 * login that is more than a minute later; should a machine ever be fast
 * enough to come round sooner, take() waits, outside the timed span.
 */
import type { Clock } from '../core/clock.js';

/** The TOTP period every demo user has, in ms. */
const WINDOW_MS = 30_000;

export interface UserPool {
  /** The user for the next login; waits first (untimed) if that user's last window is still current. */
  take(): Promise<string>;
  /** `username`'s login has ended: it may come back from the next window on. */
  release(username: string): void;
  /** Total ms take() has waited so far (reported: it should stay 0). */
  waitedMs(): number;
}

export function userPool(usernames: readonly string[], clock: Clock): UserPool {
  if (usernames.length === 0) throw new Error('userPool: no users');
  const queue = usernames.map((username) => ({ username, readyAtMs: 0 }));
  let waited = 0;
  return {
    async take() {
      const next = queue.shift();
      if (!next) throw new Error(`userPool: all ${usernames.length} users are in use`);
      const waitMs = next.readyAtMs - clock.now();
      if (waitMs > 0) {
        waited += waitMs;
        await clock.sleep(waitMs);
      }
      return next.username;
    },
    release(username) {
      const windowEnd = (Math.floor(clock.now() / WINDOW_MS) + 1) * WINDOW_MS;
      queue.push({ username, readyAtMs: windowEnd });
    },
    waitedMs: () => waited,
  };
}
