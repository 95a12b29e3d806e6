import { resolve } from 'node:path';
import { checkSession, type SessionCheck } from '../../app/check-session.js';
import type { AccountResult } from '../../app/login.js';
import { selectAccounts } from '../../config/accounts.js';
import { loadConfigFile } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { emptyShardNote, inShard, type Shard } from '../../app/shard.js';
import { loadEnv, type Env } from '../../config/env.js';
import { openStores, type Stores } from '../../session/open-store.js';
import { ledgerDir } from '../../totp/ledger-location.js';
import { loggerFor, type CliContext } from '../context.js';
import { exitStatusOf, formatError } from '../report.js';
import { checkAccounts, checkAsJson, expiryText, WRITE_BACK_LOCK_WAIT_MS } from './status.js';

export interface RefreshArgs {
  accounts: string[];
  config: string;
  stateDir?: string;
  artifactsDir?: string;
  /** A session expiring sooner than this (ms) is logged in again. */
  minValid: number;
  force: boolean;
  headed: boolean;
  /** Seconds per login step. */
  timeout: number;
  json: boolean;
  verbose: boolean;
  trace: boolean;
  /** --shard i/n: only the accounts of that shard (app/shard.ts). */
  shard?: Shard;
}

/** Why an account needs a login, or undefined to keep its session. */
export function loginNeeded(check: SessionCheck, minValidMs: number, now: Date): string | undefined {
  if (check.verdict.valid === 'no') return check.verdict.reason;
  const { expiresAt } = check.verdict;
  // Only the session's own expiry counts, not the daily cutoff: a login now would end at the same cutoff.
  if (expiresAt !== null && Date.parse(expiresAt) - now.getTime() < minValidMs) return `it expires at ${expiresAt}, within --min-valid`;
  return undefined;
}

/**
 * `portal-login refresh [account..]`: logs in only the accounts whose
 * session is missing, invalid, past its cutoff or expiring within
 * --min-valid (all named ones with --force). When none needs it, no browser
 * starts and Playwright is never loaded. Exit status 0 when every account
 * ends valid, else the first failure's, as `login`.
 */
export async function refreshCommand(args: RefreshArgs, ctx: CliContext, now: () => Date = () => new Date()): Promise<number> {
  const { config, source } = await loadConfigFile(resolve(ctx.cwd, args.config));
  const names = inShard(selectAccounts(config, args.accounts, source), args.shard);
  if (names.length === 0) return (ctx.err(emptyShardNote(args.shard!)), 0);
  const stateDir = args.stateDir ? resolve(ctx.cwd, args.stateDir) : config.stateDir;
  const env = loadEnv({ dotenvPath: resolve(ctx.cwd, '.env'), processEnv: ctx.env });
  const stores = await openStores({ store: config.store, stateDir, ledgerDir: ledgerDir(ctx.env), env, redactor: ctx.redactor, source });
  try {
    const checks = args.force ? [] : await checkAccounts(config, names, stores.sessions, now);
    const needed = accountsToLogIn(names, checks, args, now());
    const results = needed.size === 0 ? [] : await logIn([...needed.keys()], { config, source, stateDir, stores, env }, args, ctx, now);
    return report(names, checks, needed, results, args, ctx);
  } finally {
    await stores.close();
  }
}

/** Account → why it is logged in: every named one with --force, else those loginNeeded picks. */
function accountsToLogIn(names: readonly string[], checks: readonly SessionCheck[], args: Pick<RefreshArgs, 'force' | 'minValid'>, now: Date): Map<string, string> {
  if (args.force) return new Map(names.map((name) => [name, '--force']));
  const needed = new Map<string, string>();
  for (const check of checks) {
    const reason = loginNeeded(check, args.minValid, now);
    if (reason) needed.set(check.account, reason);
  }
  return needed;
}

interface Where {
  config: Config;
  source: string;
  stateDir: string;
  stores: Stores;
  env: Env;
}

/**
 * The login command's own loginAccounts, with a re-judge under each
 * account's lock: a run that waited for another refresh of the same account
 * finds the session that run saved, and keeps it instead of logging in twice.
 */
