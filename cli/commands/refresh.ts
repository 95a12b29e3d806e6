import { resolve } from 'node:path';
import type { SessionCheck } from '../../app/check-session.js';
import { refreshAccounts, type RefreshOutcome, type RefreshSettings } from '../../app/refresh.js';
import { selectAccounts, type ResolvedAccount } from '../../config/accounts.js';
import { liveDisplayFor } from '../live-display.js';
import { loadConfigFile } from '../../config/load.js';
import { emptyShardNote, inShard } from '../../app/shard.js';
import { loadEnv } from '../../config/env.js';
import { openStores } from '../../session/open-store.js';
import { ledgerDir } from '../../totp/ledger-location.js';
import { concurrencyFor, loggerFor, terminalOf, type CliContext } from '../context.js';
import { exitStatusOf, formatError } from '../report.js';
import type { LoginArgs } from './login.js';
import { checkAsJson, expiryText } from './status.js';

/** `login`'s arguments, and which sessions need a login. */
export interface RefreshArgs extends LoginArgs {
  /** A session expiring sooner than this (ms) is logged in again. */
  minValid: number;
  force: boolean;
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
  const artifactsDir = args.artifactsDir ? resolve(ctx.cwd, args.artifactsDir) : config.artifactsDir;
  try {
    // On a terminal, the accounts that do log in get the live lines `login` shows (cli/live-display.ts).
    const display = (accounts: readonly ResolvedAccount[]) => liveDisplayFor(accounts, args, ctx);
    const outcome = await refreshAccounts(names, { config, source, stateDir, artifactsDir, store: stores.sessions, ledger: stores.ledger }, { ...refreshSettings(args, ctx), display }, now);
    return printRefresh(names, outcome, args.json, ctx);
  } finally {
    await stores.close();
  }
}

/** The settings a refresh takes from the command line (shared with `schedule`). */
export function refreshSettings(args: Pick<RefreshArgs, 'minValid' | 'force' | 'headed' | 'timeout' | 'trace' | 'verbose' | 'json' | 'concurrency'>, ctx: CliContext): RefreshSettings {
  return {
    concurrency: concurrencyFor(args.concurrency, loggerFor(ctx, { verbose: args.verbose, quiet: args.json })),
    ...terminalOf(ctx),
    minValidMs: args.minValid,
    force: args.force,
    headed: args.headed,
    timeoutMs: args.timeout * 1000,
    trace: args.trace,
    env: ctx.env,
    dotenvPath: resolve(ctx.cwd, '.env'),
    ledgerDir: ledgerDir(ctx.env),
    redactor: ctx.redactor,
    logFor: (account) => loggerFor(ctx, { verbose: args.verbose, quiet: args.json, prefix: account }),
  };
}

/** One line (or JSON entry) per named account, in the order named; returns the exit status (as `login`'s). */
export function printRefresh(names: readonly string[], { checks, needed, results }: RefreshOutcome, json: boolean, ctx: CliContext): number {
  const checkOf = (name: string) => checks.find((c) => c.account === name);
  const resultOf = (name: string) => results.find((r) => r.account === name);
  if (json) {
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
