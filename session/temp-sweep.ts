import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tempFilePattern } from '../core/atomic-write.js';

/** A temp file this old is not being written any more: a save writes a few KB and renames within milliseconds. */
export const STALE_TEMP_MS = 5_000;

export interface SweepOptions {
  /** Now, in ms since the epoch (injected so tests need not wait). */
  now?: number;
  /** Whether a process with this pid is running (injected for tests). */
  isRunning?: (pid: number) => boolean;
}

/**
 * Deletes the temp files writeFileAtomic left behind for `fileName` in `dir`
 * when a save was killed before its rename (often complete live sessions,
 * so they must not pile up): those whose writer's pid is no longer running,
 * and any older than STALE_TEMP_MS (older versions put no pid in the name;
 * a pid may have been reused). Only names matching our temp pattern for this
 * one file are touched. Returns the names removed.
 */
export async function sweepStaleTemps(dir: string, fileName: string, options: SweepOptions = {}): Promise<string[]> {
  const pattern = tempFilePattern(fileName);
  const now = options.now ?? Date.now();
  const isRunning = options.isRunning ?? processIsRunning;
  const names = await readdir(dir).catch(() => [] as string[]); // no folder yet: nothing to sweep
  const removed: string[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const pid = match[1] === undefined ? undefined : Number(match[1]);
    const path = join(dir, name);
    const modified = await stat(path).then((s) => s.mtimeMs, () => undefined);
    if (modified === undefined) continue; // renamed or swept by someone else meanwhile
    const writerGone = pid !== undefined && pid !== process.pid && !isRunning(pid);
    if (!writerGone && now - modified <= STALE_TEMP_MS) continue;
    await rm(path, { force: true });
    removed.push(name);
  }
  return removed;
}

/** Signal 0 checks existence only; EPERM means it runs under another user. */
function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
