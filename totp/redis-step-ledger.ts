import type { RedisConnection } from '../session/redis-connection.js';
import { secretKey, type StepLedger } from './step-ledger.js';

/**
 * The used-window ledger in the shared Redis, so two machines never submit
 * the same code. A window is claimed with one atomic `SET NX` of
 * `<prefix>totp:<hash of the secret>:<step>` (never the secret), kept a few
 * periods past the window's end. `<prefix>totp:<hash>:last` keeps the highest
 * window claimed, the "last used step" chooseStep (totp/freshness.ts) expects,
 * so a run normally claims on the first try.
 */

/** Periods a claim outlives its window: covers clocks of machines that disagree by a minute. */
const KEEP_PERIODS = 3;
/** More windows taken in a row than this means something else is claiming them: a bug, not a busy desk. */
const MAX_TRIES = 20;

/** 1 when claimed (and `last` raised to it if lower), else 0. */
const CLAIM = `if not redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[3]) then return 0 end
local last = tonumber(redis.call('GET', KEYS[2]) or '-1')
if tonumber(ARGV[1]) > last then redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[4]) end
return 1`;

export function redisStepLedger(connection: RedisConnection, keyPrefix: string, now: () => number = Date.now): StepLedger {
  return {
    // The connection is already up (openStores connected it): nothing more to prove before a login.
    prepare: async () => undefined,
    async claim(spec, choose) {
      const base = `${keyPrefix}totp:${secretKey(spec)}`;
      const stored = await connection.call('reading the used-code ledger', (c) => c.get(`${base}:last`));
      let lastUsed = stored === null ? undefined : Number(stored);
      for (let tries = 0; tries < MAX_TRIES; tries++) {
        const chosen = choose(lastUsed);
        const keepMs = Math.max(0, (chosen.step + 1) * spec.period * 1000 - now()) + KEEP_PERIODS * spec.period * 1000;
        const claimed = await connection.call('claiming a TOTP window in the used-code ledger', (c) =>
          c.eval(CLAIM, 2, `${base}:${chosen.step}`, `${base}:last`, String(chosen.step), new Date(now()).toISOString(), String(keepMs), String(keepMs + 86_400_000)),
        );
        if (Number(claimed) === 1) return chosen;
        // Another machine took this window a moment ago: choose again as if it were the last used one.
        lastUsed = Math.max(lastUsed ?? chosen.step, chosen.step);
      }
      throw new Error(`The used-code ledger refused ${MAX_TRIES} windows in a row for one secret. This is a bug in portal-login.`);
    },
  };
}
