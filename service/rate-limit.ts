/** Per-token request budget: a token bucket (refills `perSecond`, holds at most `burst`). */
export interface RateLimiter {
  /** Takes one request from `key`'s bucket: ok, or how many seconds until one is free. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number };
}

export interface RateLimit {
  perSecond: number;
  burst: number;
}

export const DEFAULT_RATE_LIMIT: Readonly<RateLimit> = { perSecond: 50, burst: 100 };

export function tokenBucket(limit: RateLimit, now: () => number): RateLimiter {
  // One bucket per token id: bounded by the number of tokens in the vault.
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const at = now();
      const bucket = buckets.get(key) ?? { tokens: limit.burst, at };
      bucket.tokens = Math.min(limit.burst, bucket.tokens + ((at - bucket.at) / 1000) * limit.perSecond);
      bucket.at = at;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond)) };
    },
  };
}
