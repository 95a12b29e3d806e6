/**
 * Every failure the user can act on is a PortalLoginError with a stable code.
 * The CLI maps codes to exit statuses in one place (EXIT_STATUS); anything
 * that is not a PortalLoginError is a bug and exits 1 (INTERNAL).
 */
export type ErrorCode =
  | 'INTERNAL'
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'UNKNOWN_ACCOUNT'
  | 'MISSING_SECRET'
  | 'SECRET_INVALID'
  | 'BAD_CREDENTIALS'
  | 'CODE_REJECTED'
  | 'ACCOUNT_LOCKED'
  | 'CAPTCHA'
  | 'UNEXPECTED_PAGE'
  | 'SELECTOR_NOT_FOUND'
  | 'TIMEOUT'
  | 'BROWSER_NOT_FOUND'
  | 'STATE_WRITE_FAILED'
  | 'BROWSER_CLOSED'
  | 'RATE_LIMITED'
  | 'CLOCK_SKEW'
  | 'LOCK_HELD'
  | 'NO_SESSION'
  | 'VAULT_LOCKED'
  | 'VAULT_CORRUPT'
  | 'CODE_TIMEOUT'
  | 'CODE_SOURCE_FAILED'
  | 'APP_KEY_REJECTED'
  | 'INTERIM_TOKEN_REJECTED'
  | 'PORTAL_ERROR'
  | 'STORE_UNAVAILABLE'
  | 'IP_NOT_ALLOWED';

/** Exit status per error code; documented in the README ("Exit codes"). */
export const EXIT_STATUS: Readonly<Record<ErrorCode, number>> = {
  // A bug: the same status whether it ends the whole run (cli/report.ts) or one account (app/login.ts).
  INTERNAL: 1,
  USAGE: 2,
  CONFIG_INVALID: 2,
  UNKNOWN_ACCOUNT: 2,
  MISSING_SECRET: 3,
  SECRET_INVALID: 3,
  BAD_CREDENTIALS: 4,
  CODE_REJECTED: 5,
  ACCOUNT_LOCKED: 6,
  CAPTCHA: 7,
  UNEXPECTED_PAGE: 8,
  SELECTOR_NOT_FOUND: 8,
  TIMEOUT: 9,
  BROWSER_NOT_FOUND: 10,
  STATE_WRITE_FAILED: 11,
  BROWSER_CLOSED: 12,
  // Its own status so a scheduler can tell "wait and run again" from failures a person must fix.
  RATE_LIMITED: 13,
  CLOCK_SKEW: 14,
  // Another run holds the account (or the used-code ledger): a scheduler may simply run again later.
  LOCK_HELD: 15,
  // A command that uses a saved session (export) found none: log in first. Not 8: nothing was wrong with a portal page.
  NO_SESSION: 16,
  // A wrong key is for a person to fix; a damaged file for someone to restore from a backup.
  VAULT_LOCKED: 17,
  VAULT_CORRUPT: 18,
  // No code came in time (no email, a command or a person too slow): often worth one more run, unlike a rejected code.
  CODE_TIMEOUT: 19,
  // The code source itself failed (mailbox unreachable, command exited non-zero, no terminal to prompt on): fix the source's config.
  CODE_SOURCE_FAILED: 20,
  // HTTP API logins (flows/http-api.ts).
  // A wrong app key is the API registration's fault, not the account's: someone fixes appKeyEnv, not the password.
  APP_KEY_REJECTED: 21,
  // The first step's token was refused by the second: a config mistake (where it is read or sent) or a portal that expires it fast.
  INTERIM_TOKEN_REJECTED: 22,
  // The portal failed on its side (5xx) or answered something unreadable: worth a later run, nothing to fix in the account.
  PORTAL_ERROR: 23,
  // The shared store (Redis) is unreachable or went away: nothing is wrong with the portal or the account; run again once it is back.
  STORE_UNAVAILABLE: 24,
  // The portal refused the address the login came from (an unregistered IP, a proxy not configured): fix the egress, not the password.
  IP_NOT_ALLOWED: 25,
};

export const EXIT_INTERNAL_ERROR = EXIT_STATUS.INTERNAL;

/** Files written while failing, so the user can see what the browser saw. */
export interface FailureArtifacts {
  screenshot?: string;
  trace?: string;
}

export interface ErrorDetails {
  /** What the user should do next; printed on its own line. */
  hint?: string;
  artifacts?: FailureArtifacts;
  cause?: unknown;
}

export class PortalLoginError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  artifacts: FailureArtifacts;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PortalLoginError';
    this.code = code;
    this.hint = details.hint;
    this.artifacts = details.artifacts ?? {};
  }

  get exitStatus(): number {
    return EXIT_STATUS[this.code];
  }
}
