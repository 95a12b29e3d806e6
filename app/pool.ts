/**
 * Runs `run` over `items` with at most `concurrency` at once, and at most
 * `groupLimit(group)` at once per group (a portal's `maxConcurrent`), in
 * the items' order as far as the limits allow. Results keep the items'
 * order. `run` must not throw: each item's failure is its own result.
 */
export async function runLimited<T, R>(
  items: readonly T[],
  limits: { concurrency: number; groupOf: (item: T) => string; groupLimit: (group: string) => number },
  run: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const waiting = items.map((item, index) => ({ item, index }));
  const runningPerGroup = new Map<string, number>();
  const running = new Set<Promise<void>>();
  const hasRoom = (group: string) => (runningPerGroup.get(group) ?? 0) < Math.max(1, limits.groupLimit(group));
  while (waiting.length > 0 || running.size > 0) {
    while (running.size < Math.max(1, limits.concurrency)) {
      const next = waiting.findIndex(({ item }) => hasRoom(limits.groupOf(item)));
      if (next < 0) break;
      const [{ item, index }] = waiting.splice(next, 1) as [{ item: T; index: number }];
      const group = limits.groupOf(item);
      runningPerGroup.set(group, (runningPerGroup.get(group) ?? 0) + 1);
      const task: Promise<void> = run(item, index).then((result) => {
        results[index] = result;
        runningPerGroup.set(group, runningPerGroup.get(group)! - 1);
        running.delete(task);
      });
      running.add(task);
    }
    if (running.size > 0) await Promise.race(running);
  }
  return results;
}
