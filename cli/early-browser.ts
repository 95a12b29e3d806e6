import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchInBackground } from '../browser/launch.js';
import type { EarlyBrowser } from './context.js';

const BROWSER_COMMANDS = new Set(['login', 'demo']);
/** Demo variants that log in over HTTP only. */
const HTTP_DEMO_VARIANTS = new Set(['api']);

/**
 * For commands that drive a browser, starts Chromium before the CLI loads
 * its argument parser and config schema, so it boots while they load
 * (measured in bench/: about 0.2 s of a 3 s login). `totp`, `--help` and
 * everything else never load Playwright. A guess only: a command whose
 * parsed `--headed` differs starts its own browser and this one is closed;
 * a config with no browser portal (no `loginUrl` in it) starts none.
 */
export function launchEarly(argv: readonly string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): EarlyBrowser | undefined {
  const command = argv[0] ?? '';
  if (!BROWSER_COMMANDS.has(command)) return undefined;
  if (argv.some((a) => a === '--help' || a === '-h')) return undefined;
  if (command === 'demo' && HTTP_DEMO_VARIANTS.has(optionValue(argv, 'variant') ?? '')) return undefined;
  if (command === 'login' && !mayNeedBrowserEarly(resolve(cwd, optionValue(argv, 'config') ?? env.PORTAL_LOGIN_CONFIG ?? 'portal-login.yaml'))) return undefined;
  const headed = argv.includes('--headed') || argv.includes('--headed=true');
  return { headed, ...launchInBackground({ headed, env }) };
}

/** `--name value` or `--name=value`, as yargs would read it. */
function optionValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) return argv[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

/**
 * Whether the config may name a browser portal that needs Chromium at once:
 * only browser portals have a `loginUrl`, and a portal with `fastPath: auto`
 * may log in over HTTP with no browser at all (it starts Chromium on its
 * first page if its replay falls back). Cheap on purpose (no YAML parser
 * yet); an unreadable file starts nothing, since the command will only report it.
 */
function mayNeedBrowserEarly(configPath: string): boolean {
  try {
    const text = readFileSync(configPath, 'utf8');
    return /\bloginUrl\b/.test(text) && !/\bfastPath\b["']?\s*:\s*["']?auto\b/.test(text);
  } catch {
    return false;
  }
}
