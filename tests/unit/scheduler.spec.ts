/**
 * The scheduler on a virtual clock: a tick that comes while the previous
 * work is still going is skipped and logged, never run alongside it; a
 * failed account is retried once after the delay and alerted only when the
 * retry fails; failures a retry cannot fix are alerted at once, and a wrong
 * password or a locked account is not tried again.
 */
import { expect, test } from '@playwright/test';
import type { Logger } from '../../core/log.js';
import { PortalLoginError, type ErrorCode } from '../../core/errors.js';
import { scheduledRefresh, type AccountFailure } from '../../app/scheduled-refresh.js';
import { runScheduler } from '../../app/scheduler.js';
import { virtualClock } from '../support/virtual-clock.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => void lines.push(m), warn: (m) => void lines.push(`warning: ${m}`), debug: () => undefined };
}

test('a run slower than the tick: the ticks that come while it runs are skipped with a log line, and runs never overlap', async () => {
  const { clock, advance } = virtualClock(T0);
  const log = recordingLog();
  const started: string[] = [];
  let running = 0;
  let most = 0;
  const stop = new AbortController();
  const loop = runScheduler({
    rules: { cron: '* * * * * *', timeZone: 'UTC', holidays: new Set() },
    clock,
    log,
    signal: stop.signal,
    run: async (due) => {
      started.push(due.toISOString().slice(11, 19));
      most = Math.max(most, ++running);
      await clock.sleep(2_500);
      running--;
    },
  });
  await advance(5_000);
  stop.abort();
  await advance(2_000);
  await loop;
  expect(started).toEqual(['09:00:01', '09:00:04']);
  expect(most).toBe(1);
  const skipped = log.lines.filter((l) => l.startsWith('skipped'));
  expect(skipped).toEqual([
    'skipped the refresh due at 2026-01-05 09:00:02 UTC: the one due at 2026-01-05 09:00:01 UTC is still running',
    'skipped the refresh due at 2026-01-05 09:00:03 UTC: the one due at 2026-01-05 09:00:01 UTC is still running',
    'skipped the refresh due at 2026-01-05 09:00:05 UTC: the one due at 2026-01-05 09:00:04 UTC is still running',
  ]);
  expect(log.lines[0]).toBe('next refresh at 2026-01-05 09:00:01 UTC (in 1 s)');
});

test('the log names the next run in the schedule\'s zone, and the holidays passed over to reach it', async () => {
  const { clock, advance } = virtualClock(Date.parse('2026-12-24T04:00:00Z')); // Thursday 09:30 IST, after that day's run
  const log = recordingLog();
  const stop = new AbortController();
  const loop = runScheduler({ rules: { cron: '30 8 * * 1-5', timeZone: 'Asia/Kolkata', holidays: new Set(['2026-12-25']) }, clock, log, signal: stop.signal, run: async () => undefined });
  await advance(0);
  stop.abort();
  await loop;
  expect(log.lines).toEqual(['skipping holiday 2026-12-25', 'next refresh at 2026-12-28 08:30 Asia/Kolkata (in 3 d 23 h)']);
});

const fail = (account: string, code: ErrorCode): AccountFailure => ({ account, error: new PortalLoginError(code, `${code} for ${account}`) });

/** A scheduledRefresh whose refresh passes answer from `answers` (one list of failures per pass), recording passes and alerts. */
function harness(answers: Array<AccountFailure[] | Error>, accounts = ['main', 'alt']) {
  const { clock, advance } = virtualClock(T0);
  const log = recordingLog();
  const events: string[] = [];
  const tick = scheduledRefresh({
    accounts,
    retryDelayMs: 300_000,
    clock,
    log,
    refresh: async (names) => {
      events.push(`refresh ${names.join(',')} at +${(clock.now() - T0) / 1000}s`);
      const answer = answers.shift() ?? [];
      if (answer instanceof Error) throw answer;
      return answer;
    },
    alert: async ({ account, error }) => void events.push(`alert ${account} ${error.code} at +${(clock.now() - T0) / 1000}s`),
  });
  return { tick, advance, log, events };
}

test('a retryable failure is retried once after the delay; only the retry\'s failure alerts', async () => {
  const { tick, advance, log, events } = harness([[fail('main', 'TIMEOUT')], [fail('main', 'UNEXPECTED_PAGE')]]);
  const done = tick(new Date(T0));
  await advance(299_999);
  expect(events).toEqual(['refresh main,alt at +0s']); // no alert yet, no retry yet
  expect(log.lines).toEqual(['Retrying main (TIMEOUT) in 5 min; alerting only if the retry fails too.']);
  await advance(1);
  await done;
  expect(events).toEqual(['refresh main,alt at +0s', 'refresh main at +300s', 'alert main UNEXPECTED_PAGE at +300s']);
});

test('a retry that works alerts nobody', async () => {
  const { tick, advance, events } = harness([[fail('alt', 'RATE_LIMITED')], []]);
  const done = tick(new Date(T0));
  await advance(300_000);
  await done;
  expect(events).toEqual(['refresh main,alt at +0s', 'refresh alt at +300s']);
});

test('a failure a retry cannot fix alerts at once; a wrong password is not tried again by this scheduler, a captcha is', async () => {
  const { tick, advance, log, events } = harness([[fail('main', 'BAD_CREDENTIALS'), fail('alt', 'CAPTCHA')], []]);
  await tick(new Date(T0));
  expect(events).toEqual(['refresh main,alt at +0s', 'alert main BAD_CREDENTIALS at +0s', 'alert alt CAPTCHA at +0s']);
  expect(log.lines).toContain('warning: main: BAD_CREDENTIALS is not retried, and main is not tried again until portal-login schedule restarts: another attempt could lock the account.');
  await advance(86_400_000);
  await tick(new Date(T0 + 86_400_000));
  expect(events.slice(3)).toEqual(['refresh alt at +86400s']);
  expect(log.lines.at(-1)).toBe('warning: main: not refreshed: its login failed with BAD_CREDENTIALS; fix that, then restart portal-login schedule.');
});

test('a pass that fails as a whole fails each of its accounts: a missing secret alerts at once, a bug is retried like a timeout', async () => {
  const missing = harness([new PortalLoginError('MISSING_SECRET', 'Missing env var MAIN_PASSWORD')]);
  await missing.tick(new Date(T0));
  expect(missing.events).toEqual(['refresh main,alt at +0s', 'alert main MISSING_SECRET at +0s', 'alert alt MISSING_SECRET at +0s']);

  const bug = harness([new TypeError('x is undefined'), []], ['main']);
  const done = bug.tick(new Date(T0));
  await bug.advance(300_000);
  await done;
  expect(bug.events).toEqual(['refresh main at +0s', 'refresh main at +300s']);
  expect(bug.log.lines[0]).toBe('warning: The refresh of main failed: INTERNAL: Internal error: TypeError: x is undefined. This is a bug in portal-login.');
});
