/**
 * When `schedule` runs: croner's cron in the schedule's zone, holidays
 * skipped by their date in that zone (not UTC's), daylight saving followed;
 * the holiday file's format; the schedule config's errors. Every "now" is
 * passed in: no test waits for a clock.
 */
import { expect, test } from '@playwright/test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { durationText, localTimeText, nextRun, nextRuns, type ScheduleRules } from '../../app/schedule.js';
import { parseHolidays } from '../../config/holidays.js';
import { validateConfig } from '../../config/load.js';
import { loadSchedule } from '../../config/schedule-config.js';
import { PortalLoginError } from '../../core/errors.js';

const rules = (cron: string, timeZone: string, holidays: string[] = []): ScheduleRules => ({ cron, timeZone, holidays: new Set(holidays) });
const iso = (runs: Array<{ at: Date }>) => runs.map((r) => r.at.toISOString());

test('weekdays at 08:30 in Asia/Kolkata: Friday after the run goes to Monday; 08:30 IST is 03:00 UTC', () => {
  const kolkata = rules('30 8 * * 1-5', 'Asia/Kolkata');
  // Friday 2026-12-04, 08:00 IST: today's run is still ahead.
  expect(nextRun(kolkata, new Date('2026-12-04T02:30:00Z'))?.at.toISOString()).toBe('2026-12-04T03:00:00.000Z');
  // Friday 09:00 IST: the weekend has no run.
  expect(iso(nextRuns(kolkata, new Date('2026-12-04T03:30:00Z'), 3))).toEqual(['2026-12-07T03:00:00.000Z', '2026-12-08T03:00:00.000Z', '2026-12-09T03:00:00.000Z']);
  // Exactly at a run: the next one, never the same one again.
  expect(nextRun(kolkata, new Date('2026-12-04T03:00:00Z'))?.at.toISOString()).toBe('2026-12-07T03:00:00.000Z');
});

test('a holiday is skipped, and the runs say which dates were passed over', () => {
  const kolkata = rules('30 8 * * 1-5', 'Asia/Kolkata', ['2026-12-24', '2026-12-25', '2026-12-28']);
  const runs = nextRuns(kolkata, new Date('2026-12-23T04:00:00Z'), 2);
  expect(runs).toEqual([
    { at: new Date('2026-12-29T03:00:00Z'), skipped: ['2026-12-24', '2026-12-25', '2026-12-28'] },
    { at: new Date('2026-12-30T03:00:00Z'), skipped: [] },
  ]);
});

test('a holiday is a date in the schedule\'s zone, not in UTC', () => {
  // 01:00 IST on 8 December is 19:30 UTC on 7 December.
  const early = (holidays: string[]) => nextRun(rules('0 1 * * *', 'Asia/Kolkata', holidays), new Date('2026-12-07T12:00:00Z'));
  expect(early([])?.at.toISOString()).toBe('2026-12-07T19:30:00.000Z');
  expect(early(['2026-12-07'])?.at.toISOString()).toBe('2026-12-07T19:30:00.000Z'); // the UTC date is no holiday here
  expect(early(['2026-12-08'])).toEqual({ at: new Date('2026-12-08T19:30:00Z'), skipped: ['2026-12-08'] });
});

test('a per-second schedule skips a whole holiday at once, from its local midnight', () => {
  const everySecond = rules('* * * * * *', 'Asia/Kolkata', ['2026-12-08']);
  // 23:59:58 IST on the 7th: two more runs that day, then none until 00:00:00 on the 9th.
  expect(iso(nextRuns(everySecond, new Date('2026-12-07T18:29:58Z'), 2))).toEqual(['2026-12-07T18:29:59.000Z', '2026-12-08T18:30:00.000Z']);
});

test('America/New_York across the March change: 08:30 stays 08:30 local (13:30 → 12:30 UTC); a time in the gap runs at 03:00', () => {
  const ny = rules('30 8 * * 1-5', 'America/New_York');
  // Clocks go forward on Sunday 2026-03-08.
  expect(iso(nextRuns(ny, new Date('2026-03-06T12:00:00Z'), 2))).toEqual(['2026-03-06T13:30:00.000Z', '2026-03-09T12:30:00.000Z']);
  expect(localTimeText(new Date('2026-03-09T12:30:00Z'), 'America/New_York')).toBe('2026-03-09 08:30 America/New_York');
  // 02:30 does not exist on 8 March: it runs once, at 03:00 EDT.
  expect(iso(nextRuns(rules('30 2 * * *', 'America/New_York'), new Date('2026-03-07T12:00:00Z'), 2))).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
});

