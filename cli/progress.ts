/**
 * The live progress of a run on a terminal: one line per account (waiting,
 * logging in, waiting for a code, done, failed), redrawn in place with ANSI
 * cursor-up and clear-line. Other lines (warnings) are printed above the
 * block, which is then drawn again below them. Off a terminal, the run's
 * plain per-account log lines are the progress instead.
 */
import type { OnProgress, ProgressState } from '../app/progress.js';

export interface LiveProgress {
  onProgress: OnProgress;
  /** Prints a line above the live block (a warning), keeping the block below it. */
  log(line: string): void;
}

const UP = (rows: number) => `\x1b[${rows}A`;
const CLEAR_LINE = '\x1b[2K';

/** What one account's line says after its name. */
export function stateText(state: ProgressState): string {
  switch (state.kind) {
    case 'waiting':
      return 'waiting';
    case 'logging-in':
      return 'logging in…';
    case 'code-wait':
      return `waiting ${state.seconds} s for ${state.reason}`;
    case 'done':
      return state.kept ? 'done (kept the session another run saved)' : `done in ${(state.durationMs / 1000).toFixed(1)} s`;
    case 'failed':
      return `failed (${state.code})`;
  }
}

/**
 * The display for `accounts`, in that order, written with `write` (raw,
 * no newline added). `columns` is the terminal's width: a line that wrapped
 * would break the count of rows to go back up, so lines are cut to fit.
 */
export function liveProgress(accounts: readonly string[], write: (chunk: string) => void, columns = 80): LiveProgress {
  const states = new Map<string, ProgressState>(accounts.map((a) => [a, { kind: 'waiting' }]));
  const width = Math.max(0, ...accounts.map((a) => a.length));
  let drawn = false;
  const fit = (line: string) => (line.length < columns ? line : `${line.slice(0, Math.max(1, columns - 2))}…`);
  const block = () => accounts.map((a) => `${CLEAR_LINE}${fit(`${a.padEnd(width)}  ${stateText(states.get(a)!)}`)}\n`).join('');
  const back = () => (drawn ? UP(accounts.length) : '');
  const draw = (above = '') => {
    write(`${back()}${above}${block()}`);
    drawn = true;
  };
  return {
    onProgress(account, state) {
      if (!states.has(account)) return;
      states.set(account, state);
      draw();
    },
    log(line) {
      // A line wider than the terminal wraps above the block: harmless, the block is counted from below it.
      draw(`${CLEAR_LINE}${line}\n`);
    },
  };
}
