import { availableParallelism, totalmem } from 'node:os';
import { defaultConcurrency } from '../app/concurrency.js';
import type { BrowserInBackground } from '../browser/launch.js';
import type { Terminal } from '../codes/prompt-source.js';
import { Redactor } from '../core/redact.js';
import { createLogger, type Logger } from '../core/log.js';

/** What a command needs from the outside world; tests pass their own. */
export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  out: (text: string) => void;
  err: (text: string) => void;
  /** One per run: every secret read is registered here before anything is printed. */
  redactor: Redactor;
  /** Chromium started before the CLI parsed its arguments (see cli/early-browser.ts). */
  earlyBrowser?: EarlyBrowser;
  /** Set when stderr is a terminal: raw writes (no newline added) and its width, for the live progress (cli/progress.ts). */
  errTerminal?: { write: (chunk: string) => void; columns: number };
}

export interface EarlyBrowser extends BrowserInBackground {
  headed: boolean;
}

export function processContext(earlyBrowser?: EarlyBrowser): CliContext {
  return {
    earlyBrowser,
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin,
    out: (text) => process.stdout.write(text + '\n'),
    err: (text) => process.stderr.write(text + '\n'),
    redactor: new Redactor(),
    ...(process.stderr.isTTY ? { errTerminal: { write: (chunk: string) => void process.stderr.write(chunk), columns: process.stderr.columns || 80 } } : {}),
  };
}

export function loggerFor(ctx: CliContext, options: { verbose: boolean; quiet?: boolean; prefix?: string }): Logger {
  return createLogger({ redactor: ctx.redactor, verbose: options.verbose, quiet: options.quiet, prefix: options.prefix, write: ctx.err });
}

/** The run's terminal for the prompt code source: only when stdin is a TTY (cron, CI and pipes have none). */
export function terminalOf(ctx: CliContext): { terminal?: Terminal } {
  return ctx.stdin.isTTY ? { terminal: { input: ctx.stdin, write: ctx.err } } : {};
}

/** --concurrency, else the machine's default (app/concurrency.ts), said in --verbose. */
export function concurrencyFor(given: number | undefined, log: Logger): number {
  const concurrency = given ?? defaultConcurrency();
  log.debug(`Logging in up to ${concurrency} account(s) at once (${given === undefined ? `default for ${availableParallelism()} core(s) and ${Math.round(totalmem() / 2 ** 30)} GiB` : '--concurrency'}).`);
  return concurrency;
}
