import { Cron } from 'croner';
import * as z from 'zod';
import { isTimeZone } from './time-zone.js';

/**
 * `schedule:` — when `portal-login schedule` runs `refresh`. Its own file so
 * the scheduler's keys stay out of the main schema's way; config/schema.ts
 * only adds the key. Every default is here.
 */

/** Seconds a failed account waits before its one retry: long enough for a portal's hiccup or a short rate limit to pass. */
export const DEFAULT_RETRY_DELAY_SECONDS = 300;

const ACCOUNT_NAME = /^[A-Za-z0-9._-]+$/;

const timeZone = z.string().refine(isTimeZone, {
  error: (issue) => `"${String(issue.input)}" is not an IANA time zone this runtime knows; use a name like Asia/Kolkata, America/New_York or UTC`,
});

/**
 * Checked with croner itself (the library that runs it), so an expression
 * that loads is one that fires; one that can never match (30 February) is
 * refused too rather than waiting forever.
 */
const cronExpression = z.string().superRefine((expression, ctx) => {
  let next: Date | null;
  try {
    next = new Cron(expression.trim(), { paused: true }).nextRun();
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    ctx.addIssue({ code: 'custom', message: `is not a cron expression (${reason}); use "minute hour day month weekday", e.g. "30 8 * * 1-5", or six fields with seconds first` });
    return;
  }
  if (next === null) ctx.addIssue({ code: 'custom', message: 'never matches a date (e.g. 30 February); check the day and month fields' });
});

export const scheduleSchema = z.strictObject({
  /** Cron expression read in `timeZone` (croner: 5 fields, or 6 with seconds first, or a nickname like @daily). */
  cron: cronExpression,
  /** IANA zone the expression and the holiday dates are read in; required, since the machine's own zone is an accident of where it runs. */
  timeZone,
  /** File of dates (YYYY-MM-DD, one a line, # comments) on which no run happens; relative to the config file. */
  holidays: z.string().min(1).optional(),
  /** Seconds before a failed account's one retry (after which its failure is alerted). */
  retryDelaySeconds: z.int().min(0).max(86_400).default(DEFAULT_RETRY_DELAY_SECONDS),
  /** Which accounts each run refreshes; all when not given. Each must be under `accounts:` (checked when the schedule starts). */
  accounts: z.array(z.string().regex(ACCOUNT_NAME, 'account names may use letters, digits, . _ -')).min(1).optional(),
});

export type ScheduleConfig = z.output<typeof scheduleSchema>;
