import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserType, Page } from 'playwright';
import { PortalLoginError } from '../core/errors.js';
import { compileCacheDir, loadWithCompileCache } from './compile-cache.js';
import { findBrowser, INSTALL_HINT, playwrightExecutablePath, type FoundBrowser } from './find-browser.js';
import { openRunDir, type RunDir } from './profile-dir.js';

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

/**
 * Loads Playwright (only commands that drive a browser pay for it) and finds
 * the Chromium to drive. Playwright is CommonJS: `require` skips the ESM
 * loader's export scan of its 30k-line bundle (measured: ~0.3 s faster than `import()`).
 */
export async function resolveBrowser(env: NodeJS.ProcessEnv = process.env): Promise<{ chromium: BrowserType; found: FoundBrowser }> {
  const require = createRequire(import.meta.url);
  const { chromium } = loadWithCompileCache(() => require('playwright') as typeof import('playwright'), compileCacheDir(env)).value;
  return { chromium, found: findBrowser(env, playwrightExecutablePath(chromium)) };
}

/**
 * Resolves once Chromium's launch has begun (Playwright loaded, run folder
 * made, process spawning), with the pending browser and the run's folder.
 *
 * Why launchPersistentContext: it is Playwright's only way to say where the
 * profile goes. launch() always makes its own with
 * `fs.mkdtemp(join(os.tmpdir(), 'playwright_chromiumdev_profile-'))`, in this
 * process, when the launch runs; it refuses `--user-data-dir` in `args`, and
 * no option or env var moves it (its `env` option reaches only Chromium).
 * Pointing our own TMPDIR elsewhere would move every other temp file of the
 * run with it (the raw trace in session/artifacts.ts) and is process-wide.
 * One context per account still holds: this browser makes fresh incognito
 * contexts exactly as launch()'s does; the default context (the profile on
 * disk, one about:blank page) is never used for a login. `artifactsDir` keeps
 * Playwright's other temp folder (traces, downloads) in the run folder too.
 * Chromium's own TMPDIR is left alone: its singleton socket lives there, and
 * under a deep run folder that path passed the 108-byte socket limit and
 * Chromium did not start.
 */
async function startLaunch(options: LaunchOptions): Promise<{ browser: Promise<Browser>; runDir: RunDir }> {
  const { chromium, found } = await resolveBrowser(options.env);
  const runDir = await openRunDir();
  const browser = chromium
    .launchPersistentContext(join(runDir.path, 'profile'), {
      headless: !options.headed,
      executablePath: found.executablePath,
      args: chromiumArgs(process.getuid?.() === 0),
      artifactsDir: join(runDir.path, 'artifacts'),
    })
    .then(browserOf, (error: unknown) => {
      const first = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new PortalLoginError('BROWSER_NOT_FOUND', `Could not start ${found.executablePath ?? 'Playwright\'s Chromium'}: ${first}`, { hint: INSTALL_HINT, cause: error });
    });
  return { browser, runDir };
}

/** The browser behind a persistent context: Playwright always has one for Chromium. */
function browserOf(context: BrowserContext): Browser {
  const browser = context.browser();
  if (!browser) throw new Error('Playwright returned a persistent context without a browser');
  return browser;
}

export interface BrowserInBackground {
  /** Resolves once Chromium is spawning (or its launch failed): the time to do other work while it boots. */
  booting: Promise<void>;
  /** Resolves to the started browser; rejects with the launch error when awaited. */
  browser: Promise<Browser>;
  /** A fresh context with one page; the first was opened while the caller was still busy. */
  newPage(): Promise<OpenPage>;
  /** Closes the browser if it started; never throws; safe to call twice. */
  close(): Promise<void>;
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
}

async function openPage(browser: Browser): Promise<OpenPage> {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

/**
 * Starts Chromium now so it boots while the caller reads config and secrets
 * (measured in bench/: see README "Measured"). A launch error surfaces only
 * where `browser` is awaited.
 */
export function launchInBackground(options: LaunchOptions): BrowserInBackground {
  const launch = startLaunch(options);
  const browser = launch.then((l) => l.browser);
  browser.catch(() => undefined); // handled where awaited; not an unhandled rejection meanwhile
  // Chromium spends ~0.3 s starting a renderer for the first page: let it do that now too.
  let spare: Promise<OpenPage> | undefined = browser.then(openPage);
  spare.catch(() => undefined);
  let closing: Promise<void> | undefined;
  return {
    booting: launch.then(() => undefined, () => undefined),
    browser,
    newPage: () => {
      const page = spare ?? browser.then(openPage);
      spare = undefined;
      return page;
    },
    close: () =>
      (closing ??= (async () => {
        const started = await browser.catch(() => undefined);
        await started?.close();
        // Chromium has exited: nothing writes into the run folder any more.
        const run = await launch.catch(() => undefined);
        await run?.runDir.swept;
        await run?.runDir.remove();
      })()),
  };
}

/** Aborts image, font and media requests: a login page needs none of them. */
export async function blockHeavyResources(context: BrowserContext): Promise<void> {
  const blocked = new Set(['image', 'font', 'media']);
  await context.route('**/*', (route) => (blocked.has(route.request().resourceType()) ? route.abort() : route.fallback()));
}
