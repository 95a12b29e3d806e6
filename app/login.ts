import type { BrowserContext, Page } from 'playwright';
import type { ResolvedAccount } from '../config/accounts.js';
import type { Webhook } from '../config/schema.js';
import { blockHeavyResources, type BrowserInBackground, type OpenPage } from '../browser/launch.js';
import { totpCodeSource } from '../codes/totp-source.js';
import { ensurePrivateDir } from '../core/atomic-write.js';
import { offsetClock, systemClock, type Clock } from '../core/clock.js';
import { PortalLoginError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Redactor } from '../core/redact.js';
import { formLogin } from '../flows/form-login.js';
import { alertFacts, sendAlerts } from './alerts.js';
import { artifactStem, saveFailureArtifacts } from '../session/artifacts.js';
import { startCapture, type CaptureRun } from '../session/capture.js';
import { sessionExpiry, type Session, type SessionCookie } from '../session/model.js';
import { sessionCookieNames } from '../session/session-cookies.js';
import { openSessionStore, type SessionStore } from '../session/store.js';
import { fileStepLedger, type StepLedger } from '../totp/step-ledger.js';

export interface LoginOptions {
  /** Where pages come from (a browser started early by the caller, who also closes it). */
  browser: Pick<BrowserInBackground, 'newPage'>;
  stateDir: string;
  artifactsDir: string;
  /** Used-window ledger (see totp/ledger-location.ts). */
  ledgerDir: string;
  /** Config file name, for error messages. */
  source: string;
  /** Per-step timeout (ms). */
  timeoutMs: number;
  trace: boolean;
  redactor: Redactor;
  logFor: (account: string) => Logger;
  clock?: Clock;
  /** Where sessions are kept; default the file store in stateDir. */
  store?: SessionStore;
  /** Where used TOTP windows are claimed (the store's ledger); default the file ledger in ledgerDir. */
  ledger?: StepLedger;
  /**
   * How long (ms) to wait for another run logging the same account in
   * before failing with LOCK_HELD; default 4 × timeoutMs + 30 s (a few steps
   * of the other run, plus its wait for a fresh TOTP window).
   */
  lockWaitMs?: number;
  /**
   * Asked once the account's lock is held, before a page opens: does a
   * session saved while this run waited for the lock (by another run) make
   * this login needless? Returns that session's expiry to keep it,
   * undefined to log in. `refresh` passes it; `login` always logs in.
   */
  skipIfValid?: (account: string) => Promise<{ expiresAt: string | null } | undefined>;
  /** The config's top-level `alerts.webhooks`; each portal's own are added to them. */
  alerts?: readonly Webhook[];
}

export type AccountResult =
  | { account: string; ok: true; statePath: string; expiresAt: string | null; durationMs: number; skewMs: number; /** skipIfValid kept the saved session: no login ran. */ kept?: true }
  | { account: string; ok: false; error: PortalLoginError; durationMs: number };

/**
 * Logs every account in in one browser (a context each), one after another.
 * Once Chromium has died (BROWSER_CLOSED), the remaining accounts fail the same way without being tried.
 */
export async function loginAccounts(accounts: ResolvedAccount[], options: LoginOptions): Promise<AccountResult[]> {
  // Fail before touching any portal: a login whose session cannot be kept is a wasted attempt.
  await Promise.all([ensurePrivateDir(options.stateDir), ensurePrivateDir(options.ledgerDir)]).catch((error: unknown) => {
    throw asPortalLoginError(error, options.redactor);
  });
  const store = options.store ?? openSessionStore({ kind: 'file', dir: options.stateDir });
  const results: AccountResult[] = [];
  for (const account of accounts) {
    const crashed = results.find((r) => !r.ok && r.error.code === 'BROWSER_CLOSED');
    // Chromium is gone: this account would only fail the same way, so it is not tried.
    const result: AccountResult = crashed
      ? { account: account.name, ok: false, error: browserClosedError({ crashedIn: crashed.account, account: account.name }), durationMs: 0 }
      : await loginOne(account, store, options);
    results.push(result);
    if (!result.ok) await alertFailure(account, result.error, options);
  }
  return results;
}

/** Tells the account's webhooks (top level + its portal's) about a failed login; never fails itself. */
async function alertFailure(account: ResolvedAccount, error: PortalLoginError, options: LoginOptions): Promise<void> {
  const webhooks = [...(options.alerts ?? []), ...account.portal.alerts.webhooks];
  if (webhooks.length === 0) return;
  await sendAlerts(webhooks, alertFacts(account.name, account.portalName, error, new Date()), { redactor: options.redactor, log: options.logFor(account.name) });
}

