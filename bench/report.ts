/** The text `npm run bench` prints: per variant, both sides' medians, their ratio and n. */
import { availableParallelism } from 'node:os';
import type { RunMeasure } from './measure.js';
import { MB, ratio, summarize, table } from './stats.js';
import type { BenchVariant } from './variants.js';

/** A's and B's measured runs on one variant, in run order. */
export interface VariantRuns {
  variant: BenchVariant;
  a: RunMeasure[];
  b: RunMeasure[];
}

export interface ReportContext {
  runs: number;
  codeCache: boolean;
  sampleMs: number;
  chromium: string;
  /** 1-minute load average before and after the measured runs. */
  load: [number, number];
  /** Time the user pool waited for a TOTP window between runs (never inside one). */
  userWaitMs: number;
}

/** The bench aims for portal-login no slower than the hand-written script. */
const TARGET_RATIO = 1.0;

const ms = (v: number) => v.toFixed(0);
const wall = (runs: RunMeasure[]) => summarize(runs.map((r) => r.wallMs));
const rss = (runs: RunMeasure[]) => summarize(runs.map((r) => r.peakRssBytes / MB));

/**
 * Median of A/B within each round. A round's two runs are seconds apart, so
 * load from the rest of a shared machine, which drifts over minutes, mostly
 * cancels here while it still moves both medians.
 */
function pairedRatio(a: RunMeasure[], b: RunMeasure[]): number {
  return summarize(a.map((r, i) => r.wallMs / b[i]!.wallMs)).median;
}

export function benchReport(results: readonly VariantRuns[], context: ReportContext): string {
  const { runs, sampleMs, codeCache, chromium, load, userWaitMs } = context;
  const all = results.flatMap((r) => [...r.a, ...r.b]);
  const meanSample = all.reduce((s, r) => s + r.meanSampleMs, 0) / all.length;
  const order = results.map((r) => `${r.variant} A,B`).join(', ');
  return [
    `portal-login benchmark: demo portal, ${runs} runs per side and variant, interleaved in rounds of ${order}, after 1 unmeasured warm-up of each`,
    `machine: nproc ${availableParallelism()}, Node ${process.version}, ${chromium}, ${process.platform}/${process.arch}`,
    `load average (1 min) before/after: ${load[0].toFixed(2)} / ${load[1].toFixed(2)}${Math.max(...load) > availableParallelism() ? '  (above the core count, partly from these runs themselves: figures are noisy)' : ''}`,
    `A = node dist/bin/portal-login.js login <variant>-<user> (zero selectors; code cache ${codeCache ? 'warm, filled by the warm-up runs' : 'off'})   B = node dist/bench/hand-written.js <variant> … (explicit selectors, bench/hand-written/<variant>.ts)`,
    '',
    table([
      ['variant', 'A median ms', 'B median ms', 'A/B', 'paired A/B', 'n', 'A min..max ms', 'B min..max ms', 'A RSS MB', 'B RSS MB', 'RSS A/B'],
      ...results.map(({ variant, a, b }) => {
        const [wa, wb, ra, rb] = [wall(a), wall(b), rss(a), rss(b)];
        return [variant, ms(wa.median), ms(wb.median), ratio(wa.median, wb.median), `${pairedRatio(a, b).toFixed(2)}×`, String(a.length), `${ms(wa.min)}..${ms(wa.max)}`, `${ms(wb.min)}..${ms(wb.max)}`, ms(ra.median), ms(rb.median), ratio(ra.median, rb.median)];
      }),
    ]),
    '',
    table([['run', ...Array.from({ length: runs }, (_, i) => String(i + 1))], ...results.flatMap(({ variant, a, b }) => [[`${variant} A ms`, ...a.map((r) => ms(r.wallMs))], [`${variant} B ms`, ...b.map((r) => ms(r.wallMs))]])]),
    '',
    'paired A/B = median over rounds of that round\'s A/B (the two runs are back to back, so slow drifts in machine load cancel).',
    `RSS = median peak of the summed VmRSS over the child and all descendants (shared pages counted per process), sampled every ${sampleMs} ms; one sample cost ${meanSample.toFixed(2)} ms on average.`,
    `Demo users: one pool for all runs, least recently used first, so no user logs in twice in one TOTP window; waited ${ms(userWaitMs)} ms for a window between runs.`,
    ...results.map(({ variant, a, b }) => verdict(variant, wall(a).median, wall(b).median)),
  ].join('\n') + '\n';
}

function verdict(variant: BenchVariant, a: number, b: number): string {
  const r = a / b;
  return r <= TARGET_RATIO
    ? `${variant}: TARGET MET: median wall time A/B = ${r.toFixed(2)}× ≤ ${TARGET_RATIO.toFixed(1)}×`
    : `${variant}: TARGET MISSED: median wall time A/B = ${r.toFixed(2)}× > ${TARGET_RATIO.toFixed(1)}× (A is ${ms(a - b)} ms slower per login)`;
}
