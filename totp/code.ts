import { TOTP } from 'otpauth';
import type { TotpSpec } from './spec.js';

/** The time step (window number) that `timestampMs` falls in. */
export function timeStep(timestampMs: number, periodSeconds: number): number {
  return Math.floor(timestampMs / 1000 / periodSeconds);
}

/** Seconds left (fractional) in the window that `timestampMs` falls in. */
export function secondsLeft(timestampMs: number, periodSeconds: number): number {
  const periodMs = periodSeconds * 1000;
  return (periodMs - (timestampMs % periodMs)) / 1000;
}

/** Start of window `step`, in ms since the epoch. */
export function stepStartMs(step: number, periodSeconds: number): number {
  return step * periodSeconds * 1000;
}

/** The code for window `step`. */
export function codeForStep(spec: TotpSpec, step: number): string {
  return TOTP.generate({
    secret: spec.secret,
    algorithm: spec.algorithm,
    digits: spec.digits,
    period: spec.period,
    timestamp: stepStartMs(step, spec.period),
  });
}

/** The code valid at `timestampMs` (ms since the epoch). */
export function codeAt(spec: TotpSpec, timestampMs: number): string {
  return codeForStep(spec, timeStep(timestampMs, spec.period));
}
