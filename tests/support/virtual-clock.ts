import type { Clock } from '../../core/clock.js';

/**
 * A clock that moves only when the test says so: sleeps are timers on a
 * virtual timeline, fired in order by `advance`, with every promise chain
 * they start settled in between. Nothing waits for real time.
 */
export interface VirtualClock {
  clock: Clock;
  /** Moves time forward by `ms`, firing every sleep that ends on the way. */
  advance(ms: number): Promise<void>;
}

const settle = () => new Promise<void>((done) => setImmediate(done));

export function virtualClock(startMs: number): VirtualClock {
  let now = startMs;
  const timers: Array<{ at: number; wake: () => void }> = [];
  return {
    clock: {
      now: () => now,
      sleep: (ms) => new Promise<void>((wake) => void timers.push({ at: now + Math.max(0, ms), wake })),
    },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        await settle();
        timers.sort((a, b) => a.at - b.at);
        const timer = timers[0];
        if (!timer || timer.at > end) break;
        timers.shift();
        now = Math.max(now, timer.at);
        timer.wake();
      }
      now = end;
      await settle();
    },
  };
}
