import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'dotenv';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The environment the tool reads secrets from: `.env` (if present) under the
 * real environment, which wins. Returns a new object; process.env is not
 * modified, so nothing leaks into child processes by accident.
 */
export function loadEnv(options: { dotenvPath?: string; processEnv?: Env } = {}): Env {
  const processEnv = options.processEnv ?? process.env;
  const path = resolve(options.dotenvPath ?? '.env');
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parse(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { ...fromFile, ...definedOnly(processEnv) };
}

function definedOnly(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
