/**
 * Where each account of a run is, as the runner reports it
 * (LoginOptions.onProgress): for a live display (cli/progress.ts), never
 * with a secret in it.
 */
import type { CodeRequest, CodeSource } from '../codes/code-source.js';
import type { ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/log.js';

export type ProgressState =
  | { kind: 'waiting' }
  | { kind: 'logging-in' }
  /** The code source waits (a fresh TOTP window, an email): seconds as it said when it started waiting. */
  | { kind: 'code-wait'; seconds: number; reason: string }
  | { kind: 'done'; durationMs: number; kept: boolean }
  | { kind: 'failed'; code: ErrorCode; durationMs: number };

export type OnProgress = (account: string, state: ProgressState) => void;

/** What a live display replaces in a run: each account's logger, and its progress reports. */
export interface LiveDisplay {
  logFor: (account: string) => Logger;
  onProgress: OnProgress;
}

/**
 * The code source, reporting its waits: a wait is "code-wait" until the
 * code is there, then the login goes on. Every kind tells its waits through
 * onWait, so no kind needs to know about progress.
 */
export function reportingWaits(source: CodeSource, report: (state: ProgressState) => void): CodeSource {
  return {
    get method() {
      return source.method;
    },
    get rejectedHint() {
      return source.rejectedHint;
    },
    ...(source.opened ? { opened: () => source.opened!() } : {}),
    ...(source.close ? { close: () => source.close!() } : {}),
    async next(request: CodeRequest) {
      let waited = false;
      const onWait = (seconds: number, reason: string) => {
        waited = true;
        request.onWait?.(seconds, reason);
        report({ kind: 'code-wait', seconds, reason });
      };
      try {
        return await source.next({ ...request, onWait });
      } finally {
        if (waited) report({ kind: 'logging-in' });
      }
    },
  };
}
