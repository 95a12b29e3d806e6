import { portalAddress } from '../../config/portal-address.js';
import { resolve } from 'node:path';
import { selectAccounts } from '../../config/accounts.js';
import { loadConfigFile } from '../../config/load.js';
import { PortalLoginError } from '../../core/errors.js';
import { cookiesFor } from '../../session/cookie-match.js';
import { EXPORTERS, exportSession } from '../../session/export.js';
import type { ExportFormat } from '../../session/export-formats.js';
import { loadEnv } from '../../config/env.js';
import { openStores } from '../../session/open-store.js';
import type { SessionStore } from '../../session/store.js';
import { ledgerDir } from '../../totp/ledger-location.js';
import type { Session } from '../../session/model.js';
import type { CliContext } from '../context.js';
import type { RefreshTarget } from '../../app/refresh.js';

export interface ExportArgs {
  account: string;
  format: ExportFormat;
  /** Where the cookies will be sent (cookie-header, env); default: the portal's loginUrl origin. */
  url?: string;
  config: string;
  stateDir?: string;
  /** netscape: curl's `#HttpOnly_` prefix (off for wget). */
  httponlyPrefix: boolean;
  /** First make sure the session works, as `refresh` does (probe, write-back, login when needed). */
  refresh: boolean;
  /** With refresh: a session expiring sooner than this (ms) is logged in again. */
  minValid: number;
  /** With refresh: seconds per login step. */
  timeout: number;
  verbose: boolean;
}

/**
 * `portal-login export <account> --format F`: prints the saved session in F
 * on stdout, and only there: it is a live secret, so nothing of it goes to
 * stderr or a log. Returns the exit status.
 */
export async function exportCommand(args: ExportArgs, ctx: CliContext, now: () => Date = () => new Date()): Promise<number> {
  const { config, source } = await loadConfigFile(resolve(ctx.cwd, args.config));
  const [account] = selectAccounts(config, [args.account], source) as [string];
  const portalName = config.accounts[account]!.portal;
  const url = targetUrl(args.url, portalAddress(config.portals[portalName]!));
  const stateDir = args.stateDir ? resolve(ctx.cwd, args.stateDir) : config.stateDir;
  const env = loadEnv({ dotenvPath: resolve(ctx.cwd, '.env'), processEnv: ctx.env });
  const stores = await openStores({ store: config.store, stateDir, ledgerDir: ledgerDir(ctx.env), env, redactor: ctx.redactor, source });
  const session = await (async () => {
    if (args.refresh) await refreshForExport(account, { config, source, stateDir, artifactsDir: config.artifactsDir, store: stores.sessions, ledger: stores.ledger }, args, ctx, now);
    return loadForExport(stores.sessions, account, args.config);
  })().finally(() => stores.close());

  const at = now();
  ctx.out(exportSession(args.format, session, { url, now: at, httpOnlyPrefix: args.httponlyPrefix }));
  if (EXPORTERS[args.format].forUrl && cookiesFor(session.cookies, url, at).length === 0) {
    // Names only, never a value: an empty header is valid output, but a script would silently send no session.
    // Origin and path only: a query string may carry a token.
    ctx.err(`note: no cookie of account "${account}" matches ${url.origin}${url.pathname} (domain, path, https-only or expired); the cookie is empty. Pass --url with the address you will call, or log in again.`);
  }
  return 0;
}

/**
 * --refresh: the session is judged (its probe's rotated cookies written back
 * under the account's lock, so what is printed is the live value) and
 * logged in again when it is missing, invalid or expiring within
 * --min-valid. What happened goes to stderr; a failed login is the error.
 */
async function refreshForExport(account: string, target: RefreshTarget, args: ExportArgs, ctx: CliContext, now: () => Date): Promise<void> {
  // Loaded only with --refresh: a plain export (a cron job's curl line) starts as fast as before.
  const [{ refreshOne }, { refreshSettings }] = await Promise.all([import('../../app/refresh.js'), import('./refresh.js')]);
  const settings = refreshSettings({ ...args, force: false, headed: false, trace: false, json: false, concurrency: 1 }, ctx);
  const done = await refreshOne(account, target, settings, now);
  ctx.err(`${account}: ${done.action === 'kept' ? 'session kept' : 'logged in'} (${done.reason}).`);
}

/** --url, else the origin of the portal's login page (path "/", so cookies scoped to a deeper path need --url). */
function targetUrl(given: string | undefined, loginUrl: string): URL {
  if (given === undefined) return new URL('/', loginUrl);
  const url = URL.canParse(given) ? new URL(given) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    // Not echoed: a URL can carry a token, and stderr ends up in logs.
    throw new PortalLoginError('USAGE', `--url must be an http:// or https:// address${url ? ` (got a ${url.protocol} URL)` : ' (it does not parse as a URL)'}.`, { hint: 'Pass the address the cookies will be sent to, e.g. --url https://portal.example.com/api/me.' });
  }
  return url;
}

/** The saved session, or NO_SESSION saying what to run: missing and unreadable files both mean "log in (again)". */
async function loadForExport(store: SessionStore, account: string, configPath: string): Promise<Session> {
  const login = `portal-login login ${account} --config ${configPath}`;
  const session = await store.load(account).catch((error: unknown) => {
    // Unreadable means log in again; an unreachable store (STORE_UNAVAILABLE) is its own error.
    if (!(error instanceof PortalLoginError && error.code === 'CONFIG_INVALID')) throw error;
    throw new PortalLoginError('NO_SESSION', `The saved session for account "${account}" cannot be read (${store.pathOf(account)}: ${error.message.split('\n')[0]}).`, { hint: `Log in again to replace it: ${login}` });
  });
  if (!session) throw new PortalLoginError('NO_SESSION', `No saved session for account "${account}" (looked for ${store.pathOf(account)}).`, { hint: `Log in first: ${login}` });
  return session;
}