test('America/New_York across the November change: 08:30 local again (12:30 → 13:30 UTC); a time that happens twice runs once', () => {
  const ny = rules('30 8 * * 1-5', 'America/New_York');
  // Clocks go back on Sunday 2026-11-01.
  expect(iso(nextRuns(ny, new Date('2026-10-30T12:00:00Z'), 2))).toEqual(['2026-10-30T12:30:00.000Z', '2026-11-02T13:30:00.000Z']);
  expect(iso(nextRuns(rules('30 1 * * *', 'America/New_York'), new Date('2026-10-31T12:00:00Z'), 2))).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  // A holiday on the Monday after the change is that local date.
  expect(nextRun(rules('30 8 * * 1-5', 'America/New_York', ['2026-11-02']), new Date('2026-10-31T12:00:00Z'))).toEqual({ at: new Date('2026-11-03T13:30:00Z'), skipped: ['2026-11-02'] });
});

test('log texts: local time with the zone, seconds when the expression has them, a short "in"', () => {
  expect(localTimeText(new Date('2026-12-03T03:00:00Z'), 'Asia/Kolkata')).toBe('2026-12-03 08:30 Asia/Kolkata');
  expect(localTimeText(new Date('2026-12-03T03:00:05Z'), 'Asia/Kolkata', { seconds: true, weekday: true })).toBe('Thu 2026-12-03 08:30:05 Asia/Kolkata');
  expect(durationText((14 * 60 + 2) * 60_000)).toBe('14 h 2 min');
  expect(durationText(14 * 3_600_000)).toBe('14 h');
  expect(durationText((3 * 24 + 4) * 3_600_000 + 59_000)).toBe('3 d 4 h');
  expect(durationText(310_000)).toBe('5 min 10 s');
  expect(durationText(44_200)).toBe('45 s');
  expect(durationText(0)).toBe('0 s');
});

test('holiday file: comments, blank lines, trailing comments, CRLF and a BOM are fine', () => {
  const text = '\uFEFF# NSE trading holidays 2026\r\n\r\n2026-01-26  # Republic Day\r\n   2026-03-03\r\n# 2026-04-01 (not a holiday after all)\r\n2026-01-26\r\n';
  expect([...parseHolidays(text, '/x/holidays.txt', 'c.yaml: schedule.holidays').dates]).toEqual(['2026-01-26', '2026-03-03']);
});

