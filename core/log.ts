import type { Redactor } from './redact.js';

/** Progress messages go to stderr so stdout stays clean for --json and piping. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

/** A logger that passes every line through the run's redactor. */
export function createLogger(options: { redactor: Redactor; verbose: boolean; quiet?: boolean; write?: (line: string) => void; prefix?: string }): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const prefix = options.prefix ? `[${options.prefix}] ` : '';
  const emit = (level: string, message: string) => write(`${prefix}${level}${options.redactor.redact(message)}`);
  return {
    info: (m) => (options.quiet ? undefined : emit('', m)),
    warn: (m) => emit('warning: ', m),
    debug: (m) => (options.verbose ? emit('debug: ', m) : undefined),
  };
}
