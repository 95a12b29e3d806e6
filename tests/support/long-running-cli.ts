import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI } from './cli.js';

/** A CLI process that runs until stopped (schedule, serve), its output collected as it comes. */
export interface RunningCli {
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once `condition` holds (checked as output arrives); rejects if the process ends first. */
  until(condition: (run: { stdout: string; stderr: string }) => boolean, what: string): Promise<void>;
  /** The exit status (128 + n for a signal, as the CLI's own stop handler exits). */
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
  /** Kills it if still running (for finally blocks). */
  stop(): Promise<void>;
}

/** Starts the built CLI as runCli does (only the given env, ledger under `cwd`), without waiting for it to end. */
export function startCli(args: string[], options: { cwd: string; env?: Record<string, string> }): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORTAL_LOGIN_LEDGER_DIR: join(options.cwd, '.ledger'), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  child.stdout.on('data', (d) => ((out.stdout += d), wake()));
  child.stderr.on('data', (d) => ((out.stderr += d), wake()));
  let ended = false;
  const exited = new Promise<number | null>((done) => child.on('close', (status) => ((ended = true), wake(), done(status))));
  return {
    get stdout() {
      return out.stdout;
    },
    get stderr() {
      return out.stderr;
    },
    until: (condition, what) =>
      new Promise<void>((done, fail) => {
        const check = () => {
          if (condition(out)) return void (waiters.delete(check), done());
          if (ended) return void (waiters.delete(check), fail(new Error(`the CLI ended before ${what}:\n${out.stdout}\n${out.stderr}`)));
        };
        waiters.add(check);
        check();
      }),
    exited,
    kill: (signal) => void child.kill(signal),
    stop: async () => {
      if (!ended) child.kill('SIGKILL');
      await exited;
    },
  };
}
