import { secondsLeft, stepStartMs, timeStep } from './code.js';

export interface StepChoice {
  /** The window whose code will be submitted. */
  step: number;
  /** How long to wait (ms) before that window opens; 0 when it is open now. */
  waitMs: number;
}

export interface StepRule {
  /** Now, in ms since the epoch, on the portal's clock. */
  nowMs: number;
  periodSeconds: number;
  /** A code with fewer seconds left than this may expire in transit: use the next window. */
  minSecondsLeft: number;
  /** Highest window already submitted for this secret (by any process), if any. */
  lastUsedStep: number | undefined;
}

/**
 * Picks the window to use: the current one if it is fresh enough and unused,
 * else the first later window that is. Pure, so tests drive it with any clock.
 */
export function chooseStep(rule: StepRule): StepChoice {
  const current = timeStep(rule.nowMs, rule.periodSeconds);
  let step = secondsLeft(rule.nowMs, rule.periodSeconds) < rule.minSecondsLeft ? current + 1 : current;
  if (rule.lastUsedStep !== undefined && step <= rule.lastUsedStep) step = rule.lastUsedStep + 1;
  return { step, waitMs: Math.max(0, stepStartMs(step, rule.periodSeconds) - rule.nowMs) };
}
