import type { BrowserContext, Page } from 'playwright';
import type { ResolvedAccount } from '../config/accounts.js';
import type { BrowserPortalConfig } from '../config/schema.js';
import { blockHeavyResources, type OpenPage } from '../browser/launch.js';
import { asPortalLoginError, firstLine } from '../core/as-portal-error.js';
import { PortalLoginError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { artifactStem, saveFailureArtifacts } from '../session/artifacts.js';
import { startCapture, type CaptureRun } from '../session/capture.js';
import { sessionExpiry, type Session, type SessionCookie } from '../session/model.js';
import { sessionCookieNames } from '../session/session-cookies.js';
import type { Flow, FlowInput, FlowResult } from './flow.js';
import { formLogin } from './form-login.js';
import { playwrightProxy } from '../net/egress.js';

/**
 * The browser flow: a fresh context per account, the form login (screen
 * loop) in it, and the confirmed session read out of it. On failure it
 * leaves a screenshot (and the trace, with --trace) with every secret masked.
 */
export const browserFlow: Flow<BrowserPortalConfig> = {
  usesBrowser: true,
  run: (input) => browserLogin(input),
};

/** What a caller may watch of a browser login (the fast path records it to learn a recipe). */
export interface BrowserLoginHooks {
  /**
   * Called with the account's new context before the first page load; `done`
   * runs once the session is confirmed, before the context closes. Must not
   * throw: watching never fails a login.
   */
  watch?: (context: BrowserContext) => { done(session: Session): Promise<void> };
}

/** The browser flow's login, with `hooks` (browserFlow.run is this without any). */
export async function browserLogin(input: FlowInput<BrowserPortalConfig>, hooks: BrowserLoginHooks = {}): Promise<FlowResult> {
  const { account, portal, log } = input;
  let opened: OpenPage;
  try {
    const proxy = playwrightProxy(account.egress);
    opened = await input.browser.newPage(proxy ? { proxy } : {});
  } catch (thrown) {
    if (thrown instanceof PortalLoginError) throw thrown; // Chromium did not start (BROWSER_NOT_FOUND)
    // e.g. Chromium died after the previous account logged in; without a context only the message tells
    // (Playwright's TargetClosedError is not exported and its `name` is plain "Error" in the client).
    throw thrown instanceof Error && thrown.message.includes(TARGET_CLOSED) ? browserClosedError() : asPortalLoginError(thrown, input.redactor, log);
  }
  const { context, page } = opened;
  // Before the first page load, so a response capture sees the login's own requests.
  const capture = startCapture(portal.capture, context, input.redactor);
  const watcher = hooks.watch?.(context);
  try {
    if (portal.blockResources) await blockHeavyResources(context);
    if (input.trace) await context.tracing.start({ snapshots: true, screenshots: false, sources: false });
    // The context is new, so this is normally empty; whatever is here was not set by the login and cannot date its session.
    const before = await context.cookies();
    const result = await formLogin({
      page,
      context,
      portal,
      portalRef: `${input.source}: portals.${account.portalName}`,
      username: account.account.username,
      password: account.password,
      codeSource: input.codes,
      redactor: input.redactor,
      log,
      timeoutMs: input.timeoutMs,
    });
    const session = await capturedSession(page, context, account, portal, before, capture, log);
    await watcher?.done(session);
    // Confirmed: the trace (kept only for failures) is dropped, and failing to stop it changes nothing.
    if (input.trace) await context.tracing.stop().catch((error: unknown) => log.debug(`Trace discarded; stopping it failed: ${firstLine(error)}`));
    return { session, skewMs: result.skewMs };
  } catch (thrown) {
    const error = chromiumExited(thrown, context, log) ? browserClosedError() : asPortalLoginError(thrown, input.redactor, log);
    // Tokens the portal handed out before the failure are in the page and the trace: the redactor must know them first.
    if (Object.keys(portal.capture).length > 0) await redactCaptured(capture, page, context);
    const artifacts = await saveFailureArtifacts({ page, context, dir: input.artifactsDir, stem: artifactStem(account.name, new Date()), tracing: input.trace, redactor: input.redactor });
    error.artifacts = artifacts;
    throw error;
  } finally {
    // Not awaited (measured ~40 ms): the next account needs only its own context, and closing the browser ends this one anyway.
    context.close().catch(() => undefined);
  }
}

/**
 * The confirmed session as data: cookies, origins, sessionStorage when the
 * portal's switch is on, and its expiry from the cookies that carry it
 * (configured `session.cookies`, else those the login set).
 */
async function capturedSession(page: Page, context: BrowserContext, account: ResolvedAccount, portal: BrowserPortalConfig, before: SessionCookie[], capture: CaptureRun, log: Logger): Promise<Session> {
  const state = await context.storageState({ indexedDB: portal.storage.indexedDB });
  const { tokens, missing: notCaptured } = await capture.finish({ page, cookies: state.cookies, origins: state.origins });
  // Names only (the values are registered with the redactor anyway): the login worked, only this token is not there.
  if (notCaptured.length > 0) log.warn(`Nothing found for capture ${notCaptured.join(', ')} (portals.${account.portalName}.capture); the session is saved without it.`);
  const sessionStorage = portal.storage.sessionStorage
    ? { [new URL(page.url()).origin]: await page.evaluate((): Record<string, string> => Object.fromEntries(Object.entries(window.sessionStorage))) }
    : undefined;
  const configured = portal.session.cookies;
  const sessionCookies = sessionCookieNames(state.cookies, { configured, before });
  const missing = (configured ?? []).filter((name) => !state.cookies.some((c) => c.name === name));
  // Its expiry would read as "browser session" though the cookie is simply not there: say so (the logger redacts).
  if (missing.length > 0) log.warn(`The portal did not set the configured session cookie(s) ${missing.join(', ')} (session.cookies); the session's expiry is unknown.`);
  return {
    cookies: state.cookies,
    origins: state.origins,
    ...(sessionStorage ? { sessionStorage } : {}),
    tokens,
    info: {
      account: account.name,
      portal: account.portalName,
      savedAt: new Date().toISOString(),
      obtainedBy: 'login',
      expiresAt: sessionExpiry(state.cookies, sessionCookies),
      sessionCookies,
    },
  };
}

/** Registers whatever the captures can still read with the redactor; a dead browser leaves nothing to read, and nothing to leak. */
async function redactCaptured(capture: CaptureRun, page: Page, context: BrowserContext): Promise<void> {
  // A page whose script is stuck never answers storageState() or an evaluate: give up after a moment, as the screenshot does.
  const read = (async () => {
    const state = await context.storageState().catch(() => ({ cookies: [], origins: [] }));
    await capture.finish({ page, cookies: state.cookies, origins: state.origins }).catch(() => undefined);
  })();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([read, new Promise<void>((resolve) => (timer = setTimeout(resolve, FAILURE_READ_MS)))]);
  clearTimeout(timer);
}

/** How long reading a failed page's storage may take before it is given up (ms). */
const FAILURE_READ_MS = 2000;

/** Playwright's message for every call on a page, context or browser that is gone (also after Chromium was killed). */
const TARGET_CLOSED = 'Target page, context or browser has been closed';

/**
 * Whether this account failed because Chromium itself went away (crashed,
 * out of memory, killed). The browser's connection is checked first and wins
 * over any error code: the flows turn a dead browser's errors into their own
 * (a failed page.goto is UNEXPECTED_PAGE).
 */
function chromiumExited(thrown: unknown, context: BrowserContext, log: Logger): boolean {
  // Only the connection counts: a portal page that closes itself (window.close()) gives the same message.
  const exited = context.browser()?.isConnected() === false;
  if (exited) log.debug(`Chromium exited; the step failed with: ${firstLine(thrown)}`); // the logger redacts
  return exited;
}

/** BROWSER_CLOSED for the account Chromium died in, or for a later account that was `skipped` because of it. */
export function browserClosedError(skipped?: { crashedIn: string; account: string }): PortalLoginError {
  const message = skipped ? `Chromium exited during the login of ${skipped.crashedIn}; ${skipped.account} was not tried.` : 'Chromium exited during the login.';
  return new PortalLoginError('BROWSER_CLOSED', message, {
    hint: 'It crashed, ran out of memory, or was killed. Run portal-login again; if it happens again, check the free memory on this machine, or watch a run with --headed.',
  });
}
