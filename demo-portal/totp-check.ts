/**
 * Server-side TOTP verification, the way real portals do it: a ±1 step window
 * for clock drift, and refusal of any step at or before the last one accepted
 * so a code can never be replayed.
 */
import { Secret, TOTP } from 'otpauth';

/** RFC 6238 defaults used by every broker we target. */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** Steps accepted either side of the server's current step. */
const WINDOW = 1;

export type CodeCheck =
  | { result: 'ok'; step: number }
  | { result: 'invalid' }
  | { result: 'replayed' };

/** The TOTP time step (30 s counter) that contains `timestampMs`. */
export function stepAt(timestampMs: number): number {
  return Math.floor(timestampMs / 1000 / PERIOD_SECONDS);
}

/**
 * Checks `code` against the secret at the server's clock `nowMs`.
 * `lastAcceptedStep` is the newest step this user already logged in with
 * (-Infinity if none); matches at or before it are reported as replays.
 */
export function checkTotp(
  totpSecret: string,
  code: string,
  nowMs: number,
  lastAcceptedStep: number,
): CodeCheck {
  if (!/^\d{6}$/.test(code)) return { result: 'invalid' };
  const secret = Secret.fromBase32(totpSecret);
  const current = stepAt(nowMs);
  const matches: number[] = [];
  for (let step = current - WINDOW; step <= current + WINDOW; step++) {
    const expected = TOTP.generate({
      secret,
      digits: DIGITS,
      period: PERIOD_SECONDS,
      timestamp: step * PERIOD_SECONDS * 1000,
    });
    if (expected === code) matches.push(step);
  }
  if (matches.length === 0) return { result: 'invalid' };
  // Take the newest match: a code that collides with an old step must not
  // be refused as a replay if it is also valid for a fresh one.
  const step = Math.max(...matches);
  return step > lastAcceptedStep ? { result: 'ok', step } : { result: 'replayed' };
}

/** Steps before the accepted window in which a code counts as "expired" rather than wrong (10 minutes). */
const EXPIRED_LOOKBACK_STEPS = 20;

/**
 * Whether `code` was valid in a recent window that has closed (older than
 * the ±1 step drift allowance): the demo API answers OTP_EXPIRED for it
 * rather than INVALID_OTP, as portals that say which it was do.
 */
export function isExpiredCode(totpSecret: string, code: string, nowMs: number): boolean {
  if (!/^\d{6}$/.test(code) || totpSecret === '') return false;
  const secret = Secret.fromBase32(totpSecret);
  const current = stepAt(nowMs);
  for (let step = current - WINDOW - EXPIRED_LOOKBACK_STEPS; step < current - WINDOW; step++) {
    if (TOTP.generate({ secret, digits: DIGITS, period: PERIOD_SECONDS, timestamp: step * PERIOD_SECONDS * 1000 }) === code) return true;
  }
  return false;
}