/**
 * One account's login, holding the account's lock from before the page opens
 * until the session is saved, so two overlapping runs never log the same
 * account in at once: the second waits for the first, then logs in itself.
 * Whatever goes wrong becomes this account's failed result, so the
 * remaining accounts still run (unless Chromium died) and `--json` reports all of them.
 */
async function loginOne(account: ResolvedAccount, store: SessionStore, options: LoginOptions): Promise<AccountResult> {
  const started = Date.now();
  const log = options.logFor(account.name);
  const waitMs = options.lockWaitMs ?? 4 * options.timeoutMs + 30_000;
  const onWait = () => log.info(`Another portal-login run is logging ${account.name} in; waiting up to ${Math.round(waitMs / 1000)} s for it to finish.`);
  let entered = false;
  try {
    return await store.lock(account.name, () => ((entered = true), keptOrLoggedIn(account, store, options, started)), { waitMs, onWait });
  } catch (thrown) {
    if (entered) throw thrown; // only Chromium not starting gets out of the login itself: the whole run fails, not one account
    return { account: account.name, ok: false, error: asPortalLoginError(thrown, options.redactor, log), durationMs: Date.now() - started }; // LOCK_HELD, or the lock folder cannot be made
  }
}

/** Under the lock: the session another run just saved, if skipIfValid keeps it; else the login. */
async function keptOrLoggedIn(account: ResolvedAccount, store: SessionStore, options: LoginOptions, started: number): Promise<AccountResult> {
  const log = options.logFor(account.name);
  // A failing re-judge (portal unreachable, unreadable file) is no reason to skip: the login decides.
  const kept = await options.skipIfValid?.(account.name).catch((error: unknown) => void log.debug(`Re-judging the saved session failed: ${firstLine(error)}; logging in.`));
  if (!kept) return loginLocked(account, store, options, started);
  log.info('Another run saved a valid session while this one waited; kept it.');
  return { account: account.name, ok: true, statePath: store.pathOf(account.name), expiresAt: kept.expiresAt, durationMs: Date.now() - started, skewMs: 0, kept: true };
}

