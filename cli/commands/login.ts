import { resolve } from 'node:path';
import type { LoginOptions } from '../../app/login.js';
import { launchInBackground, lazyBrowser } from '../../browser/launch.js';
import type { ResolvedAccount } from '../../config/accounts.js';
import type { Config } from '../../config/schema.js';
import { emptyShardNote, inShard, type Shard } from '../../app/shard.js';
import type { Env } from '../../config/env.js';
import { ledgerDir } from '../../totp/ledger-location.js';
import { concurrencyFor, loggerFor, terminalOf, type CliContext } from '../context.js';
import { liveDisplayFor } from '../live-display.js';
import { exitStatusOf, formatError, resultsAsJson } from '../report.js';

export interface LoginArgs {
  accounts: string[];
  config: string;
  stateDir?: string;
  artifactsDir?: string;
  headed: boolean;
  /** Seconds per step. */
  timeout: number;
  json: boolean;
  verbose: boolean;
  trace: boolean;
  /** Accounts logged in at once; default from cores and memory. */
  concurrency?: number;
  /** --shard i/n: only the accounts of that shard (app/shard.ts). */
  shard?: Shard;
}

/** `portal-login login [account..]`: logs the accounts in and saves their sessions. Returns the exit status. */
export async function loginCommand(args: LoginArgs, ctx: CliContext): Promise<number> {
  return runLogins(args, ctx, async () => {
    const [{ loadEnv }, { loadConfigFile }] = await Promise.all([import('../../config/env.js'), import('../../config/load.js')]);
    const env = loadEnv({ dotenvPath: resolve(ctx.cwd, '.env'), processEnv: ctx.env });
    return { ...(await loadConfigFile(resolve(ctx.cwd, args.config))), env };
  });
}

export interface LoginInputs {
  config: Config;
  source: string;
  env: Env;
}

/**
 * Shared by `login` and `demo`: starts Chromium first, so it boots while
 * `prepare` reads config and secrets, then logs in and prints results.
 */
export async function runLogins(args: Omit<LoginArgs, 'config'>, ctx: CliContext, prepare: () => Promise<LoginInputs>): Promise<number> {
  const early = ctx.earlyBrowser;
  // Chromium starts on the first browser account's page (an HTTP-only run never starts it), or is already booting from cli/early-browser.ts.
  let earlyTaken = false;
  const browser = lazyBrowser(() => {
    const useEarly = early && early.headed === args.headed && !earlyTaken;
    earlyTaken = true;
    return useEarly ? early : launchInBackground({ headed: args.headed, env: ctx.env });
  });
  try {
    // Config, schema and secrets load while an early Chromium boots (not before Playwright is loaded).
    await early?.booting;
    const { config, source, env } = await prepare();
    const { resolveAccounts, selectAccounts } = await import('../../config/accounts.js');
    const names = inShard(selectAccounts(config, args.accounts, source), args.shard);
    if (names.length === 0) return (ctx.err(emptyShardNote(args.shard!)), 0);
    const accounts = resolveAccounts(config, names, env, source, ctx.redactor, terminalOf(ctx));
    return await logIn(accounts, { config, source, env }, args, ctx, browser);
  } finally {
    await browser.close();
  }
}

async function logIn(accounts: ResolvedAccount[], { config, source, env }: LoginInputs, args: Omit<LoginArgs, 'config'>, ctx: CliContext, browser: LoginOptions['browser']): Promise<number> {
  const [{ loginAccounts }, { openStores }] = await Promise.all([import('../../app/login.js'), import('../../session/open-store.js')]);
  const stateDir = args.stateDir ? resolve(ctx.cwd, args.stateDir) : config.stateDir;
  const stores = await openStores({ store: config.store, stateDir, ledgerDir: ledgerDir(ctx.env), env, redactor: ctx.redactor, source });
  const live = await liveDisplayFor(accounts, args, ctx);
  const results = await loginAccounts(accounts, {
    browser,
    stateDir,
    artifactsDir: args.artifactsDir ? resolve(ctx.cwd, args.artifactsDir) : config.artifactsDir,
    ledgerDir: ledgerDir(ctx.env),
    env: { ...env },
    concurrency: concurrencyFor(args.concurrency, loggerFor(ctx, { verbose: args.verbose, quiet: args.json })),
    alerts: config.alerts.webhooks,
    source,
    timeoutMs: args.timeout * 1000,
    trace: args.trace,
    redactor: ctx.redactor,
    logFor: live?.logFor ?? ((account) => loggerFor(ctx, { verbose: args.verbose, quiet: args.json, prefix: account })),
    ...(live ? { onProgress: live.onProgress } : {}),
    store: stores.sessions,
    ledger: stores.ledger,
  }).finally(() => stores.close());
  if (args.json) {
    ctx.out(ctx.redactor.redact(JSON.stringify(resultsAsJson(results), null, 2)));
  } else {
    for (const r of results) {
      if (r.ok) ctx.out(`${r.account}: logged in in ${(r.durationMs / 1000).toFixed(1)} s; session saved to ${r.statePath}${r.expiresAt ? ` (expires ${r.expiresAt})` : ''}`);
      else ctx.err(ctx.redactor.redact(`${r.account}: ${formatError(r.error)}`));
    }
  }
  return exitStatusOf(results);
}