async function logIn(names: string[], where: Where, args: RefreshArgs, ctx: CliContext, now: () => Date): Promise<AccountResult[]> {
  const [{ launchInBackground }, { loginAccounts }, { resolveAccounts }] = await Promise.all([
    import('../../browser/launch.js'),
    import('../../app/login.js'),
    import('../../config/accounts.js'),
  ]);
  const browser = launchInBackground({ headed: args.headed, env: ctx.env });
  try {
    const accounts = resolveAccounts(where.config, names, where.env, where.source, ctx.redactor);
    await browser.booting;
    const rejudge = async (account: string) => {
      const portalName = where.config.accounts[account]!.portal;
      const check = await checkSession(account, portalName, where.config.portals[portalName]!, { store: where.stores.sessions, now, lockWaitMs: WRITE_BACK_LOCK_WAIT_MS, locked: true });
      return check.verdict.valid === 'yes' && !loginNeeded(check, args.minValid, now()) ? { expiresAt: check.verdict.expiresAt } : undefined;
    };
    return await loginAccounts(accounts, {
      browser,
      stateDir: where.stateDir,
      artifactsDir: args.artifactsDir ? resolve(ctx.cwd, args.artifactsDir) : where.config.artifactsDir,
      ledgerDir: ledgerDir(ctx.env),
      source: where.source,
      timeoutMs: args.timeout * 1000,
      trace: args.trace,
      redactor: ctx.redactor,
      logFor: (account) => loggerFor(ctx, { verbose: args.verbose, quiet: args.json, prefix: account }),
      store: where.stores.sessions,
      ledger: where.stores.ledger,
      ...(args.force ? {} : { skipIfValid: rejudge }),
    });
  } finally {
    await browser.close();
  }
}

/** One line (or JSON entry) per named account, in the order named. */
function report(names: string[], checks: SessionCheck[], needed: Map<string, string>, results: AccountResult[], args: RefreshArgs, ctx: CliContext): number {
  const checkOf = (name: string) => checks.find((c) => c.account === name);
  const resultOf = (name: string) => results.find((r) => r.account === name);
  if (args.json) {
    const accounts = names.map((name) => {
      const result = resultOf(name);
      const checked = checkOf(name);
      const before = checked ? checkAsJson(checked) : { account: name };
      if (!result) return { ...before, action: 'kept' };
      if (result.ok) return { ...before, action: result.kept ? 'kept' : 'logged-in', loginReason: needed.get(name), expiresAt: result.expiresAt, statePath: result.statePath };
      return { ...before, action: 'failed', loginReason: needed.get(name), error: { code: result.error.code, exitStatus: result.error.exitStatus, message: result.error.message, hint: result.error.hint, ...result.error.artifacts } };
    });
    ctx.out(ctx.redactor.redact(JSON.stringify({ ok: results.every((r) => r.ok), accounts }, null, 2)));
    return exitStatusOf(results);
  }
  for (const name of names) {
    const result = resultOf(name);
    const checked = checkOf(name);
    if (!result && checked) ctx.out(`${name}: kept (${keptText(checked)})`);
    else if (result?.ok && result.kept) ctx.out(`${name}: kept (another run logged it in meanwhile; ${result.expiresAt ? `valid until ${result.expiresAt}` : 'browser-session cookies'})`);
    else if (result?.ok) ctx.out(`${name}: logged in (${needed.get(name)}); session saved to ${result.statePath}${result.expiresAt ? `, valid until ${result.expiresAt}` : ''}`);
    else if (result) ctx.err(ctx.redactor.redact(`${name}: ${formatError(result.error)}`));
  }
  return exitStatusOf(results);
}

function keptText(check: SessionCheck): string {
  if (check.verdict.valid === 'unknown') return `validity unknown: ${check.verdict.reason}`;
  const until = check.verdict.expiresAt ? `valid until ${expiryText(check)}` : 'valid; browser-session cookies, no expiry date';
  return `${until}; ${check.verdict.reason}`;
}
