import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PortalLoginError } from '../core/errors.js';

export interface FoundBrowser {
  /** undefined = Playwright's own downloaded Chromium. */
  executablePath: string | undefined;
  source: 'PORTAL_LOGIN_BROWSER' | 'playwright' | 'system';
}

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
/** Searched after PATH: cron and systemd run jobs with a minimal PATH. */
const SYSTEM_DIRS = ['/usr/bin', '/usr/local/bin', '/snap/bin'];

export const INSTALL_HINT =
  'Install a browser with one of: `npx playwright install chromium` (downloads Playwright\'s Chromium), ' +
  '`sudo apt-get install -y chromium` (Debian) / `sudo apt-get install -y chromium-browser` (Ubuntu), ' +
  'or point PORTAL_LOGIN_BROWSER at a Chromium/Chrome executable.';

/**
 * Finds a Chromium without downloading anything: PORTAL_LOGIN_BROWSER, then
 * Playwright's own install, then a system Chromium/Chrome on PATH.
 * `playwrightExecutable` is Playwright's expected path (chromium.executablePath()).
 */
export function findBrowser(env: NodeJS.ProcessEnv, playwrightExecutable: string | undefined, systemDirs = SYSTEM_DIRS): FoundBrowser {
  const override = env.PORTAL_LOGIN_BROWSER;
  if (override) {
    if (isExecutable(override)) return { executablePath: override, source: 'PORTAL_LOGIN_BROWSER' };
    throw new PortalLoginError('BROWSER_NOT_FOUND', `PORTAL_LOGIN_BROWSER=${override} is not an executable file.`, { hint: INSTALL_HINT });
  }
  if (playwrightExecutable && isExecutable(playwrightExecutable)) return { executablePath: undefined, source: 'playwright' };
  const system = findOnPath(SYSTEM_NAMES, [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...systemDirs]);
  if (system) return { executablePath: system, source: 'system' };
  throw new PortalLoginError('BROWSER_NOT_FOUND', 'No Chromium or Chrome found (looked for Playwright\'s browser and for ' + SYSTEM_NAMES.join(', ') + ' on PATH).', {
    hint: INSTALL_HINT,
  });
}

/** Where Playwright's own Chromium would be, or undefined when Playwright cannot say. */
export function playwrightExecutablePath(browserType: { executablePath(): string }): string | undefined {
  try {
    return browserType.executablePath();
  } catch {
    return undefined;
  }
}

function findOnPath(names: string[], dirs: string[]): string | undefined {
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
