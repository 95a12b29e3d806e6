/**
 * When the scheduler runs next: the cron expression read in the schedule's
 * time zone (croner), minus the holiday dates. Pure: the caller passes the
 * instant to count from, so tests need no clock at all.
 */
import { Cron } from 'croner';

export interface ScheduleRules {
  /** Cron expression (5 fields, 6 with seconds first, or a nickname). */
  cron: string;
  /** IANA zone the expression and the holiday dates are read in. */
  timeZone: string;
  /** YYYY-MM-DD dates, in `timeZone`, on which no run happens. */
  holidays: ReadonlySet<string>;
}

export interface NextRun {
  at: Date;
  /** Holiday dates passed over to reach `at`, earliest first. */
  skipped: string[];
}

/** Ends the search through a calendar of nothing but holidays: ten years of days. */
const MAX_SKIPPED_DAYS = 3660;

/**
 * The first run strictly after `after` whose date in the schedule's zone is
 * not a holiday, or undefined when there is none (never in a valid config:
 * the schema refuses expressions that never match). A holiday skips its
 * whole local day at once, so a per-second schedule does not step through
 * 86,400 runs of it. Daylight saving is croner's: a time skipped when clocks
 * go forward runs at the first time after the gap, one that happens twice runs once.
 */
export function nextRun(rules: ScheduleRules, after: Date): NextRun | undefined {
  const cron = new Cron(rules.cron, { timezone: rules.timeZone, paused: true });
  const midnight = new Cron('0 0 0 * * *', { timezone: rules.timeZone, paused: true });
  const skipped: string[] = [];
  let candidate = cron.nextRun(after);
  while (candidate) {
    const date = localDate(candidate, rules.timeZone);
    if (!rules.holidays.has(date)) return { at: candidate, skipped };
    if (skipped.length >= MAX_SKIPPED_DAYS) return undefined;
    skipped.push(date);
    const nextDay = midnight.nextRun(candidate);
    // One second before the next local midnight: croner's next run is strictly after it, so a run at 00:00:00 counts.
    candidate = nextDay ? cron.nextRun(new Date(nextDay.getTime() - 1000)) : null;
  }
  return undefined;
}

/** The next `count` runs after `after` (fewer if the schedule ends). */
export function nextRuns(rules: ScheduleRules, after: Date, count: number): NextRun[] {
  const runs: NextRun[] = [];
  let from = after;
  while (runs.length < count) {
    const run = nextRun(rules, from);
    if (!run) break;
    runs.push(run);
    from = run.at;
  }
  return runs;
}

/** Calendar parts of `instant` in `timeZone`, 24-hour. */
function localParts(instant: Date, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'weekday', string> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    weekday: 'short',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute'), second: part('second'), weekday: part('weekday') };
}

/** `instant`'s calendar date in `timeZone`, as YYYY-MM-DD (the form holiday files use). */
export function localDate(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Whether the expression names seconds (6 or 7 fields), so times are shown to the second. */
export function hasSeconds(cron: string): boolean {
  return cron.trim().split(/\s+/).length >= 6;
}

/** "2026-12-03 08:30 Asia/Kolkata" (with `:SS` when `seconds`; with the weekday first when `weekday`). */
export function localTimeText(instant: Date, timeZone: string, options: { seconds?: boolean; weekday?: boolean } = {}): string {
  const p = localParts(instant, timeZone);
  const time = `${p.hour}:${p.minute}${options.seconds ? `:${p.second}` : ''}`;
  return `${options.weekday ? `${p.weekday} ` : ''}${p.year}-${p.month}-${p.day} ${time} ${timeZone}`;
}

/** "14 h 2 min", "3 d 4 h", "5 min 10 s", "45 s": the two largest units, a zero second one left out. */
export function durationText(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const first = units.findIndex(([, size]) => total >= size);
  if (first === -1) return '0 s';
  const [bigName, bigSize] = units[first]!;
  const big = Math.floor(total / bigSize);
  const next = units[first + 1];
  const small = next ? Math.floor((total % bigSize) / next[1]) : 0;
  return small > 0 && next ? `${big} ${bigName} ${small} ${next[0]}` : `${big} ${bigName}`;
}
