import { setTimeout as delay } from 'node:timers/promises';

/** Time as the code sees it; tests inject one instead of sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms) => {
    if (ms > 0) await delay(ms);
  },
};

/** A clock shifted by `offsetMs` (e.g. the portal's clock, measured from its Date header). */
export function offsetClock(base: Clock, offsetMs: number): Clock {
  return { now: () => base.now() + offsetMs, sleep: (ms) => base.sleep(ms) };
}
