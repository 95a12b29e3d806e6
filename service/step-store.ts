import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomic-write.js';
import { PortalLoginError } from '../core/errors.js';
import { stepStartMs, timeStep } from '../totp/code.js';

/**
 * The windows handed out per entry with `unused=true`, kept beside the vault
 * (`<vault>.steps.json`; names and times only) so a restarted server never
 * hands a window out again. Kept as the time the last one ends rather than
 * its step number: an entry replaced with another period keeps its history.
 */
export interface StepStore {
  /** The last window handed out for `entry`, in steps of `periodSeconds`. */
  last(entry: string, periodSeconds: number): number | undefined;
  /** Records `step` in memory at once (the caller's reservation) and resolves once it is on disk. */
  record(entry: string, step: number, periodSeconds: number): Promise<void>;
}

export async function fileStepStore(path: string): Promise<StepStore> {
  const usedUntilMs = new Map<string, number>(Object.entries(await readUsed(path)));
  let writing: Promise<void> = Promise.resolve();
  return {
    last(entry, periodSeconds) {
      const until = usedUntilMs.get(entry);
      // The window holding the last used millisecond: with a longer period now, that window was (partly) handed out.
      return until === undefined ? undefined : timeStep(until - 1, periodSeconds);
    },
    record(entry, step, periodSeconds) {
      usedUntilMs.set(entry, Math.max(stepStartMs(step + 1, periodSeconds), usedUntilMs.get(entry) ?? 0));
      // Serialised: each write holds every reservation made before it, so the last one on disk is the newest.
      const write = writing.then(() => writeFileAtomic(path, JSON.stringify({ version: 1, usedUntilMs: Object.fromEntries(usedUntilMs) }) + '\n'));
      writing = write.catch(() => undefined);
      return write;
    },
  };
}

async function readUsed(path: string): Promise<Record<string, number>> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return {};
  let parsed: { usedUntilMs?: Record<string, unknown> };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new PortalLoginError('USAGE', `The file ${path} (windows already handed out with unused=true) is not JSON.`, {
      hint: 'Delete it once a full period has passed since the server last ran: until then a window could be handed out twice.',
    });
  }
  return Object.fromEntries(Object.entries(parsed.usedUntilMs ?? {}).filter((pair): pair is [string, number] => Number.isInteger(pair[1])));
}
