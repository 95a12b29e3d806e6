import type { Logger } from './log.js';
import type { Redactor } from './redact.js';
import { PortalLoginError } from './errors.js';

/**
 * The one translation of what a login threw into a PortalLoginError:
 * Playwright's timeouts become TIMEOUT, file-system refusals
 * STATE_WRITE_FAILED; anything else is a bug, reported as INTERNAL (stack
 * in --verbose) with every known secret redacted from its message.
 */
export function asPortalLoginError(thrown: unknown, redactor: Redactor, log?: Logger): PortalLoginError {
  if (thrown instanceof PortalLoginError) return thrown;
  const fsError = thrown as NodeJS.ErrnoException;
  // A full disk fails in write(2), whose error names no path (measured on a 64 KB tmpfs): the syscall is enough to know it is the file system.
  if (fsError instanceof Error && typeof fsError.syscall === 'string') {
    return new PortalLoginError('STATE_WRITE_FAILED', `Could not write ${fsError.path ?? 'a file'} (${fsError.code ?? fsError.syscall}).`, {
      hint: 'Check that stateDir / --state-dir is a folder this user can write, on a disk with free space. The last good session, if any, is unchanged.',
    });
  }
  // By name: Playwright's TimeoutError class is not loaded by runs that use no browser.
  if (thrown instanceof Error && thrown.name === 'TimeoutError') {
    return new PortalLoginError('TIMEOUT', `A browser step timed out: ${thrown.message.split('\n')[0]}`, { hint: 'Raise --timeout if the portal is slow.' });
  }
  const what = thrown instanceof Error ? `${thrown.name}: ${firstLine(thrown)}` : String(thrown);
  if (thrown instanceof Error && thrown.stack) log?.debug(`Internal error: ${thrown.stack}`); // the logger redacts
  return new PortalLoginError('INTERNAL', redactor.redact(`Internal error: ${what}. This is a bug in portal-login.`), {
    hint: 'Please report it with the output of the same run with --verbose (secrets are redacted). Any other accounts in this run were still tried.',
    cause: thrown,
  });
}

/** An error's first message line, for logs (Playwright appends a call log after it); the logger redacts. */
export function firstLine(thrown: unknown): string {
  return thrown instanceof Error ? (thrown.message.split('\n')[0] ?? '') : String(thrown);
}
