/**
 * The two login checks every variant shares: password, then code. Each
 * returns an outcome; the variant decides how to show it (HTML or JSON).
 */
import { LOCKOUT_THRESHOLD, type PortalState } from './sessions.js';
import { checkTotp } from './totp-check.js';
import { findDemoUser } from './users.js';

export type AuthFailure = 'invalid-login' | 'invalid-code' | 'replayed-code' | 'locked';
export type AuthOutcome = 'ok' | AuthFailure;

/** User-facing text and HTTP status for each failure, identical across variants. */
export const FAILURES: Record<AuthFailure, { status: number; message: string }> = {
  'invalid-login': { status: 401, message: 'Invalid username or password.' },
  'invalid-code': { status: 401, message: 'Invalid verification code. Please try again.' },
  'replayed-code': {
    status: 401,
    message: 'This code has already been used. Wait for the next code.',
  },
  locked: {
    status: 423,
    message: 'Account locked: too many failed attempts. Contact support.',
  },
};

/**
 * Notes a password submission as soon as it arrives (before CSRF or lockout
 * checks), so loginAttempts counts everything a client sent.
 */
export function recordPasswordSubmission(state: PortalState, username: string): void {
  state.user(username).loginAttempts += 1;
}

/** Notes a received code as soon as its user is known, for replay-avoidance tests. */
export function recordCodeSubmission(state: PortalState, username: string, code: string): void {
  state.user(username).submittedCodes.push(code);
}

/** Password step; a locked account is refused before the password is even checked. */
export function checkPassword(state: PortalState, username: string, password: string): AuthOutcome {
  const record = state.user(username);
  if (record.failures >= LOCKOUT_THRESHOLD) return 'locked';
  const user = findDemoUser(username);
  if (!user || user.password !== password) {
    record.failures += 1;
    return 'invalid-login';
  }
  return 'ok';
}

/**
 * Code step, verified at `clockMs` (the variant's own clock, so the skewed
 * variant can run ahead). Success resets the failure counter, as real portals do.
 */
export function checkCode(
  state: PortalState,
  username: string,
  code: string,
  clockMs: number,
): AuthOutcome {
  const record = state.user(username);
  if (record.failures >= LOCKOUT_THRESHOLD) return 'locked';
  const user = findDemoUser(username);
  if (!user) return 'invalid-code'; // unreachable: pending logins only exist for real users
  const check = checkTotp(user.totpSecret, code, clockMs, record.lastAcceptedStep);
  if (check.result !== 'ok') {
    record.failures += 1;
    return check.result === 'replayed' ? 'replayed-code' : 'invalid-code';
  }
  record.lastAcceptedStep = check.step;
  record.failures = 0;
  return 'ok';
}
