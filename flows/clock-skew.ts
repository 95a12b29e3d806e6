import { PortalLoginError } from '../core/errors.js';

/** Below this the HTTP Date header's one-second resolution is noise (ms). */
export const SKEW_THRESHOLD_MS = 2000;

/**
 * A larger offset is a broken clock, ours or the portal's, not something to
 * adapt to: a Date header a day (or 50 years) ahead would make codes for
 * far-future windows and record them as used (ms).
 */
export const MAX_BELIEVED_SKEW_MS = 5 * 60_000;

/**
 * Offset of the portal's clock from ours (ms, positive = portal ahead), from
 * the `Date` header of a response sent between `sentAtMs` and `receivedAtMs`.
 * Returns 0 when the header is missing or the offset is within noise.
 */
export function measureSkew(dateHeader: string | undefined, sentAtMs: number, receivedAtMs: number): number {
  if (!dateHeader) return 0;
  const portalMs = Date.parse(dateHeader);
  if (Number.isNaN(portalMs)) return 0;
  // The header is truncated to the second: its midpoint is 500 ms later on average.
  const offset = portalMs + 500 - (sentAtMs + receivedAtMs) / 2;
  return Math.abs(offset) < SKEW_THRESHOLD_MS ? 0 : Math.round(offset);
}

/** The CLOCK_SKEW error for an offset beyond MAX_BELIEVED_SKEW_MS, else undefined; thrown before any code is sent. */
export function unbelievableSkew(skewMs: number): PortalLoginError | undefined {
  if (Math.abs(skewMs) <= MAX_BELIEVED_SKEW_MS) return undefined;
  return new PortalLoginError('CLOCK_SKEW', `The portal's clock is ${Math.round(skewMs / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} this machine's, more than the ${MAX_BELIEVED_SKEW_MS / 60_000} minutes portal-login believes.`, {
    hint: "No code was sent. Check this machine's clock (NTP); if it is right, the portal's Date header is wrong: report it to the portal.",
  });
}
