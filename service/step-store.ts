import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomic-write.js';
import { PortalLoginError } from '../core/errors.js';

/**
 * The last window handed out per entry with `unused=true`, kept beside the
 * vault (`<vault>.steps.json`; names and numbers only) so a restarted
 * server never hands a window out again.
 */
export interface StepStore {
  last(entry: string): number | undefined;
  /** Records `step` in memory at once (the caller's reservation) and resolves once it is on disk. */
  record(entry: string, step: number): Promise<void>;
}

export async function fileStepStore(path: string): Promise<StepStore> {
  const steps = new Map<string, number>(Object.entries(await readSteps(path)));
  let writing: Promise<void> = Promise.resolve();
  return {
    last: (entry) => steps.get(entry),
    record(entry, step) {
      steps.set(entry, Math.max(step, steps.get(entry) ?? step));
      // Serialised: each write holds every reservation made before it, so the last one on disk is the newest.
      const write = writing.then(() => writeFileAtomic(path, JSON.stringify({ version: 1, steps: Object.fromEntries(steps) }) + '\n'));
      writing = write.catch(() => undefined);
      return write;
    },
  };
}

async function readSteps(path: string): Promise<Record<string, number>> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return {};
  let parsed: { steps?: Record<string, unknown> };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new PortalLoginError('USAGE', `The file ${path} (windows already handed out with unused=true) is not JSON.`, {
      hint: 'Delete it once a full period has passed since the server last ran: until then a window could be handed out twice.',
    });
  }
  return Object.fromEntries(Object.entries(parsed.steps ?? {}).filter((pair): pair is [string, number] => Number.isInteger(pair[1])));
}
