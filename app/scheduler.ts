/**
 * The scheduler's clock loop: sleeps until the next run the rules allow,
 * logs it, and starts the tick's work. A tick that comes while the previous
 * work is still going (a slow portal, a retry's wait) is skipped with a log
 * line: the work never overlaps itself, and missed ticks are not made up.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { durationText, hasSeconds, localTimeText, nextRun, type ScheduleRules } from './schedule.js';

export interface SchedulerOptions {
  rules: ScheduleRules;
  clock: Clock;
  log: Logger;
  /** One tick's work, given the time it was due; expected to handle its own failures. */
  run: (due: Date) => Promise<void>;
  /** Ends the loop after the current work; the CLI instead ends with the process on a stop signal. */
  signal?: AbortSignal;
}

/**
 * Longest single sleep (ms): Node's timers overflow past ~24.8 days, and a
 * machine that was suspended notices the time on waking within this.
 */
const MAX_SLEEP_MS = 60_000;

/** Runs until `signal` aborts (or the schedule has no further run); resolves once the last work has finished. */
export async function runScheduler(options: SchedulerOptions): Promise<void> {
  const { rules, clock, log, signal } = options;
  const at = (instant: Date) => localTimeText(instant, rules.timeZone, { seconds: hasSeconds(rules.cron) });
  let running: { due: Date; done: Promise<void> } | undefined;
  let from = new Date(clock.now());
  while (!signal?.aborted) {
    const next = nextRun(rules, from);
    if (!next) {
      log.warn(`The schedule "${rules.cron}" has no further run; stopping.`);
      break;
    }
    if (next.skipped.length > 0) log.info(`skipping holiday${next.skipped.length > 1 ? 's' : ''} ${next.skipped.join(', ')}`);
    log.info(`next refresh at ${at(next.at)} (in ${durationText(next.at.getTime() - clock.now())})`);
    await sleepUntil(clock, next.at.getTime(), signal);
    if (signal?.aborted) break;
    // Counting on from now, not from the tick, after a late wake-up (suspend, a stalled event loop): missed ticks are not run in a burst.
    from = new Date(Math.max(next.at.getTime(), clock.now()));
    if (running) {
      log.info(`skipped the refresh due at ${at(next.at)}: the one due at ${at(running.due)} is still running`);
      continue;
    }
    const due = next.at;
    const done = options
      .run(due)
      .catch((error: unknown) => log.warn(`The refresh due at ${at(due)} failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (running = undefined));
    running = { due, done };
  }
  await running?.done;
}

/** Sleeps in bounded steps until the clock reads `dueMs` or `signal` aborts. */
async function sleepUntil(clock: Clock, dueMs: number, signal: AbortSignal | undefined): Promise<void> {
  const aborted = signal ? new Promise<void>((done) => signal.addEventListener('abort', () => done(), { once: true })) : undefined;
  while (clock.now() < dueMs && !signal?.aborted) {
    const step = clock.sleep(Math.min(dueMs - clock.now(), MAX_SLEEP_MS));
    await (aborted ? Promise.race([step, aborted]) : step);
  }
}
