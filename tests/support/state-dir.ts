import { readdir } from 'node:fs/promises';

/**
 * The state dir's entries other than `recipes/` (what the fast path learned:
 * `fastPath: learn` is the default, so every browser login writes one).
 */
export async function stateEntries(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name !== 'recipes').sort();
}
