import { resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { createLogger } from '../core/log.js';
import type { Redactor } from '../core/redact.js';
import type { Stores } from '../session/open-store.js';
import { ledgerDir } from '../totp/ledger-location.js';

/** What the library needs to make sure one account's session works before handing it out. */
export interface LibraryRefreshInput {
  name: string;
  config: Config;
  source: string;
  stores: Stores;
  cwd: string;
  /** Secrets, the browser and the ledger override come from here (with `cwd/.env` over it). */
  processEnv: Record<string, string | undefined>;
  redactor: Redactor;
  /** A session expiring sooner than this (seconds) is logged in again; default 600, as the CLI's --min-valid. */
  minValidSeconds?: number;
  /** Per login step, seconds; default 30. */
  timeoutSeconds?: number;
}

/**
 * `portal-login refresh <account>` for the library: the probe's rotated
 * cookies are written back under the account's lock, and a session that is
 * missing, invalid or expiring soon is logged in (headless, quiet). A valid
 * one starts no browser and loads no Playwright. A failed login throws its
 * PortalLoginError.
 */
export async function refreshForLibrary(input: LibraryRefreshInput): Promise<void> {
  const { refreshOne } = await import('../app/refresh.js');
  const { config, source, stores, redactor } = input;
  const target = { config, source, stateDir: config.stateDir, artifactsDir: config.artifactsDir, store: stores.sessions, ledger: stores.ledger };
  await refreshOne(
    input.name,
    target,
    {
      minValidMs: (input.minValidSeconds ?? 600) * 1000,
      force: false,
      headed: false,
      timeoutMs: (input.timeoutSeconds ?? 30) * 1000,
      trace: false,
      env: input.processEnv,
      dotenvPath: resolve(input.cwd, '.env'),
      ledgerDir: ledgerDir(input.processEnv),
      redactor,
      logFor: (account) => createLogger({ redactor, verbose: false, quiet: true, prefix: account }),
      concurrency: 1,
    },
    () => new Date(),
  );
}
