import { resolve } from 'node:path';
import { resolveAccounts, selectAccounts } from '../../config/accounts.js';
import { loadEnv } from '../../config/env.js';
import { loadConfigFile } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { loggerFor, type CliContext } from '../context.js';
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
}

/** `portal-login login [account..]`: logs the accounts in and saves their sessions. Returns the exit status. */
export async function loginCommand(args: LoginArgs, ctx: CliContext): Promise<number> {
  const env = loadEnv({ dotenvPath: resolve(ctx.cwd, '.env'), processEnv: ctx.env });
  const { config, source } = await loadConfigFile(resolve(ctx.cwd, args.config));
  return runLogins(config, source, args, env, ctx);
}

/** Shared by `login` and `demo`: resolve secrets, log in, print results. */
export async function runLogins(config: Config, source: string, args: Omit<LoginArgs, 'config'>, env: Record<string, string | undefined>, ctx: CliContext): Promise<number> {
  const names = selectAccounts(config, args.accounts, source);
  const accounts = resolveAccounts(config, names, env, source, ctx.redactor);
  const { loginAccounts } = await import('../../app/login.js');
  const results = await loginAccounts(accounts, {
    stateDir: args.stateDir ? resolve(ctx.cwd, args.stateDir) : config.stateDir,
    artifactsDir: args.artifactsDir ? resolve(ctx.cwd, args.artifactsDir) : config.artifactsDir,
    source,
    headed: args.headed,
    timeoutMs: args.timeout * 1000,
    trace: args.trace,
    redactor: ctx.redactor,
    logFor: (account) => loggerFor(ctx, { verbose: args.verbose, quiet: args.json, prefix: account }),
  });
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
