import { expect, test } from '@playwright/test';
import { defaultConcurrency } from '../../app/concurrency.js';
import { runLimited } from '../../app/pool.js';

/** Runs `items` (group names) through runLimited with tasks that take `ms` each, recording how many ran at once. */
async function record(items: string[], concurrency: number, groupLimit: Record<string, number>, ms = 5) {
  let now = 0;
  let most = 0;
  const perGroup = new Map<string, number>();
  const mostPerGroup = new Map<string, number>();
  const started: number[] = [];
  const results = await runLimited(items, { concurrency, groupOf: (g) => g, groupLimit: (g) => groupLimit[g] ?? Infinity }, async (group, index) => {
    now += 1;
    most = Math.max(most, now);
    perGroup.set(group, (perGroup.get(group) ?? 0) + 1);
    mostPerGroup.set(group, Math.max(mostPerGroup.get(group) ?? 0, perGroup.get(group)!));
    started.push(index);
    await new Promise((done) => setTimeout(done, ms * (1 + (index % 3))));
    now -= 1;
    perGroup.set(group, perGroup.get(group)! - 1);
    return `${group}#${index}`;
  });
  return { results, most, mostPerGroup: Object.fromEntries(mostPerGroup), started };
}

test('runLimited: never more than the concurrency at once, never more than a group\'s limit, results in the items\' order', async () => {
  const items = ['a', 'a', 'a', 'a', 'b', 'b', 'c', 'a', 'b', 'c'];
  const run = await record(items, 4, { a: 1, b: 2 });
  expect(run.results).toEqual(items.map((g, i) => `${g}#${i}`));
  expect(run.most).toBe(4);
  expect({ a: run.mostPerGroup.a, b: run.mostPerGroup.b }).toEqual({ a: 1, b: 2 });
  // The first items of the capped group wait; the others go ahead of them instead of idling.
  expect(run.started.slice(0, 4)).toEqual([0, 4, 5, 6]);
});

test('runLimited: concurrency 1 runs one after another in order; an empty list is an empty result', async () => {
  const run = await record(['x', 'y', 'z'], 1, {});
  expect(run.started).toEqual([0, 1, 2]);
  expect(run.most).toBe(1);
  expect((await record([], 3, {})).results).toEqual([]);
});

test('defaultConcurrency: several logins per core, bounded by half the memory and by 8', () => {
  const GiB = 2 ** 30;
  expect(defaultConcurrency({ cores: 2, memoryBytes: 24 * GiB })).toBe(8);
  expect(defaultConcurrency({ cores: 1, memoryBytes: 24 * GiB })).toBe(4);
  expect(defaultConcurrency({ cores: 16, memoryBytes: 1 * GiB })).toBe(2);
  expect(defaultConcurrency({ cores: 4, memoryBytes: 256 * 2 ** 20 })).toBe(1);
});
