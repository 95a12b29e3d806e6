import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'dotenv';
import { PortalLoginError } from '../core/errors.js';
import type { Redactor } from '../core/redact.js';

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

/**
 * How a missing variable is named in an error: `NAME (where)`. A config
 * value can pass as a variable name and still be a pasted secret (a base32
 * TOTP secret is letters and digits 2-7; a weak password may be letters and
 * digits only), so one that looks like a secret is not repeated.
 */
export function describeMissingVariable(name: string, where: string): string {
  return looksLikePastedSecret(name) ? `a variable whose name looks like the secret itself, not shown (${where})` : `${name} (${where})`;
}

/** Where a secret should have come from: the variable the config names, and the config key (`file: accounts.x.passwordEnv`). */
export interface MissingSecret {
  variable: string;
  where: string;
}

/**
 * One MISSING_SECRET listing every missing variable at once. A name that
 * looks like a pasted secret is not shown, is redacted from everything else
 * the run prints, and adds a hint on what belongs in the config.
 */
export function missingSecretsError(missing: readonly MissingSecret[], redactor: Redactor): PortalLoginError {
  const pasted = missing.filter((m) => looksLikePastedSecret(m.variable));
  for (const m of pasted) redactor.add(m.variable);
  const lines = missing.map((m) => `  - ${describeMissingVariable(m.variable, m.where)}`);
  return new PortalLoginError('MISSING_SECRET', `Missing environment variable${missing.length > 1 ? 's' : ''}:\n${lines.join('\n')}`, {
    hint: `${pasted.length > 0 ? `${PASTED_SECRET_HINT} ` : ''}Set ${missing.length > 1 ? 'them' : 'it'} in the environment or in a .env file in the current directory (real environment variables win over .env).`,
  });
}

/** What to do when describeMissingVariable hid a name. */
const PASTED_SECRET_HINT =
  'passwordEnv and totpSecretEnv hold the NAME of an environment variable (e.g. BROKER_TOTP_SECRET), not the secret itself: move the secret into .env or the environment and put the variable\'s name in the config.';

/** No underscore, and either 16+ base32 characters (a TOTP secret) or lower case mixed with digits (a password). */
function looksLikePastedSecret(name: string): boolean {
  if (name.includes('_')) return false;
  return /^[A-Z2-7]{16,}$/.test(name) || (/[a-z]/.test(name) && /[0-9]/.test(name));
}
