import { spawn } from 'node:child_process';
import type { CodeConfig } from '../config/code-schema.js';
import type { Clock } from '../core/clock.js';
import { PortalLoginError } from '../core/errors.js';
import type { CodeSource } from './code-source.js';

type CommandCode = Extract<CodeConfig, { source: 'command' }>;

export interface CommandSourceOptions {
  config: CommandCode;
  /** `accounts.NAME.code`, for messages. */
  ref: string;
  /** The program's environment (the run's, .env included: password managers need their session variables). */
  env: NodeJS.ProcessEnv;
  clock: Clock;
}

/** More output than any code printer writes: a program that floods stdout is stopped, not buffered. */
const MAX_OUTPUT_BYTES = 64 * 1024;
/** How often a retry re-runs the program until it prints a code different from the rejected one (ms). */
const NEW_CODE_POLL_MS = 1000;

/**
 * Runs a configured program (a password manager's `--otp`, `oathtool`,
 * `vault read`) and reads the code from what it prints. No shell unless
 * `shell: true`: arguments reach the program as given. What the program
 * writes on stderr is never shown: it may echo a secret.
 */
export function commandCodeSource(options: CommandSourceOptions): CodeSource {
  const { config, clock } = options;
  let last: string | undefined;
  return {
    method: config.method,
    rejectedHint: `Check what ${describe(config)} prints (run it by hand): the code it gives must be the one the portal expects now.`,
    async next(request) {
      const deadline = clock.now() + config.timeoutSeconds * 1000;
      let code = await runOnce(options, deadline);
      // A TOTP printer gives the same code until its window turns: a retry waits for a different one, never resends the rejected code.
      if (request.afterRejection && code === last) request.onWait?.(Math.ceil((deadline - clock.now()) / 1000), `${describe(config)} to print a new code`);
      while (request.afterRejection && code === last) {
        if (clock.now() + NEW_CODE_POLL_MS > deadline) throw timeout(options, 'new code (different from the rejected one)');
        await clock.sleep(NEW_CODE_POLL_MS);
        code = await runOnce(options, deadline);
      }
      last = code;
      return { code, label: `from ${describe(config)}` };
    },
  };
}

/** The program's name only: its arguments may carry an item name or a secret. */
function describe(config: CommandCode): string {
  const program = Array.isArray(config.command) ? config.command[0]! : (config.command.trim().split(/\s+/)[0] ?? 'the command');
  return `the command "${program}"`;
}

async function runOnce(options: CommandSourceOptions, deadline: number): Promise<string> {
  const { config, ref } = options;
  const [program, ...args] = Array.isArray(config.command) ? config.command : [config.command];
  const child = spawn(program!, args, { shell: config.shell, env: options.env, stdio: ['ignore', 'pipe', 'ignore'] });
  const chunks: Buffer[] = [];
  let size = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_OUTPUT_BYTES) child.kill('SIGKILL');
    else chunks.push(chunk);
  });
  let timedOut = false;
  const timer = setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), Math.max(0, deadline - options.clock.now()));
  const outcome = await new Promise<{ status: number | null; signal: NodeJS.Signals | null } | Error>((resolve) => {
    child.once('error', resolve);
    child.once('close', (status, signal) => resolve({ status, signal }));
  }).finally(() => clearTimeout(timer));
  const what = describe(config);
  if (outcome instanceof Error) {
    throw new PortalLoginError('CODE_SOURCE_FAILED', `Could not run ${what}: ${(outcome as NodeJS.ErrnoException).code ?? outcome.message}.`, {
      hint: `Check ${ref}.command: the program must be installed and on PATH (or give its full path).`,
    });
  }
  if (size > MAX_OUTPUT_BYTES) throw failed(what, `printed more than ${MAX_OUTPUT_BYTES / 1024} KB`, ref);
  if (timedOut) throw timeout(options, 'code');
  if (outcome.status !== 0) throw failed(what, outcome.signal ? `was stopped by ${outcome.signal}` : `exited with status ${outcome.status}`, ref);
  const output = Buffer.concat(chunks).toString('utf8');
  if (output.trim() === '') throw failed(what, 'printed nothing', ref);
  const match = new RegExp(config.pattern).exec(output);
  const code = match?.[1] ?? match?.[0];
  if (!code) throw failed(what, `printed no code matching ${ref}.pattern (/${config.pattern}/)`, ref);
  return code;
}

function failed(what: string, problem: string, ref: string): PortalLoginError {
  return new PortalLoginError('CODE_SOURCE_FAILED', `${what} ${problem}; no code was sent to the portal.`, {
    hint: `Run it by hand to see why (its stderr is not shown: it may hold a secret), then fix ${ref}.`,
  });
}

function timeout(options: CommandSourceOptions, what: string): PortalLoginError {
  return new PortalLoginError('CODE_TIMEOUT', `${describe(options.config)} gave no ${what} within ${options.config.timeoutSeconds} s.`, {
    hint: `Run it by hand: it may be waiting for input (a locked password manager) or the network. Raise ${options.ref}.timeoutSeconds if it is just slow.`,
  });
}
