import { portalAddress } from '../config/portal-address.js';
import { resolve } from 'node:path';
import { selectAccounts } from '../config/accounts.js';
import { loadEnv } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import { PortalLoginError } from '../core/errors.js';
import { Redactor } from '../core/redact.js';
import { cookieHeader } from '../session/cookie-match.js';
import type { Config } from '../config/schema.js';
import type { SessionInfo } from '../session/model.js';
import type { Stores } from '../session/open-store.js';
import { openStores } from '../session/open-store.js';
import { ledgerDir } from '../totp/ledger-location.js';
import { refreshForLibrary } from './refresh-session.js';

/** The config file the CLI reads when none is given. */
export const DEFAULT_CONFIG = 'portal-login.yaml';

export interface LoadSessionOptions {
  /** Config file; default $PORTAL_LOGIN_CONFIG, else portal-login.yaml, relative to `cwd`. */
  config?: string;
  /** Folder relative paths resolve against; default process.cwd(). */
  cwd?: string;
  /** Where the Redis URL of a `store: { redis }` config is read (under `cwd/.env`); default process.env. */
  env?: Record<string, string | undefined>; // not NodeJS.ProcessEnv: the published types must not need @types/node
  /** Where `headers()` sends the cookies when called without a URL; default the origin of the portal's loginUrl. */
  url?: string | URL;
  /**
   * First make sure the session works, as `portal-login refresh` does: the
   * probe (success.probeUrl) is asked, cookies it rotates are written back
   * under the account's lock, and a session that is missing, invalid or
   * expiring within `minValidSeconds` is logged in (a headless Chromium;
   * secrets from `env` and `cwd/.env`). Default false: read only.
   */
  refresh?: boolean;
  /** With refresh: log in again when the session expires within this many seconds; default 600 (10 min). */
  minValidSeconds?: number;
  /** With refresh: per login step, seconds; default 30. */
  timeoutSeconds?: number;
}

/** A saved session, ready for Node code: nothing here starts a browser or loads Playwright. */
export interface LoadedSession {
  /**
   * The state file: Playwright's `storageState` option takes it as is. With
   * the Redis store, a private copy (0600) written in stateDir by this call.
   */
  storageStatePath: string;
  /**
   * Headers for a `fetch` to `url` (default: the `url` option): `Cookie`
   * with the cookies that match it (domain, path, https-only, not expired,
   * as a browser decides), or no header when none does. Computed at each
   * call, so a cookie that expired meanwhile is left out.
   */
  headers(url?: string | URL): Record<string, string>;
  /** The values captured at login (portal `capture:`), by name. */
  tokens: Readonly<Record<string, string>>;
  /** When and how it was saved, and its expiry: no secret in it. */
  info: SessionInfo;
}

/**
 * The account's saved session, as `portal-login login` left it (with
 * `refresh: true`, after making sure it works). Throws PortalLoginError
 * NO_SESSION when there is none (or it cannot be read), CONFIG_INVALID /
 * UNKNOWN_ACCOUNT for the config, a login's own error when `refresh` had
 * to log in and could not. It reads the configured store (files, or Redis:
 * STORE_UNAVAILABLE when Redis does not answer).
 */
export async function loadSession(account: string, options: LoadSessionOptions = {}): Promise<LoadedSession> {
  const cwd = options.cwd ?? process.cwd();
  const configPath = options.config ?? process.env.PORTAL_LOGIN_CONFIG ?? DEFAULT_CONFIG;
  const { config, source } = await loadConfigFile(resolve(cwd, configPath));
  const [name] = selectAccounts(config, [account], source) as [string];
  const processEnv = options.env ?? process.env;
  const env = loadEnv({ dotenvPath: resolve(cwd, '.env'), processEnv });
  const redactor = new Redactor();
  const stores = await openStores({ store: config.store, stateDir: config.stateDir, ledgerDir: ledgerDir(processEnv), env, redactor, source });
  try {
    if (options.refresh) await refreshForLibrary({ name, config, source, stores, cwd, processEnv, redactor, ...pick(options) });
    return await loaded(name, configPath, config, stores, options);
  } finally {
    await stores.close();
  }
}

/** The refresh settings the caller gave (exactOptionalPropertyTypes: no undefined keys). */
function pick({ minValidSeconds, timeoutSeconds }: LoadSessionOptions): { minValidSeconds?: number; timeoutSeconds?: number } {
  return { ...(minValidSeconds === undefined ? {} : { minValidSeconds }), ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }) };
}

async function loaded(name: string, configPath: string, config: Config, stores: Stores, options: LoadSessionOptions): Promise<LoadedSession> {
  const store = stores.sessions;
  const login = `portal-login login ${name} --config ${configPath}`;
  const session = await store.load(name).catch((error: unknown) => {
    // Unreadable means log in again; an unreachable store (STORE_UNAVAILABLE) is its own error.
    if (!(error instanceof PortalLoginError && error.code === 'CONFIG_INVALID')) throw error;
    throw new PortalLoginError('NO_SESSION', `The saved session for account "${name}" cannot be read (${store.pathOf(name)}: ${error.message.split('\n')[0]}).`, { hint: `Log in again to replace it: ${login}` });
  });
  if (!session) throw new PortalLoginError('NO_SESSION', `No saved session for account "${name}" (looked for ${store.pathOf(name)}).`, { hint: `Log in first: ${login}` });
  const defaultUrl = new URL(options.url ?? new URL('/', portalAddress(config.portals[config.accounts[name]!.portal]!)));
  return {
    storageStatePath: await stores.localStatePath(name, session),
    headers: (url = defaultUrl): Record<string, string> => {
      const cookie = cookieHeader(session.cookies, new URL(url), new Date());
      return cookie === '' ? {} : { Cookie: cookie };
    },
    tokens: { ...session.tokens },
    info: session.info,
  };
}
