/**
 * A portal's daily cutoff ("06:00 Asia/Kolkata": many brokers end every
 * session at a fixed time of day whatever the cookies say) as instants.
 * Wall-clock times are turned into instants with Intl alone (the runtime's
 * IANA data), so daylight-saving zones are handled without a date library.
 */
import type { DailyCutoff } from '../config/schema.js';

const DAY_MS = 86_400_000;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The wall clock in `timeZone` at instant `ms`. */
function wallClock(ms: number, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute') };
}

/** The wall clock read as if it were UTC, in ms: the difference to the instant is the zone's offset. */
const asUtc = (w: WallClock) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);

/**
 * The instant the wall clock in `timeZone` shows `wall`. Like Temporal's
 * "compatible" disambiguation: a time that occurs twice (clocks go back)
 * is the earlier one; a time that does not occur (clocks go forward) is
 * read with the offset from before the change, i.e. as much later as the gap.
 */
export function instantOf(wall: WallClock, timeZone: string): number {
  const guess = asUtc(wall);
  const offsetAt = (ms: number) => asUtc(wallClock(ms, timeZone)) - Math.floor(ms / 60_000) * 60_000;
  // The zone's offsets a day either side of the time; a change inside that window makes them differ.
  const before = guess - offsetAt(guess - DAY_MS);
  const after = guess - offsetAt(guess + DAY_MS);
  const shows = (ms: number) => asUtc(wallClock(ms, timeZone)) === guess;
  const matching = [before, after].filter(shows);
  return matching.length > 0 ? Math.min(...matching) : before;
}

/** The cutoff's instant on the day `dayOffset` days from the zone's calendar day at `nowMs`. */
function cutoffOnDay(cutoff: DailyCutoff, nowMs: number, dayOffset: number): number {
  const today = wallClock(nowMs, cutoff.timeZone);
  const date = new Date(Date.UTC(today.year, today.month - 1, today.day + dayOffset));
  return instantOf({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: cutoff.hour, minute: cutoff.minute }, cutoff.timeZone);
}

/** The last cutoff at or before `now` (ms since the epoch): a session saved before it has ended. */
export function lastCutoff(cutoff: DailyCutoff, now: number): number {
  for (const day of [0, -1, -2]) {
    const at = cutoffOnDay(cutoff, now, day);
    if (at <= now) return at;
  }
  throw new Error(`no daily cutoff ${cutoff.text} found in the two days before ${new Date(now).toISOString()}`);
}

/** The first cutoff after `now` (ms since the epoch): when a session valid now will end at the latest. */
export function nextCutoff(cutoff: DailyCutoff, now: number): number {
  for (const day of [0, 1, 2]) {
    const at = cutoffOnDay(cutoff, now, day);
    if (at > now) return at;
  }
  throw new Error(`no daily cutoff ${cutoff.text} found in the two days after ${new Date(now).toISOString()}`);
}
