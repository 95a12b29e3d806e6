import type { BrowserContext, Page } from 'playwright';
import type { ResolvedAccount } from '../config/accounts.js';
import { blockHeavyResources, type BrowserInBackground, type OpenPage } from '../browser/launch.js';
import { totpCodeSource } from '../codes/totp-source.js';
import { ensurePrivateDir } from '../core/atomic-write.js';
import { offsetClock, systemClock, type Clock } from '../core/clock.js';
import { PortalLoginError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Redactor } from '../core/redact.js';
import { formLogin } from '../flows/form-login.js';
import { artifactStem, saveFailureArtifacts } from '../session/artifacts.js';
import { describeSession, saveSession, sessionPaths, type StorageState } from '../session/store.js';
import { fileStepLedger } from '../totp/step-ledger.js';

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
}

export type AccountResult =
  | { account: string; ok: true; statePath: string; metaPath: string; expiresAt: string | null; durationMs: number; skewMs: number }
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
  const results: AccountResult[] = [];
  for (const account of accounts) {
    const crashed = results.find((r) => !r.ok && r.error.code === 'BROWSER_CLOSED');
    // Chromium is gone: this account would only fail the same way, so it is not tried.
    if (crashed) results.push({ account: account.name, ok: false, error: browserClosedError({ crashedIn: crashed.account, account: account.name }), durationMs: 0 });
    else results.push(await loginOne(account, options));
  }
  return results;
}

/**
 * One account's login: whatever goes wrong becomes this account's failed
 * result, so the remaining accounts still run (unless Chromium died) and `--json` reports all of them.
 */
async function loginOne(account: ResolvedAccount, options: LoginOptions): Promise<AccountResult> {
  const started = Date.now();
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
  try {
    if (account.portal.blockResources) await blockHeavyResources(context);
    if (options.trace) await context.tracing.start({ snapshots: true, screenshots: false, sources: false });
    const clock = options.clock ?? systemClock;
    const result = await formLogin({
      page,
      context,
      portal: account.portal,
      portalRef: `${options.source}: portals.${account.portalName}`,
      username: account.account.username,
      password: account.password,
      codeSource: (offsetMs) =>
        totpCodeSource({ spec: account.totp, ledger: fileStepLedger(options.ledgerDir), clock: offsetClock(clock, offsetMs), minSecondsLeft: account.minSecondsLeft }),
      redactor: options.redactor,
      log,
      timeoutMs: options.timeoutMs,
    });
    const paths = sessionPaths(options.stateDir, account.name);
    const meta = await persist(page, context, account, paths, options.redactor);
    // The session is saved: the login has succeeded. The trace (kept only for failures) is dropped, and failing to stop it changes nothing.
    if (options.trace) await context.tracing.stop().catch((error: unknown) => log.debug(`Trace discarded; stopping it failed: ${firstLine(error)}`));
    log.debug(`Success checks passed; ${meta.cookies.length} cookie(s), ${meta.localStorageKeys.length} localStorage key(s) saved.`);
    log.info(`Logged in; session saved to ${paths.state}`);
    return { account: account.name, ok: true, statePath: paths.state, metaPath: paths.meta, expiresAt: meta.expiresAt, durationMs: Date.now() - started, skewMs: result.skewMs };
  } catch (thrown) {
    const result = failed(thrown, context);
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

async function persist(page: Page, context: BrowserContext, account: ResolvedAccount, paths: ReturnType<typeof sessionPaths>, redactor: Redactor) {
  const state = (await context.storageState({ indexedDB: account.portal.storage.indexedDB })) as StorageState;
  const savedSessionStorage = account.portal.storage.sessionStorage
    ? { [new URL(page.url()).origin]: await page.evaluate((): Record<string, string> => Object.fromEntries(Object.entries(window.sessionStorage))) }
    : undefined;
  // Cookie names and storage keys that echo a secret are redacted in the metadata file too.
  const meta = describeSession(account.name, account.portalName, state, new Date(), redactor);
  await saveSession(paths, state, meta, savedSessionStorage);
  return meta;
}

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
  if (fsError instanceof Error && typeof fsError.syscall === 'string' && fsError.path) {
    return new PortalLoginError('STATE_WRITE_FAILED', `Could not write ${fsError.path} (${fsError.code ?? fsError.syscall}).`, {
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
