/** The demo-portal variants `npm run bench` times, each with its own hand-written login (hand-written/*.ts). */
import type { DemoVariant } from '../demo-portal/index.js';

export type BenchVariant = Extract<DemoVariant, 'classic' | 'autosubmit' | 'sameform'>;

/** In the order they run within each round. classic first: it is the figure every earlier bench run reported. */
export const BENCH_VARIANTS: readonly BenchVariant[] = Object.freeze(['classic', 'autosubmit', 'sameform']);

export function isBenchVariant(value: string): value is BenchVariant {
  return (BENCH_VARIANTS as readonly string[]).includes(value);
}
