/**
 * chooseStep: which TOTP window to submit and how long to wait for it.
 * Pure, so the table drives it with fixed timestamps.
 */
import { expect, test } from '@playwright/test';
import { chooseStep, type StepRule } from '../../totp/freshness.js';

/** Window W = 56_666_666 of 30 s starts at 1_699_999_980_000 ms. */
const W = 56_666_666;
const START = W * 30_000;

interface Row {
  name: string;
  rule: Omit<StepRule, 'periodSeconds'> & { periodSeconds?: number };
  step: number;
  waitMs: number;
}

const ROWS: Row[] = [
  { name: 'fresh window, nothing used: use it now', rule: { nowMs: START + 1_000, minSecondsLeft: 5, lastUsedStep: undefined }, step: W, waitMs: 0 },
  { name: 'window just opened', rule: { nowMs: START, minSecondsLeft: 5, lastUsedStep: undefined }, step: W, waitMs: 0 },
  { name: 'exactly minSecondsLeft left is still fresh', rule: { nowMs: START + 25_000, minSecondsLeft: 5, lastUsedStep: undefined }, step: W, waitMs: 0 },
  { name: '4.999 s left < 5: wait for the next window', rule: { nowMs: START + 25_001, minSecondsLeft: 5, lastUsedStep: undefined }, step: W + 1, waitMs: 4_999 },
  { name: '2 s left: next window in exactly 2000 ms', rule: { nowMs: START + 28_000, minSecondsLeft: 5, lastUsedStep: undefined }, step: W + 1, waitMs: 2_000 },
  { name: '1 ms left: next window in 1 ms', rule: { nowMs: START + 29_999, minSecondsLeft: 5, lastUsedStep: undefined }, step: W + 1, waitMs: 1 },
  { name: 'older window used before: current one is fine', rule: { nowMs: START + 1_000, minSecondsLeft: 5, lastUsedStep: W - 1 }, step: W, waitMs: 0 },
  { name: 'current window already used: next window', rule: { nowMs: START + 1_000, minSecondsLeft: 5, lastUsedStep: W }, step: W + 1, waitMs: 29_000 },
  { name: 'current used and too little left: still only the next window', rule: { nowMs: START + 27_000, minSecondsLeft: 5, lastUsedStep: W }, step: W + 1, waitMs: 3_000 },
  { name: 'ledger ahead (another process took W+1): lastUsed + 1', rule: { nowMs: START + 1_000, minSecondsLeft: 5, lastUsedStep: W + 1 }, step: W + 2, waitMs: 59_000 },
  { name: 'ledger far ahead: lastUsed + 1', rule: { nowMs: START + 10_000, minSecondsLeft: 5, lastUsedStep: W + 3 }, step: W + 4, waitMs: 110_000 },
  { name: 'minSecondsLeft 0: any time left is enough', rule: { nowMs: START + 29_999, minSecondsLeft: 0, lastUsedStep: undefined }, step: W, waitMs: 0 },
  { name: 'minSecondsLeft 0 and current used: next window', rule: { nowMs: START + 29_000, minSecondsLeft: 0, lastUsedStep: W }, step: W + 1, waitMs: 1_000 },
  { name: '60 s period: 10 s left < 15', rule: { nowMs: 28_333_333 * 60_000 + 50_000, periodSeconds: 60, minSecondsLeft: 15, lastUsedStep: undefined }, step: 28_333_334, waitMs: 10_000 },
  { name: '60 s period: 40 s left is fresh', rule: { nowMs: 28_333_333 * 60_000 + 20_000, periodSeconds: 60, minSecondsLeft: 15, lastUsedStep: undefined }, step: 28_333_333, waitMs: 0 },
];

for (const row of ROWS) {
  test(`chooseStep: ${row.name}`, () => {
    const choice = chooseStep({ periodSeconds: 30, ...row.rule });
    expect(choice).toEqual({ step: row.step, waitMs: row.waitMs });
  });
}

test('after waitMs the chosen window is open, and once recorded it is not chosen again', () => {
  for (const row of ROWS) {
    const rule = { periodSeconds: 30, ...row.rule };
    const choice = chooseStep(rule);
    const at = rule.nowMs + choice.waitMs;
    expect(Math.floor(at / 1000 / rule.periodSeconds), row.name).toBe(choice.step);
    // Choosing again at that moment, with the window now recorded as used, moves on.
    expect(chooseStep({ ...rule, nowMs: at, lastUsedStep: choice.step }).step, row.name).toBe(choice.step + 1);
  }
});
