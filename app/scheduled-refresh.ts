/**
 * One scheduled tick: a refresh of the scheduled accounts, one retry of the
 * accounts whose failure a retry can fix, and only then the alerts. The
 * first failure sends nothing: a portal's passing hiccup at 08:30 must not
 * wake anyone when 08:35 works.
 */
import type { Clock } from '../core/clock.js';
import { PortalLoginError, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { durationText } from './schedule.js';

/**
 * What the scheduler does with a failed account:
 * - `retry`: once, after the retry delay, then alert if it fails again;
 * - `alert`: alert at once (a retry minutes later would fail the same way), try again at the next scheduled run;
 * - `hold`: alert at once and do not try the account again until the scheduler restarts: one more wrong password
 *   a day is how an account gets locked.
 * One line per code, so the compiler names any new code that has no answer yet.
 */
export const FAILURE_POLICY = {
  INTERNAL: 'retry',
  USAGE: 'alert',
  CONFIG_INVALID: 'alert',
  UNKNOWN_ACCOUNT: 'alert',
  MISSING_SECRET: 'alert',
  SECRET_INVALID: 'alert',
  BAD_CREDENTIALS: 'hold',
  // The login already tried a second code from a new window; more wrong codes are a lock in the making.
  CODE_REJECTED: 'alert',
  ACCOUNT_LOCKED: 'hold',
  CAPTCHA: 'alert',
  UNEXPECTED_PAGE: 'retry',
  SELECTOR_NOT_FOUND: 'alert',
  TIMEOUT: 'retry',
  BROWSER_NOT_FOUND: 'alert',
  STATE_WRITE_FAILED: 'retry',
  BROWSER_CLOSED: 'retry',
  RATE_LIMITED: 'retry',
  CLOCK_SKEW: 'alert',
  LOCK_HELD: 'retry',
  NO_SESSION: 'alert',
  VAULT_LOCKED: 'alert',
  VAULT_CORRUPT: 'alert',
  // No email yet, a slow password manager: worth one more try after the delay.
  CODE_TIMEOUT: 'retry',
  CODE_SOURCE_FAILED: 'alert',
  APP_KEY_REJECTED: 'alert',
  INTERIM_TOKEN_REJECTED: 'alert',
  // The portal's own failure (5xx): it may be back in five minutes.
  PORTAL_ERROR: 'retry',
  // Redis back in five minutes is the usual case.
  STORE_UNAVAILABLE: 'retry',
  // The same egress gets the same answer five minutes later: someone must register the IP or fix the proxy.
  IP_NOT_ALLOWED: 'alert',
} as const satisfies Record<ErrorCode, 'retry' | 'alert' | 'hold'>;

export interface AccountFailure {
  account: string;
  error: PortalLoginError;
}

export interface ScheduledRefreshOptions {
  /** The accounts every tick refreshes. */
  accounts: readonly string[];
  /** One refresh pass (what `portal-login refresh` does) over `accounts`; resolves with the accounts that ended failed. */
  refresh: (accounts: readonly string[]) => Promise<AccountFailure[]>;
  /** Tells the failure's webhooks; never throws (app/alerts.ts). */
  alert: (failure: AccountFailure) => Promise<void>;
  /** Wait before the one retry (ms). */
  retryDelayMs: number;
  clock: Clock;
  log: Logger;
}

/** The tick function for runScheduler. Held accounts are remembered by the returned function, for this scheduler's lifetime. */
export function scheduledRefresh(options: ScheduledRefreshOptions): (due: Date) => Promise<void> {
  const { log } = options;
  const held = new Map<string, ErrorCode>();
  return async () => {
    for (const [account, code] of held) log.warn(`${account}: not refreshed: its login failed with ${code}; fix that, then restart portal-login schedule.`);
    const accounts = options.accounts.filter((account) => !held.has(account));
    if (accounts.length === 0) return;
    const failures = await pass(options, accounts);
    const retried = failures.filter((f) => FAILURE_POLICY[f.error.code] === 'retry');
    await settle(failures.filter((f) => !retried.includes(f)), held, options);
    if (retried.length === 0) return;
    const names = retried.map((f) => `${f.account} (${f.error.code})`).join(', ');
    log.info(`Retrying ${names} in ${durationText(options.retryDelayMs)}; alerting only if the retry fails too.`);
    await options.clock.sleep(options.retryDelayMs);
    await settle(await pass(options, retried.map((f) => f.account)), held, options);
  };
}

/** Alerts each failure (all at once) and holds the accounts whose code says so. */
async function settle(failures: readonly AccountFailure[], held: Map<string, ErrorCode>, options: ScheduledRefreshOptions): Promise<void> {
  for (const { account, error } of failures) {
    const policy = FAILURE_POLICY[error.code];
    if (policy === 'hold') {
      held.set(account, error.code);
      options.log.warn(`${account}: ${error.code} is not retried, and ${account} is not tried again until portal-login schedule restarts: another attempt could lock the account.`);
    }
  }
  await Promise.all(failures.map((failure) => options.alert(failure)));
}

/**
 * One refresh pass whose failures are all per account: what fails the whole
 * pass (a missing secret, no browser, a bug) fails each of its accounts, so
 * it is retried and alerted like any other failure instead of ending the scheduler.
 */
async function pass(options: ScheduledRefreshOptions, accounts: readonly string[]): Promise<AccountFailure[]> {
  try {
    return await options.refresh(accounts);
  } catch (thrown) {
    const error = thrown instanceof PortalLoginError ? thrown : internalError(thrown);
    options.log.warn(`The refresh of ${accounts.join(', ')} failed: ${error.code}: ${error.message}`);
    return accounts.map((account) => ({ account, error }));
  }
}

function internalError(thrown: unknown): PortalLoginError {
  const what = thrown instanceof Error ? `${thrown.name}: ${thrown.message.split('\n')[0] ?? ''}` : String(thrown);
  return new PortalLoginError('INTERNAL', `Internal error: ${what}. This is a bug in portal-login.`, {
    hint: 'Please report it with the output of portal-login schedule --verbose (secrets are redacted). The scheduler keeps running.',
    cause: thrown,
  });
}
