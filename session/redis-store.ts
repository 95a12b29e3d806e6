import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PortalLoginError } from '../core/errors.js';
import type { RedisConnection } from './redis-connection.js';
import { parseLoginRecord, serializeLoginRecord } from './login-record.js';
import { fromStateFile, toStateFile } from './state-file.js';
import type { SessionStore } from './store.js';

/**
 * Sessions in a shared Redis, for many machines running portal-login:
 *
 * - `<prefix>session:<account>`: the session, one value (the state-file JSON
 *   of session/state-file.ts), so it is replaced by one SET: readers see the
 *   old session or the new one, never a mix.
 * - `<prefix>lock:<account>`: the account's lock, a random token with an
 *   expiry (so a killed holder's lock goes away by itself), renewed while held.
 * - `<prefix>fence:<account>`: a counter INCRed by every lock taken (the
 *   fencing token). A run whose lock expired (a stalled machine) and was then
 *   taken by another run finds the counter past its own token, and its save
 *   is refused inside Redis (one script, atomic): its session must not
 *   overwrite the newer one.
 * - `<prefix>last-login:<account>`: the latest login's outcome (no secret).
 */
export const LOCK_TTL_MS = 15_000;
const POLL_MS = 200;

export interface RedisStoreOptions {
  connection: RedisConnection;
  /** Before every key (store.redis.keyPrefix). */
  keyPrefix: string;
  /** The lock's expiry in ms (default 15 s); it is renewed every third of it while held. */
  lockTtlMs?: number;
}

/** Takes the lock, and only then a fencing token: a run that did not get the lock never moves the counter. */
const ACQUIRE = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return redis.call('INCR', KEYS[2]) end
return false`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
/** 0 when saved; else the newer fence that made it refuse. */
const FENCED_SAVE = `local newest = tonumber(redis.call('GET', KEYS[2]) or '0')
if newest > tonumber(ARGV[2]) then return newest end
redis.call('SET', KEYS[1], ARGV[1])
return 0`;

interface HeldLock {
  account: string;
  fence: number;
}

export function redisSessionStore(options: RedisStoreOptions): SessionStore {
  const { connection, keyPrefix } = options;
  const ttlMs = options.lockTtlMs ?? LOCK_TTL_MS;
  const key = (kind: 'session' | 'lock' | 'fence' | 'last-login', account: string) => `${keyPrefix}${kind}:${account}`;
  const pathOf = (account: string) => `redis://${connection.address}/${key('session', account)}`;
  // Which lock the code running now holds: save() inside lock(fn) finds its fence here, however deep the call.
  const held = new AsyncLocalStorage<HeldLock>();

  return {
    pathOf,

    async load(account) {
      const text = await connection.call(`loading the session of ${account}`, (c) => c.get(key('session', account)));
      if (text === null) return undefined;
      return fromStateFile(parseJson(text, pathOf(account)), pathOf(account));
    },

    async save(account, session) {
      const value = JSON.stringify(toStateFile(session));
      const mine = held.getStore();
      if (mine?.account !== account) {
        // Outside the account's lock there is no fence to check against (a library caller's own save).
        await connection.call(`saving the session of ${account}`, (c) => c.set(key('session', account), value));
        return;
      }
      const newer = await connection.call(`saving the session of ${account}`, (c) => c.eval(FENCED_SAVE, 2, key('session', account), key('fence', account), value, String(mine.fence)));
      if (Number(newer) !== 0) throw lockLostError(account, { newer: Number(newer), ours: mine.fence, ttlMs, where: `${key('lock', account)} at ${connection.address}` });
    },

    async recordLogin(account, record) {
      await connection.call(`recording the last login of ${account}`, (c) => c.set(key('last-login', account), serializeLoginRecord(record)));
    },

    async lastLogin(account) {
      return parseLoginRecord(await connection.call(`reading the last login of ${account}`, (c) => c.get(key('last-login', account))));
    },

    async lock(account, fn, lockOptions) {
      const lockKey = key('lock', account);
      const token = randomBytes(16).toString('hex');
      const fence = await acquire(connection, { lockKey, fenceKey: key('fence', account), token, ttlMs, account, ...lockOptions });
      const renewal = setInterval(() => {
        // A failed renewal changes nothing now: if the lock is lost meanwhile, the fenced save refuses.
        connection.client.eval(RENEW, 1, lockKey, token, String(ttlMs)).catch(() => undefined);
      }, Math.max(50, Math.floor(ttlMs / 3)));
      renewal.unref();
      try {
        return await held.run({ account, fence }, fn);
      } finally {
        clearInterval(renewal);
        // Best effort: a Redis that went away releases it by expiry.
        await connection.client.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
      }
    },
  };
}

interface AcquireOptions {
  lockKey: string;
  fenceKey: string;
  token: string;
  ttlMs: number;
  account: string;
  waitMs: number;
  onWait?: () => void;
}

/** The fencing token, once the lock is ours; LOCK_HELD after waiting `waitMs` for another holder. */
async function acquire(connection: RedisConnection, o: AcquireOptions): Promise<number> {
  const deadline = Date.now() + o.waitMs;
  let waited = false;
  for (;;) {
    const fence = await connection.call(`locking account ${o.account}`, (c) => c.eval(ACQUIRE, 2, o.lockKey, o.fenceKey, o.token, String(o.ttlMs)));
    if (fence !== null) return Number(fence);
    const left = deadline - Date.now();
    if (left <= 0) throw lockHeldError(o, connection.address);
    if (!waited) o.onWait?.();
    waited = true;
    await sleep(Math.min(POLL_MS, left));
  }
}

function lockHeldError(o: AcquireOptions, address: string): PortalLoginError {
  const waited = o.waitMs > 0 ? `; waited ${Math.round(o.waitMs / 1000)} s` : '';
  return new PortalLoginError('LOCK_HELD', `Account ${o.account} is in use by another portal-login run (Redis lock ${o.lockKey} at ${address})${waited}.`, {
    hint: `Let the other run finish, then run again. A lock left by a run that was killed expires ${o.ttlMs / 1000} s after it stopped; nothing needs deleting.`,
  });
}

function lockLostError(account: string, facts: { newer: number; ours: number; ttlMs: number; where: string }): PortalLoginError {
  return new PortalLoginError(
    'LOCK_HELD',
    `Account ${account}'s lock (${facts.where}) expired during this run and another run has taken the account since (fencing token ${facts.newer} > this run's ${facts.ours}); this run's session was not saved, so the other run's stays.`,
    { hint: `Nothing needs undoing. This run stalled for longer than the lock's ${facts.ttlMs / 1000} s expiry (a paused VM, heavy swapping); if it happens often, give the machine more memory or CPU.` },
  );
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PortalLoginError('CONFIG_INVALID', `${where} is not a session portal-login can read: not JSON.`, {
      hint: 'It was written by another program. Delete the key (redis-cli DEL) and log the account in again.',
    });
  }
}
