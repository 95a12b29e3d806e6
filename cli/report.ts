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

/**
 * The one error boundary: our errors map to their exit status, anything else
 * is a bug. With `json`, a run-level failure (missing secret, no browser, bad
 * config) is also printed on stdout, so a script reading it never gets nothing.
 */
export function reportThrown(ctx: CliContext, thrown: unknown, json = false): number {
  if (thrown instanceof PortalLoginError) {
    ctx.err(ctx.redactor.redact(formatError(thrown)));
    if (json) ctx.out(ctx.redactor.redact(JSON.stringify({ ok: false, error: errorAsJson(thrown) }, null, 2)));
    return thrown.exitStatus;
  }
  if (json) ctx.out(JSON.stringify({ ok: false, error: { code: 'INTERNAL', exitStatus: EXIT_INTERNAL_ERROR, message: 'internal error (details on stderr)' } }, null, 2));
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
        ? { account: r.account, ok: true, statePath: r.statePath, expiresAt: r.expiresAt, durationMs: r.durationMs, clockSkewMs: r.skewMs }
        : { account: r.account, ok: false, durationMs: r.durationMs, error: errorAsJson(r.error) },
    ),
  };
}

function errorAsJson(error: PortalLoginError) {
  return { code: error.code, exitStatus: error.exitStatus, message: error.message, hint: error.hint, ...error.artifacts };
}
