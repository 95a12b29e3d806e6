/**
 * RFC 6238 Appendix B known-answer table (8 digits, 30 s period, ASCII seeds)
 * through the real path: base32 → resolveTotpSpec → codeAt. Plus the window
 * arithmetic the freshness rule depends on.
 */
import { expect, test } from '@playwright/test';
import { Secret } from 'otpauth';
import { codeAt, codeForStep, secondsLeft, stepStartMs, timeStep } from '../../totp/code.js';
import { resolveTotpSpec, type TotpAlgorithm } from '../../totp/spec.js';

const SEEDS: Record<TotpAlgorithm, string> = {
  SHA1: '12345678901234567890',
  SHA256: '12345678901234567890123456789012',
  SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
};

/** [unix seconds, T (step) in hex, SHA1, SHA256, SHA512] — RFC 6238 Appendix B. */
const VECTORS: Array<[number, string, string, string, string]> = [
  [59, '0000000000000001', '94287082', '46119246', '90693936'],
  [1111111109, '00000000023523EC', '07081804', '68084774', '25091201'],
  [1111111111, '00000000023523ED', '14050471', '67062674', '99943326'],
  [1234567890, '000000000273EF07', '89005924', '91819424', '93441116'],
  [2000000000, '0000000003F940AA', '69279037', '90698825', '38618901'],
  [20000000000, '0000000027BC86AA', '65353130', '77737706', '47863826'],
];

const ALGORITHMS: TotpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];

function specFor(algorithm: TotpAlgorithm) {
  const base32 = Secret.fromUTF8(SEEDS[algorithm]).base32;
  return resolveTotpSpec(base32, { flags: { digits: 8, period: 30, algorithm } }, 'RFC 6238 test seed');
}

test('seeds have the RFC byte lengths (20 / 32 / 64)', () => {
  expect(specFor('SHA1').secret.bytes.length).toBe(20);
  expect(specFor('SHA256').secret.bytes.length).toBe(32);
  expect(specFor('SHA512').secret.bytes.length).toBe(64);
});

for (const [seconds, stepHex, ...codes] of VECTORS) {
  ALGORITHMS.forEach((algorithm, i) => {
    test(`RFC 6238 ${algorithm} at T=${seconds}s → ${codes[i]}`, () => {
      const spec = specFor(algorithm);
      expect(codeAt(spec, seconds * 1000)).toBe(codes[i]);
      // Same window via the step directly.
      expect(codeForStep(spec, parseInt(stepHex, 16))).toBe(codes[i]);
    });
  });

  test(`timeStep(${seconds}s) is 0x${stepHex}`, () => {
    expect(timeStep(seconds * 1000, 30)).toBe(parseInt(stepHex, 16));
  });
}

test('the code is the same throughout a window and changes at its edge', () => {
  const spec = specFor('SHA1');
  // Window 37037036 is [1111111080 s, 1111111110 s).
  expect(codeAt(spec, 1111111080_000)).toBe('07081804');
  expect(codeAt(spec, 1111111109_999)).toBe('07081804');
  expect(codeAt(spec, 1111111110_000)).toBe('14050471');
});

test('timeStep: window number for ms timestamps and other periods', () => {
  const cases: Array<[ms: number, period: number, step: number]> = [
    [0, 30, 0],
    [29_999, 30, 0],
    [30_000, 30, 1],
    [59_000, 30, 1],
    [60_000, 30, 2],
    [59_999, 60, 0],
    [60_000, 60, 1],
    [1_700_000_005_000, 30, 56_666_666],
  ];
  for (const [ms, period, step] of cases) expect(timeStep(ms, period), `${ms} ms / ${period} s`).toBe(step);
});

test('secondsLeft: seconds (fractional) until the window ends', () => {
  const cases: Array<[ms: number, period: number, left: number]> = [
    [0, 30, 30],
    [1_000, 30, 29],
    [25_500, 30, 4.5],
    [29_999, 30, 0.001],
    [30_000, 30, 30],
    [59_000, 30, 1],
    [45_000, 60, 15],
  ];
  for (const [ms, period, left] of cases) expect(secondsLeft(ms, period), `${ms} ms / ${period} s`).toBeCloseTo(left, 6);
});

test('stepStartMs: start of a window in ms, inverse of timeStep', () => {
  expect(stepStartMs(0, 30)).toBe(0);
  expect(stepStartMs(1, 30)).toBe(30_000);
  expect(stepStartMs(37037036, 30)).toBe(1111111080_000);
  expect(stepStartMs(3, 60)).toBe(180_000);
  for (const step of [1, 37037036, 666666666]) {
    expect(timeStep(stepStartMs(step, 30), 30)).toBe(step);
    expect(timeStep(stepStartMs(step, 30) - 1, 30)).toBe(step - 1);
  }
});
