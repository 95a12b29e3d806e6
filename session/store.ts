import { fileSessionStore } from './file-store.js';
import type { LoginRecord } from './login-record.js';
import type { Session } from './model.js';
import type { RedisConnection } from './redis-connection.js';
import { redisSessionStore } from './redis-store.js';

/**
 * Where sessions are kept, behind one interface so the login, status,
 * refresh and exports never depend on a kind: files (one machine) or Redis
 * (shared by many). Adding a kind is one file, one StoreSpec branch
 * and one line in `storeKinds`.
 */
export interface SessionStore {
  /** The account's saved session, undefined when there is none. */
  load(account: string): Promise<Session | undefined>;
  /** Replaces the account's session as one atomic unit: readers see the old session or the new one, never a mix. */
  save(account: string, session: Session): Promise<void>;
  /**
   * Runs `fn` while no other run (this process or another) holds the
   * account: around a whole login + save, a refresh, a write-back. Waits up
   * to `waitMs` for another holder, then fails with LOCK_HELD.
   */
  lock<T>(account: string, fn: () => Promise<T>, options: StoreLockOptions): Promise<T>;
  /** Where the account's session lives, for messages and for Playwright's `storageState` option. */
  pathOf(account: string): string;
  /** Keeps what the account's latest login came to (session/login-record.ts), replacing the one before. */
  recordLogin(account: string, record: LoginRecord): Promise<void>;
  /** The account's latest login record; undefined when none was kept (or it cannot be read). */
  lastLogin(account: string): Promise<LoginRecord | undefined>;
}

export interface StoreLockOptions {
  /** How long to wait for another run holding the account, in ms. */
  waitMs: number;
  /** Called once when the account is found held and the wait begins (to tell the user why nothing happens). */
  onWait?: () => void;
}

/** Which store, with what it needs: one branch per kind. */
export type StoreSpec = { kind: 'file'; dir: string } | { kind: 'redis'; connection: RedisConnection; keyPrefix: string; lockTtlMs?: number };
export type StoreKind = StoreSpec['kind'];

const storeKinds: { [K in StoreKind]: (spec: Extract<StoreSpec, { kind: K }>) => SessionStore } = {
  file: (spec) => fileSessionStore(spec.dir),
  redis: (spec) => redisSessionStore(spec),
};

/** The store `spec` names. */
export function openSessionStore(spec: StoreSpec): SessionStore {
  const open = storeKinds[spec.kind] as (spec: StoreSpec) => SessionStore;
  return open(spec);
}
