import { Secret } from 'otpauth';
import type { Clock } from '../core/clock.js';
import { codeForStep, stepStartMs } from '../totp/code.js';
import { chooseStep } from '../totp/freshness.js';
import type { TotpSpec } from '../totp/spec.js';
import type { StepStore } from './step-store.js';
import type { VaultEntry } from './vault-model.js';

export interface CodeRequest {
  /** The code must stay valid this many seconds after the reply; else the next window is waited for. */
  minSecondsLeft: number;
  /** Never a window this server handed out before (with `unused`) for this entry. */
  unused: boolean;
}

export type CodeOutcome =
  | { ok: true; code: string; secondsLeft: number; step: number }
  | { ok: false; status: 429 | 503; retryAfterSeconds: number; message: string };

export interface CodeIssuer {
  issue(entry: VaultEntry, request: CodeRequest): Promise<CodeOutcome>;
}

/** A request waits at most one period and a second: enough for the next window, never for a queue of them. */
const EXTRA_WAIT_MS = 1000;

/**
 * Hands out codes. With `unused`, the window is reserved synchronously
 * (before any await), so concurrent requests in this process can never pick
 * the same one; it is on disk before the reply. `stopping` resolves when the
 * server closes, ending any wait with 503.
 */
export function codeIssuer(steps: StepStore, clock: Clock, stopping: Promise<void>): CodeIssuer {
  const specs = new WeakMap<VaultEntry, TotpSpec>();
  const specOf = (entry: VaultEntry): TotpSpec => {
    let spec = specs.get(entry);
    if (!spec) {
      spec = { secret: Secret.fromBase32(entry.secret), digits: entry.digits, period: entry.period, algorithm: entry.algorithm };
      specs.set(entry, spec);
    }
    return spec;
  };
  return {
    async issue(entry, request) {
      const nowMs = clock.now();
      const lastUsedStep = request.unused ? steps.last(entry.name, entry.period) : undefined;
      const choice = chooseStep({ nowMs, periodSeconds: entry.period, minSecondsLeft: request.minSecondsLeft, lastUsedStep });
      const maxWaitMs = entry.period * 1000 + EXTRA_WAIT_MS;
      if (choice.waitMs > maxWaitMs) {
        const retryAfterSeconds = Math.ceil((choice.waitMs - entry.period * 1000) / 1000);
        return { ok: false, status: 429, retryAfterSeconds, message: `no unused code for ${entry.name} within ${maxWaitMs / 1000} s (later windows are already handed out); retry in ${retryAfterSeconds} s` };
      }
      if (request.unused) await steps.record(entry.name, choice.step, entry.period);
      if (choice.waitMs > 0) {
        const stopped = await Promise.race([clock.sleep(choice.waitMs).then(() => false), stopping.then(() => true)]);
        if (stopped) return { ok: false, status: 503, retryAfterSeconds: 1, message: 'the server is shutting down' };
      }
      const endMs = stepStartMs(choice.step + 1, entry.period);
      const secondsLeft = Math.min(entry.period, Math.max(0, Math.floor((endMs - clock.now()) / 1000)));
      return { ok: true, code: codeForStep(specOf(entry), choice.step), secondsLeft, step: choice.step };
    },
  };
}
