import type { Browser, BrowserContext } from 'playwright';
import { PortalLoginError } from '../core/errors.js';
import { findBrowser, INSTALL_HINT } from './find-browser.js';

/**
 * Flags for a closed network and for root: without the background-networking
 * ones Chromium floods a sandboxed network with refused connections; as root
 * Chromium refuses to start without --no-sandbox.
 */
export function chromiumArgs(isRoot: boolean): string[] {
  const args = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  return isRoot ? ['--no-sandbox', ...args] : args;
}

export interface LaunchOptions {
  headed: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Loads Playwright (only commands that drive a browser pay for it) and starts Chromium. */
export async function launchBrowser(options: LaunchOptions): Promise<Browser> {
  const { chromium } = await import('playwright');
  let playwrightPath: string | undefined;
  try {
    playwrightPath = chromium.executablePath();
  } catch {
    playwrightPath = undefined;
  }
  const found = findBrowser(options.env ?? process.env, playwrightPath);
  try {
    return await chromium.launch({
      headless: !options.headed,
      executablePath: found.executablePath,
      args: chromiumArgs(process.getuid?.() === 0),
    });
  } catch (error) {
    const first = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new PortalLoginError('BROWSER_NOT_FOUND', `Could not start ${found.executablePath ?? 'Playwright\'s Chromium'}: ${first}`, { hint: INSTALL_HINT, cause: error });
  }
}

/** Aborts image, font and media requests: a login page needs none of them. */
export async function blockHeavyResources(context: BrowserContext): Promise<void> {
  const blocked = new Set(['image', 'font', 'media']);
  await context.route('**/*', (route) => (blocked.has(route.request().resourceType()) ? route.abort() : route.fallback()));
}
