import type { AccountResult } from '../app/login.js';
import { EXIT_INTERNAL_ERROR, PortalLoginError } from '../core/errors.js';
import type { CliContext } from './context.js';

/** Human-readable error block: code, message, what to do, where the artifacts are. */
export function formatError(error: PortalLoginError): string {
  const lines = [`error [${error.code}]: ${error.message}`];
  if (error.hint) lines.push(`  what to do: ${error.hint}`);
  if (error.artifacts.screenshot) lines.push(`  screenshot (fields masked): ${error.artifacts.screenshot}`);
  if (error.artifacts.trace) lines.push(`  trace (secrets scrubbed): ${error.artifacts.trace}`);
  return lines.join('\n');
}

/** The one error boundary: our errors map to their exit status, anything else is a bug. */
export function reportThrown(ctx: CliContext, thrown: unknown): number {
  if (thrown instanceof PortalLoginError) {
    ctx.err(ctx.redactor.redact(formatError(thrown)));
    return thrown.exitStatus;
  }
  // Same code and status as a bug inside one account's login (app/login.ts); here the whole stack is shown.
  const detail = thrown instanceof Error ? thrown.stack ?? thrown.message : String(thrown);
  ctx.err(ctx.redactor.redact(`error [INTERNAL]: internal error: ${detail}\n  what to do: This is a bug in portal-login; please report it with this output (secrets are redacted).`));
  return EXIT_INTERNAL_ERROR;
}

/** Exit status of a multi-account run: 0 when all logged in, else the first failure's status. */
export function exitStatusOf(results: AccountResult[]): number {
  const failed = results.find((r) => !r.ok);
  return failed && !failed.ok ? failed.error.exitStatus : 0;
}

export function resultsAsJson(results: AccountResult[]): unknown {
  return {
    ok: results.every((r) => r.ok),
    accounts: results.map((r) =>
      r.ok
        ? { account: r.account, ok: true, statePath: r.statePath, metaPath: r.metaPath, expiresAt: r.expiresAt, durationMs: r.durationMs, clockSkewMs: r.skewMs }
        : { account: r.account, ok: false, durationMs: r.durationMs, error: { code: r.error.code, exitStatus: r.error.exitStatus, message: r.error.message, hint: r.error.hint, ...r.error.artifacts } },
    ),
  };
}
