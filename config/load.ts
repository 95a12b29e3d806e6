import { readFile } from 'node:fs/promises';
import { resolve, dirname, isAbsolute } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { PortalLoginError } from '../core/errors.js';
import { configSchema, type Config, type ConfigInput } from './schema.js';

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file it came from, or a description for built-in configs. */
  source: string;
}

/** Reads, parses and validates a YAML/JSON config file; relative dirs resolve against the file's folder. */
export async function loadConfigFile(path: string): Promise<LoadedConfig> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new PortalLoginError('CONFIG_INVALID', `Config file not found: ${file}`, {
      hint: 'Pass --config PATH, set PORTAL_LOGIN_CONFIG, or create portal-login.yaml (see the README\'s config reference).',
    });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    // Only the first line: the parser's next lines quote the file, which may hold a pasted secret.
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '').replace(/:$/, '') : 'unreadable';
    const at = error instanceof YAMLParseError && error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col} of ` : '';
    throw new PortalLoginError('CONFIG_INVALID', `${file} is not valid YAML/JSON: ${reason}`, {
      hint: `Fix ${at}${file}: indent with spaces, not tabs; put a space after each "key:"; quote values that contain ": " or " #" or start with { [ * & ! | > ' " % @ or a backtick. A JSON file is read as YAML, so JSON works too.`,
    });
  }
  const config = validateConfig(raw, file);
  return { config: resolveDirs(config, dirname(file)), source: file };
}

/** Validates an in-memory config (demo, tests); every problem is reported at once as `path: message`. */
export function validateConfig(raw: unknown | ConfigInput, source: string): Config {
  const result = configSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  throw new PortalLoginError('CONFIG_INVALID', `Invalid config in ${source}:\n${formatIssues(result.error.issues)}`, {
    hint: 'Fix the keys listed above; the README\'s "Configuration" section lists every key.',
  });
}

function formatIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join('.') || '(top level)';
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      return `  - ${path}: ${issue.message}${keys}`;
    })
    .join('\n');
}

function resolveDirs(config: Config, base: string): Config {
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return { ...config, stateDir: at(config.stateDir), artifactsDir: at(config.artifactsDir) };
}