async function loginLocked(account: ResolvedAccount, store: SessionStore, options: LoginOptions, started: number): Promise<AccountResult> {
  const log = options.logFor(account.name);
  const failed = (thrown: unknown, context?: BrowserContext) => ({
    account: account.name,
    ok: false as const,
    error: chromiumExited(thrown, context, log) ? browserClosedError() : asPortalLoginError(thrown, options.redactor, log),
    durationMs: Date.now() - started,
  });
  let opened: OpenPage;
  try {
    opened = await options.browser.newPage();
  } catch (thrown) {
    if (thrown instanceof PortalLoginError) throw thrown; // Chromium did not start (BROWSER_NOT_FOUND): the whole run fails, not one account
    return failed(thrown); // e.g. Chromium died after the previous account logged in
  }
  const { context, page } = opened;
  // Before the first page load, so a response capture sees the login's own requests.
  const capture = startCapture(account.portal.capture, context, options.redactor);
  try {
    if (account.portal.blockResources) await blockHeavyResources(context);
    if (options.trace) await context.tracing.start({ snapshots: true, screenshots: false, sources: false });
    const clock = options.clock ?? systemClock;
    // The context is new, so this is normally empty; whatever is here was not set by the login and cannot date its session.
    const before = await context.cookies();
    const result = await formLogin({
      page,
      context,
      portal: account.portal,
      portalRef: `${options.source}: portals.${account.portalName}`,
      username: account.account.username,
      password: account.password,
      codeSource: (offsetMs) =>
        totpCodeSource({ spec: account.totp, ledger: options.ledger ?? fileStepLedger(options.ledgerDir), clock: offsetClock(clock, offsetMs), minSecondsLeft: account.minSecondsLeft }),
      redactor: options.redactor,
      log,
      timeoutMs: options.timeoutMs,
    });
    const session = await capturedSession(page, context, account, before, capture, log);
    await store.save(account.name, session);
    // The session is saved: the login has succeeded. The trace (kept only for failures) is dropped, and failing to stop it changes nothing.
    if (options.trace) await context.tracing.stop().catch((error: unknown) => log.debug(`Trace discarded; stopping it failed: ${firstLine(error)}`));
    const localStorageKeys = session.origins.reduce((n, o) => n + o.localStorage.length, 0);
    log.debug(`Success checks passed; ${session.cookies.length} cookie(s), ${localStorageKeys} localStorage key(s) saved.`);
    const statePath = store.pathOf(account.name);
    log.info(`Logged in; session saved to ${statePath}`);
    return { account: account.name, ok: true, statePath, expiresAt: session.info.expiresAt, durationMs: Date.now() - started, skewMs: result.skewMs };
  } catch (thrown) {
    const result = failed(thrown, context);
    // Tokens the portal handed out before the failure are in the page and the trace: the redactor must know them first.
    if (Object.keys(account.portal.capture).length > 0) await redactCaptured(capture, page, context);
    result.error.artifacts = await saveFailureArtifacts({
      page,
      context,
      dir: options.artifactsDir,
      stem: artifactStem(account.name, new Date()),
      tracing: options.trace,
      redactor: options.redactor,
    });
    return result;
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
async function capturedSession(page: Page, context: BrowserContext, account: ResolvedAccount, before: SessionCookie[], capture: CaptureRun, log: Logger): Promise<Session> {
  const state = await context.storageState({ indexedDB: account.portal.storage.indexedDB });
  const { tokens, missing: notCaptured } = await capture.finish({ page, cookies: state.cookies, origins: state.origins });
  // Names only (the values are registered with the redactor anyway): the login worked, only this token is not there.
  if (notCaptured.length > 0) log.warn(`Nothing found for capture ${notCaptured.join(', ')} (portals.${account.portalName}.capture); the session is saved without it.`);
  const sessionStorage = account.portal.storage.sessionStorage
    ? { [new URL(page.url()).origin]: await page.evaluate((): Record<string, string> => Object.fromEntries(Object.entries(window.sessionStorage))) }
    : undefined;
  const configured = account.portal.session.cookies;
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
 * (a failed page.goto is UNEXPECTED_PAGE). Without a context only the message
 * is left: Playwright's TargetClosedError is not exported and its `name` is
 * plain "Error" in the client.
 */
function chromiumExited(thrown: unknown, context: BrowserContext | undefined, log: Logger): boolean {
  // With a context, only the connection counts: a portal page that closes itself (window.close()) gives the same message.
  const exited = context ? context.browser()?.isConnected() === false : thrown instanceof Error && thrown.message.includes(TARGET_CLOSED);
  if (exited) log.debug(`Chromium exited; the step failed with: ${firstLine(thrown)}`); // the logger redacts
  return exited;
}

/** BROWSER_CLOSED for the account Chromium died in, or for a later account that was `skipped` because of it. */
function browserClosedError(skipped?: { crashedIn: string; account: string }): PortalLoginError {
  const message = skipped ? `Chromium exited during the login of ${skipped.crashedIn}; ${skipped.account} was not tried.` : 'Chromium exited during the login.';
  return new PortalLoginError('BROWSER_CLOSED', message, {
    hint: 'It crashed, ran out of memory, or was killed. Run portal-login again; if it happens again, check the free memory on this machine, or watch a run with --headed.',
  });
}

/**
 * Playwright's timeouts become TIMEOUT, file-system refusals
 * STATE_WRITE_FAILED; anything else is a bug, reported as INTERNAL (stack
 * in --verbose) with every known secret redacted from its message.
 */
function asPortalLoginError(thrown: unknown, redactor: Redactor, log?: Logger): PortalLoginError {
  if (thrown instanceof PortalLoginError) return thrown;
  const fsError = thrown as NodeJS.ErrnoException;
  // A full disk fails in write(2), whose error names no path (measured on a 64 KB tmpfs): the syscall is enough to know it is the file system.
  if (fsError instanceof Error && typeof fsError.syscall === 'string') {
    return new PortalLoginError('STATE_WRITE_FAILED', `Could not write ${fsError.path ?? 'a file'} (${fsError.code ?? fsError.syscall}).`, {
      hint: 'Check that stateDir / --state-dir is a folder this user can write, on a disk with free space. The last good session, if any, is unchanged.',
    });
  }
  if (thrown instanceof Error && thrown.name === 'TimeoutError') {
    return new PortalLoginError('TIMEOUT', `A browser step timed out: ${thrown.message.split('\n')[0]}`, { hint: 'Raise --timeout if the portal is slow.' });
  }
  const what = thrown instanceof Error ? `${thrown.name}: ${firstLine(thrown)}` : String(thrown);
  if (thrown instanceof Error && thrown.stack) log?.debug(`Internal error: ${thrown.stack}`); // the logger redacts
  return new PortalLoginError('INTERNAL', redactor.redact(`Internal error: ${what}. This is a bug in portal-login.`), {
    hint: 'Please report it with the output of the same run with --verbose (secrets are redacted). Any other accounts in this run were still tried.',
    cause: thrown,
  });
}

/** An error's first message line, for logs (Playwright appends a call log after it); the logger redacts. */
function firstLine(thrown: unknown): string {
  return thrown instanceof Error ? (thrown.message.split('\n')[0] ?? '') : String(thrown);
}
