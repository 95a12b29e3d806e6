import type { LiveDisplay } from '../app/progress.js';
import type { ResolvedAccount } from '../config/accounts.js';
import { createLogger } from '../core/log.js';
import type { CliContext } from './context.js';
import { liveProgress } from './progress.js';

/**
 * The live display for the accounts about to log in (`login`, and `refresh`
 * for those it logs in), on a terminal only, and not with --json (stdout is
 * for the JSON; stderr stays as it is), --verbose (debug lines need the
 * plain form), or an account that prompts for its code (the prompt owns the
 * terminal). Loads the code kinds only here, when a login happens.
 */
export async function liveDisplayFor(accounts: readonly ResolvedAccount[], args: { json: boolean; verbose: boolean }, ctx: CliContext): Promise<LiveDisplay | undefined> {
  const terminal = ctx.errTerminal;
  if (!terminal || args.json || args.verbose) return undefined;
  const { codeUsesTerminal } = await import('../codes/kinds.js');
  if (accounts.some((a) => codeUsesTerminal(a.account.code))) return undefined;
  const live = liveProgress(accounts.map((a) => a.name), (chunk) => terminal.write(ctx.redactor.redact(chunk)), terminal.columns);
  // The account's line says what its info lines would; warnings print above the block.
  return { onProgress: live.onProgress, logFor: (account) => createLogger({ redactor: ctx.redactor, verbose: false, quiet: true, prefix: account, write: live.log }) };
}
