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

interface Launch {
  browser: Promise<Browser>;
  runDir: RunDir;
  /** Settles once the run folder links Chromium's profile (or finding it failed). */
  linked: Promise<unknown>;
}

/**
 * Resolves once Chromium's launch has begun (Playwright loaded, run folder
 * made, process spawning).
 *
 * Where the profile goes, and why there: launch() always makes it itself,
 * `fs.mkdtemp(join(os.tmpdir(), 'playwright_chromiumdev_profile-'))` in this
 * process; it refuses `--user-data-dir` in `args` and no option or env var
 * moves it (the `env` option reaches only Chromium). The alternatives cost
 * too much: our own TMPDIR is process-wide (the raw trace in
 * session/artifacts.ts would move with it), and launchPersistentContext, whose
 * browser does make fresh contexts per account, opens a page of its own
 * (`npm run bench` on the shared 2-core machine, 2026-12-02: peak RSS +130 MB,
 * A/B 0.80× → 1.18×; this way: unchanged). So the profile stays
 * where Playwright puts it, Playwright still removes it on close, and the run
 * folder links it, so that after a kill the next run's sweep removes it
 * (profile-dir.ts). `artifactsDir` and `tracesDir` move Playwright's other temp
 * folders, which hold the raw trace of a --trace run, into the run folder outright.
 */
async function startLaunch(options: LaunchOptions): Promise<Launch> {
  const { chromium, found } = await resolveBrowser(options.env);
  const runDir = await openRunDir();
  const browser = chromium
    .launch({
      headless: !options.headed,
      executablePath: found.executablePath,
      args: chromiumArgs(process.getuid?.() === 0),
      artifactsDir: join(runDir.path, 'artifacts'),
      tracesDir: join(runDir.path, 'traces'),
    })
    .catch((error: unknown) => {
      const first = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new PortalLoginError('BROWSER_NOT_FOUND', `Could not start ${found.executablePath ?? 'Playwright\'s Chromium'}: ${first}`, { hint: INSTALL_HINT, cause: error });
    });
  // Beside the first page, not before it: the login does not wait for the link.
  const linked = browser.then(chromiumPid).then((pid) => runDir.linkProfile(pid)).catch(() => undefined);
  return { browser, runDir, linked };
}

/** Chromium's main process id, asked of Chromium: Playwright's Browser does not expose it. */
async function chromiumPid(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    const main = processInfo.find((p) => p.type === 'browser');
    if (!main) throw new Error('Chromium reported no browser process');
    return main.id;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

export interface BrowserInBackground {
  /** Resolves once Chromium is spawning (or its launch failed): the time to do other work while it boots. */
  booting: Promise<void>;
  /** Resolves to the started browser; rejects with the launch error when awaited. */
  browser: Promise<Browser>;
  /**
   * A fresh context with one page; the first was opened while the caller was
   * still busy. `options.proxy` sends that context's traffic through a proxy
   * (the account's egress); such a context is always a new one.
   */
  newPage(options?: PageOptions): Promise<OpenPage>;
  /** Closes the browser if it started; never throws; safe to call twice. */
  close(): Promise<void>;
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
}

/** Per-context options: the account's proxy (Playwright's own shape: server, username, password). */
export interface PageOptions {
  proxy?: { server: string; username?: string; password?: string };
}

async function openPage(browser: Browser, options: PageOptions = {}): Promise<OpenPage> {
  // Chromium takes a proxy per context (Playwright also proxies loopback then, unless told to bypass it).
  const context = await browser.newContext(options.proxy ? { proxy: options.proxy } : {});
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
  let spare: Promise<OpenPage> | undefined = browser.then((b) => openPage(b));
  spare.catch(() => undefined);
  let closing: Promise<void> | undefined;
  return {
    booting: launch.then(() => undefined, () => undefined),
    browser,
    newPage: (options = {}) => {
      // The spare context was opened without a proxy: a proxied account gets its own, the spare waits for the next direct one.
      if (options.proxy) return browser.then((b) => openPage(b, options));
      const page = spare ?? browser.then((b) => openPage(b));
      spare = undefined;
      return page;
    },
    close: () =>
      (closing ??= (async () => {
        const run = await launch.catch(() => undefined);
        await run?.linked; // no CDP call in flight when the browser goes
        const started = await browser.catch(() => undefined);
        await started?.close(); // Playwright removes the profile once Chromium has exited
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

/**
 * A browser that starts on the first page asked for: a run whose accounts
 * all log in over HTTP never starts Chromium (nor loads Playwright).
 * `relaunch` replaces a Chromium that died with a new one (pages asked for
 * meanwhile wait for it); `close` closes whatever was started.
 */
export function lazyBrowser(start: () => BrowserInBackground): Pick<BrowserInBackground, 'newPage' | 'close'> & { relaunch(): Promise<boolean> } {
  let current: BrowserInBackground | undefined;
  const all: BrowserInBackground[] = [];
  const begin = () => {
    current = start();
    all.push(current);
    return current;
  };
  return {
    newPage: (options) => (current ?? begin()).newPage(options),
    async relaunch() {
      const dead = current;
      const next = begin();
      await dead?.close();
      return next.browser.then(
        () => true,
        () => false,
      );
    },
    close: async () => void (await Promise.all(all.map((b) => b.close()))),
  };
}
