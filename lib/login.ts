import { resolve } from 'node:path';
import { loginAccounts } from '../app/login.js';
import { launchInBackground, lazyBrowser } from '../browser/launch.js';
import { resolveAccounts, selectAccounts } from '../config/accounts.js';
import { loadEnv } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import { createLogger } from '../core/log.js';
import { Redactor } from '../core/redact.js';
import { openStores } from '../session/open-store.js';
import { ledgerDir } from '../totp/ledger-location.js';
import { DEFAULT_CONFIG } from './load-session.js';

export interface LibraryLoginOptions {
  /** Config file; default $PORTAL_LOGIN_CONFIG, else portal-login.yaml, relative to `cwd`. */
  config?: string;
  /** Folder relative paths (and `.env`) resolve against; default process.cwd(). */
  cwd?: string;
  /** Where secrets (and PORTAL_LOGIN_LEDGER_DIR, if the used-code ledger is moved) come from, under `cwd/.env`; default process.env. */
  env?: Record<string, string | undefined>; // not NodeJS.ProcessEnv: the published types must not need @types/node
  /** Per-step timeout in seconds; default 30, as the CLI's --timeout. */
  timeoutSeconds?: number;
}

/**
 * `portal-login login <account>` as a function: the same config, `.env`,
 * lock, flow and save, in a headless Chromium of its own. Resolves with
 * where the session was saved (the state file, or its redis:// address); a failed login throws its PortalLoginError (code, hint,
 * artifacts). Warnings go to stderr, redacted, as the CLI's do.
 */
export async function loginAccount(account: string, options: LibraryLoginOptions = {}): Promise<string> {
  const cwd = options.cwd ?? process.cwd();
  const processEnv = options.env ?? process.env;
  const env = loadEnv({ dotenvPath: resolve(cwd, '.env'), processEnv });
  const { config, source } = await loadConfigFile(resolve(cwd, options.config ?? processEnv.PORTAL_LOGIN_CONFIG ?? DEFAULT_CONFIG));
  const redactor = new Redactor();
  const accounts = resolveAccounts(config, selectAccounts(config, [account], source), env, source, redactor);
  const stores = await openStores({ store: config.store, stateDir: config.stateDir, ledgerDir: ledgerDir(processEnv), env, redactor, source });
  const browser = lazyBrowser(() => launchInBackground({ headed: false, env: processEnv }));
  try {
    const [result] = await loginAccounts(accounts, {
      browser,
      stateDir: config.stateDir,
      artifactsDir: config.artifactsDir,
      ledgerDir: ledgerDir(processEnv),
      env: { ...env },
      alerts: config.alerts.webhooks,
      source,
      timeoutMs: (options.timeoutSeconds ?? 30) * 1000,
      trace: false,
      redactor,
      logFor: (name) => createLogger({ redactor, verbose: false, quiet: true, prefix: name }),
      store: stores.sessions,
      ledger: stores.ledger,
    });
    if (!result!.ok) throw result!.error;
    return result!.statePath;
  } finally {
    await Promise.all([browser.close(), stores.close()]);
  }
}
