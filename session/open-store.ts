import { join } from 'node:path';
import type { StoreConfig } from '../config/store-schema.js';
import { ensurePrivateDir, writeFileAtomic } from '../core/atomic-write.js';
import type { Redactor } from '../core/redact.js';
import { fileStepLedger, type StepLedger } from '../totp/step-ledger.js';
import type { Session } from './model.js';
import { toStateFile } from './state-file.js';
import { openSessionStore, type SessionStore } from './store.js';

/**
 * The one place a command, the library or the Playwright helper gets its
 * stores: the configured `store:` decides where sessions, their locks and
 * the used-window ledger live, so every reader sees what every writer saved.
 */
export interface Stores {
  sessions: SessionStore;
  ledger: StepLedger;
  /**
   * A file Playwright's `storageState` option can read for `account`: the
   * file store's own file; for a store elsewhere (Redis), a private copy
   * (0600) of `session` written now in stateDir.
   */
  localStatePath(account: string, session: Session): Promise<string>;
  /** Ends connections (Redis); the file store has none. Never fails. */
  close(): Promise<void>;
}

export interface OpenStoresInput {
  store: StoreConfig;
  /** The file store's folder; the local copies' folder for the other kinds. */
  stateDir: string;
  /** The file store's used-window ledger (totp/ledger-location.ts). */
  ledgerDir: string;
  /** Where the Redis URL is read (the environment under `.env`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Every secret read here (the Redis password) is registered with it. */
  redactor: Redactor;
  /** The config file, for messages. */
  source: string;
}

type Backend<K extends StoreConfig['kind']> = (config: Extract<StoreConfig, { kind: K }>, input: OpenStoresInput) => Promise<Stores>;

const backends: { [K in StoreConfig['kind']]: Backend<K> } = {
  file: async (_config, input) => {
    const sessions = openSessionStore({ kind: 'file', dir: input.stateDir });
    return { sessions, ledger: fileStepLedger(input.ledgerDir), localStatePath: async (account) => sessions.pathOf(account), close: async () => undefined };
  },
  redis: async (config, input) => {
    // Loaded only for this kind: the file store's commands never load ioredis.
    const [{ connectRedis }, { redisStepLedger }, { missingSecretsError }] = await Promise.all([import('./redis-connection.js'), import('../totp/redis-step-ledger.js'), import('../config/env.js')]);
    const url = input.env[config.urlEnv];
    if (!url) throw missingSecretsError([{ variable: config.urlEnv, where: `${input.source}: store.redis.urlEnv` }], input.redactor);
    const connection = await connectRedis(url, { urlEnv: config.urlEnv, redactor: input.redactor });
    return {
      sessions: openSessionStore({ kind: 'redis', connection, keyPrefix: config.keyPrefix }),
      ledger: redisStepLedger(connection, config.keyPrefix),
      localStatePath: async (account, session) => {
        await ensurePrivateDir(input.stateDir);
        const path = join(input.stateDir, `${account}.json`);
        await writeFileAtomic(path, JSON.stringify(toStateFile(session), null, 2) + '\n');
        return path;
      },
      close: () => connection.close(),
    };
  },
};

/** Opens the configured store; STORE_UNAVAILABLE when Redis does not answer, MISSING_SECRET when its URL variable is not set. */
export function openStores(input: OpenStoresInput): Promise<Stores> {
  const open = backends[input.store.kind] as Backend<StoreConfig['kind']>;
  return open(input.store, input);
}
