import * as z from 'zod';

/**
 * `store:` — where sessions, per-account locks and the used-window ledger
 * live. One key per kind, exactly one given:
 *
 *   store: { file: {} }                        # the default: files in stateDir, nothing to install
 *   store: { redis: { urlEnv: REDIS_URL } }    # shared by every machine that runs portal-login
 *
 * The Redis URL holds a password, so the config names the environment
 * variable that holds it, never the URL itself (as passwordEnv does).
 * Its own file (not config/schema.ts) so a new kind is one branch here.
 */
const URL_ENV_MESSAGE =
  'must be the NAME of the environment variable that holds the Redis URL (letters, digits and _, e.g. REDIS_URL), not the URL itself; put redis://:password@host:6379 in .env or the environment';

const redisSchema = z.strictObject({
  urlEnv: z.string({ error: URL_ENV_MESSAGE }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, URL_ENV_MESSAGE),
  /** Put before every key, so several teams (or tests) can share one Redis. */
  keyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9:._-]{0,64}$/, 'may use letters, digits and : . _ - (at most 64), e.g. "portal-login:" or "desk-a:"')
    .default('portal-login:'),
});

const KINDS_MESSAGE = 'name exactly one store kind: { file: {} } (the default) or { redis: { urlEnv: REDIS_URL } }';

export const storeSchema = z
  .strictObject({ file: z.strictObject({}).optional(), redis: redisSchema.optional() })
  .superRefine((store, ctx) => {
    if (Number(store.file !== undefined) + Number(store.redis !== undefined) !== 1) ctx.addIssue({ code: 'custom', message: KINDS_MESSAGE });
  })
  // The rest of the code sees one discriminated union, so a kind's factory is picked from a table, not by testing keys.
  .transform((store): StoreConfig => (store.redis ? { kind: 'redis', ...store.redis } : { kind: 'file' }));

/** The normalised `store:` setting. */
export type StoreConfig = { kind: 'file' } | { kind: 'redis'; urlEnv: string; keyPrefix: string };

/** What a config without `store:` gets. */
export const DEFAULT_STORE: StoreConfig = { kind: 'file' };
