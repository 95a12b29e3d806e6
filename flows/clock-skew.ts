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