test('holiday file: every bad line at once with its number; a line that is not a date is not quoted (the path may be a .env)', () => {
  const text = ['2026-01-26', 'API_PASSWORD=hunter2-secret', '', '2026-02-30', '26-01-2026', '2026-1-5 # no padding'].join('\n');
  let error: unknown;
  try {
    parseHolidays(text, '/srv/pl/holidays.txt', '/srv/pl/portal-login.yaml: schedule.holidays');
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(PortalLoginError);
  const { code, message, hint } = error as PortalLoginError;
  expect(code).toBe('CONFIG_INVALID');
  expect(message).toBe(
    [
      'Invalid holiday file /srv/pl/holidays.txt (/srv/pl/portal-login.yaml: schedule.holidays):',
      '  - line 2: not a date as YYYY-MM-DD',
      '  - line 4: 2026-02-30 is not a calendar date',
      '  - line 5: not a date as YYYY-MM-DD',
      '  - line 6: not a date as YYYY-MM-DD',
    ].join('\n'),
  );
  expect(hint).toContain('YYYY-MM-DD');
  expect(message + hint).not.toContain('hunter2');
  const many = Array.from({ length: 14 }, () => 'x').join('\n');
  expect(() => parseHolidays(many, 'h.txt', 'k')).toThrow(/line 10: not a date as YYYY-MM-DD\n {2}- and 4 more$/);
});

const withSchedule = (schedule: unknown) => ({
  portals: { acme: { loginUrl: 'https://acme.example/login', success: { url: '/home' } } },
  accounts: { main: { portal: 'acme', username: 'u', passwordEnv: 'P', totpSecretEnv: 'T' }, alt: { portal: 'acme', username: 'v', passwordEnv: 'P2', totpSecretEnv: 'T2' } },
  schedule,
});

function problems(raw: unknown): string {
  try {
    validateConfig(raw, 'test.yaml');
  } catch (error) {
    expect((error as PortalLoginError).code).toBe('CONFIG_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected the config to be invalid');
}

test('schedule config: defaults filled; a bad cron, a never-matching cron, a bad zone and an unknown key are CONFIG_INVALID naming the key', () => {
  expect(validateConfig(withSchedule({ cron: '30 8 * * 1-5', timeZone: 'Asia/Kolkata' }), 't.yaml').schedule).toEqual({ cron: '30 8 * * 1-5', timeZone: 'Asia/Kolkata', retryDelaySeconds: 300 });
  expect(validateConfig(withSchedule({ cron: '*/5 * * * * *', timeZone: 'UTC', retryDelaySeconds: 1, accounts: ['alt'] }), 't.yaml').schedule?.accounts).toEqual(['alt']);
  expect(problems(withSchedule({ cron: '61 8 * * *', timeZone: 'Asia/Kolkatta', retryDelaySeconds: -1, minValid: '1h' }))).toBe(
    [
      'Invalid config in test.yaml:',
      '  - schedule.cron: is not a cron expression (Invalid value for minute: 61); use "minute hour day month weekday", e.g. "30 8 * * 1-5", or six fields with seconds first',
      '  - schedule.timeZone: "Asia/Kolkatta" is not an IANA time zone this runtime knows; use a name like Asia/Kolkata, America/New_York or UTC',
      '  - schedule.retryDelaySeconds: Too small: expected number to be >=0',
      '  - schedule: Unrecognized key: "minValid" (minValid)',
    ].join('\n'),
  );
  expect(problems(withSchedule({ cron: '0 0 30 2 *', timeZone: 'UTC' }))).toContain('schedule.cron: never matches a date (e.g. 30 February)');
  expect(problems(withSchedule({ cron: 'every morning', timeZone: 'UTC' }))).toContain('schedule.cron: is not a cron expression (invalid configuration format');
  expect(problems(withSchedule({ timeZone: 'UTC' }))).toContain('schedule.cron:');
  expect(problems(withSchedule({ cron: '30 8 * * *' }))).toContain('schedule.timeZone:');
});

test('loadSchedule: the holiday file is read relative to the config file; unknown accounts and a missing file name the key', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'portal-login-schedule-'));
  try {
    const source = join(dir, 'portal-login.yaml');
    await writeFile(join(dir, 'holidays.txt'), '2026-12-25\n');
    const loaded = await loadSchedule(validateConfig(withSchedule({ cron: '30 8 * * 1-5', timeZone: 'Asia/Kolkata', holidays: 'holidays.txt' }), source), source);
    expect(loaded).toEqual({ schedule: expect.objectContaining({ holidays: 'holidays.txt' }), accounts: ['main', 'alt'], holidays: { file: join(dir, 'holidays.txt'), dates: new Set(['2026-12-25']) } });

    const missing = validateConfig(withSchedule({ cron: '30 8 * * *', timeZone: 'UTC', holidays: 'nope.txt' }), source);
    await expect(loadSchedule(missing, source)).rejects.toThrow(`Cannot read the holiday file ${join(dir, 'nope.txt')} (${source}: schedule.holidays): ENOENT.`);
    const unknown = validateConfig(withSchedule({ cron: '30 8 * * *', timeZone: 'UTC', accounts: ['main', 'mian'] }), source);
    await expect(loadSchedule(unknown, source)).rejects.toThrow(`Invalid config in ${source}:\n  - schedule.accounts.1: unknown account "mian"`);
    const none = validateConfig(withSchedule(undefined), source);
    await expect(loadSchedule(none, source)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: `${source} has no schedule: key.` });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
