import { launchInBackground } from '../browser/launch.js';
import type { EarlyBrowser } from './context.js';

const BROWSER_COMMANDS = new Set(['login', 'demo']);

/**
 * For commands that drive a browser, starts Chromium before the CLI loads
 * its argument parser and config schema, so it boots while they load
 * (measured in bench/: about 0.2 s of a 3 s login). `totp`, `--help` and
 * everything else never load Playwright. A guess only: a command whose
 * parsed `--headed` differs starts its own browser and this one is closed.
 */
export function launchEarly(argv: readonly string[], env: NodeJS.ProcessEnv): EarlyBrowser | undefined {
  if (!BROWSER_COMMANDS.has(argv[0] ?? '')) return undefined;
  if (argv.some((a) => a === '--help' || a === '-h')) return undefined;
  const headed = argv.includes('--headed') || argv.includes('--headed=true');
  return { headed, ...launchInBackground({ headed, env }) };
}
