import { createHash } from 'node:crypto';
import { PortalLoginError } from '../core/errors.js';

/**
 * `--shard i/n`: which accounts this run takes when n machines (cron jobs,
 * a Kubernetes Indexed Job, a CI matrix) split one config. Rendezvous
 * (highest-random-weight) hashing of the account name: each account goes
 * to the shard whose hash of (shard, account) is highest. An account's
 * shard depends on its own name and n only, so adding or removing an
 * account moves no other; going from n to n+1 shards moves only the ~1/(n+1)
 * that the new shard wins, and nothing between the old ones.
 */
export interface Shard {
  /** 1-based: shard 1 of 2 is `1/2`. */
  index: number;
  count: number;
}

/** The largest n accepted: a typo like 1/20000 is a mistake, not a plan. */
export const MAX_SHARDS = 1000;

/** Parses `i/n` (1 ≤ i ≤ n); anything else is USAGE, saying the format. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || index < 1 || count < 1 || index > count || count > MAX_SHARDS) {
    throw new PortalLoginError('USAGE', `--shard must be i/n with 1 ≤ i ≤ n ≤ ${MAX_SHARDS}, e.g. --shard 1/3 (got ${text}).`, {
      hint: 'Run the same command on n machines with --shard 1/n, 2/n … n/n; together they cover every account exactly once.',
    });
  }
  return { index, count };
}

/** The 1-based shard `account` belongs to among `count`. */
export function shardOf(account: string, count: number): number {
  let best = 1;
  let bestWeight = -1n;
  for (let shard = 1; shard <= count; shard++) {
    const weight = createHash('sha256').update(`${shard}\0${account}`).digest().readBigUInt64BE(0);
    if (weight > bestWeight) [best, bestWeight] = [shard, weight];
  }
  return best;
}

/** What a run whose shard holds none of the accounts says (on stderr): nothing to do is success. */
export function emptyShardNote(shard: Shard): string {
  return `Shard ${shard.index}/${shard.count} holds none of the accounts named; nothing to do.`;
}

/** The names in `shard`, in their order; all of them without a shard. */
export function inShard(names: readonly string[], shard: Shard | undefined): string[] {
  return shard ? names.filter((name) => shardOf(name, shard.count) === shard.index) : [...names];
}
