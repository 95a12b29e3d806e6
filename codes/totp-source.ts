import type { Clock } from '../core/clock.js';
import { codeForStep } from '../totp/code.js';
import { chooseStep } from '../totp/freshness.js';
import type { StepLedger } from '../totp/step-ledger.js';
import type { TotpSpec } from '../totp/spec.js';
import type { CodeSource } from './code-source.js';

export interface TotpSourceOptions {
  spec: TotpSpec;
  ledger: StepLedger;
  /** The portal's clock (this machine's clock corrected by the measured skew). */
  clock: Clock;
  /** Seconds a code must still be valid for when submitted. */
  minSecondsLeft: number;
}

const TOTP_REJECTED_HINT = "Check the TOTP secret, and that this machine's clock is right (NTP); digits/period/algorithm must match the portal (totp: in the config).";

/**
 * Issues TOTP codes that are fresh and never issued before for this secret:
 * the ledger reserves the window, then we wait for it to open if needed.
 */
export function totpCodeSource(options: TotpSourceOptions): CodeSource {
  const { spec, ledger, clock, minSecondsLeft } = options;
  return {
    method: 'totp',
    rejectedHint: TOTP_REJECTED_HINT,
    async next(request) {
      const choice = await ledger.claim(spec, (lastUsedStep) =>
        chooseStep({ nowMs: clock.now(), periodSeconds: spec.period, minSecondsLeft, lastUsedStep }),
      );
      if (choice.waitMs > 0) {
        const reason = request.afterRejection ? 'the rejected code\'s window to pass' : 'a fresh, unused TOTP window';
        request.onWait?.(Math.ceil(choice.waitMs / 1000), reason);
        await clock.sleep(choice.waitMs);
      }
      return { code: codeForStep(spec, choice.step), label: `TOTP window ${choice.step}` };
    },
  };
}
