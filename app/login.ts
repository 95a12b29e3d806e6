import type { ResolvedAccount } from '../config/accounts.js';
import type { Webhook } from '../config/schema.js';
import type { BrowserInBackground } from '../browser/launch.js';
import type { CodeSource } from '../codes/code-source.js';
import { ensureWritableDir } from '../core/atomic-write.js';
import { asPortalLoginError, firstLine } from '../core/as-portal-error.js';
import { offsetClock, systemClock, type Clock } from '../core/clock.js';
import { PortalLoginError, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Redactor } from '../core/redact.js';
import { browserClosedError } from '../flows/browser-flow.js';
import { flowFor } from '../flows/kinds.js';
import { namingEgress } from '../net/egress.js';
import { alertFacts, sendAlerts } from './alerts.js';
import { runLimited } from './pool.js';
import { reportingWaits, type OnProgress } from './progress.js';
import { recordLogin } from './record-login.js';
import { openSessionStore, type SessionStore } from '../session/store.js';
import { fileStepLedger, type StepLedger } from '../totp/step-ledger.js';

export interface LoginOptions {
  /**
   * Where pages come from (a browser the caller starts, at the latest on the
   * first page, and closes); `relaunch` starts a new Chromium after one died
   * (resolves false when it could not).
   */
  browser: Pick<BrowserInBackground, 'newPage'> & { relaunch?: () => Promise<boolean> };
  /** Accounts logged in at once (default 1); a portal's maxConcurrent caps its own. */
  concurrency?: number;
  /** The environment code sources see (a command source's program); default process.env. */
  env?: NodeJS.ProcessEnv;
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
  /** Send no alert for a failed login: the caller alerts after its own retry (`schedule` retries once first). */
  deferAlerts?: boolean;
  /** Told where each account is (waiting, logging in, waiting for a code, done, failed), e.g. for a live display. */
  onProgress?: OnProgress;
}

export type AccountResult =
  | { account: string; ok: true; statePath: string; expiresAt: string | null; durationMs: number; skewMs: number; /** skipIfValid kept the saved session: no login ran. */ kept?: true }
  | { account: string; ok: false; error: PortalLoginError; durationMs: number };

/**
 * Logs the accounts in, up to `concurrency` at once (and a portal's
 * `maxConcurrent`), each browser account in its own context of one
 * browser. One account's failure is its own result. When Chromium dies
 * (BROWSER_CLOSED), the accounts that were in it fail; the browser is
 * relaunched once (when `browser.relaunch` can) for the accounts not yet
 * started; if it dies again, or cannot be relaunched, those fail the same way without being tried.
 */
export async function loginAccounts(accounts: ResolvedAccount[], options: LoginOptions): Promise<AccountResult[]> {
  // Fail before touching any portal: a login whose session or used code cannot be recorded is a wasted attempt (password and a code spent).
  const ledger = options.ledger ?? fileStepLedger(options.ledgerDir);
  await Promise.all([stateDirWritable(options.stateDir), ledger.prepare()]);
  const store = options.store ?? openSessionStore({ kind: 'file', dir: options.stateDir });
  const chromium = chromiumWatch(options);
  const limits = {
    concurrency: options.concurrency ?? 1,
    groupOf: (account: ResolvedAccount) => account.portalName,
    groupLimit: (portal: string) => accounts.find((a) => a.portalName === portal)?.portal.maxConcurrent ?? Infinity,
  };
  for (const account of accounts) options.onProgress?.(account.name, { kind: 'waiting' });
  return runLimited(accounts, limits, async (account) => {
    options.onProgress?.(account.name, { kind: 'logging-in' });
    const usesBrowser = flowFor(account.portal).usesBrowser;
    const crashedIn = usesBrowser ? chromium.deadAfter() : undefined;
    // Chromium is gone for good: this browser account would only fail the same way, so it is not tried.
    const generation = chromium.generation();
    const result: AccountResult = crashedIn
      ? { account: account.name, ok: false, error: browserClosedError({ crashedIn, account: account.name }), durationMs: 0 }
      : await loginOne(account, store, { ...options, ledger });
    if (!crashedIn) await recordLogin(store, result, { clock: options.clock ?? systemClock, log: options.logFor(account.name) });
    if (!result.ok && result.error.code === 'BROWSER_CLOSED' && !crashedIn) await chromium.died(account.name, generation);
    options.onProgress?.(account.name, result.ok ? { kind: 'done', durationMs: result.durationMs, kept: result.kept === true } : { kind: 'failed', code: result.error.code, durationMs: result.durationMs });
    if (!result.ok && !options.deferAlerts) await alertFailure(account, result.error, options);
    return result;
  });
}

/**
 * Which Chromium the accounts run in: its generation (bumped by a
 * relaunch), and whether it is dead for good. Several accounts that were in
 * one Chromium when it died count as one death.
 */
function chromiumWatch(options: LoginOptions) {
  let generation = 0;
  let relaunched = false;
  let deadFor: string | undefined;
  return {
    generation: () => generation,
    deadAfter: () => deadFor,
    async died(account: string, inGeneration: number): Promise<void> {
      if (inGeneration !== generation || deadFor) return;
      const log = options.logFor(account);
      if (!relaunched && options.browser.relaunch) {
        relaunched = true;
        generation += 1;
        if (await options.browser.relaunch()) {
          log.warn('Chromium exited; started a new one for the accounts not yet logged in (once per run).');
          return;
        }
      }
      deadFor = account;
    },
  };
}

/** The state folder takes a new file (a real write: mkdir alone passes on a read-only folder that exists), else STATE_WRITE_FAILED naming it. */
async function stateDirWritable(dir: string): Promise<void> {
  await ensureWritableDir(dir).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code ?? firstLine(error);
    throw new PortalLoginError('STATE_WRITE_FAILED', `The state folder ${dir} cannot be written (${code}); no portal was contacted.`, {
      hint: 'Make stateDir / --state-dir a folder this user can write (not a read-only mount), on a disk with free space. The last good session, if any, is unchanged.',
      cause: error,
    });
  });
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
  const clock = options.clock ?? systemClock;
  const sources: CodeSource[] = [];
  const codes = (offsetMs: number) => {
    const source = account.codeSource({ clock: offsetClock(clock, offsetMs), ledger: options.ledger ?? fileStepLedger(options.ledgerDir), redactor: options.redactor, log, env: options.env ?? process.env });
    sources.push(source);
    const onProgress = options.onProgress;
    return onProgress ? reportingWaits(source, (state) => onProgress(account.name, state)) : source;
  };
  try {
    const { session, skewMs } = await flowFor(account.portal).run({
      account,
      portal: account.portal,
      codes,
      browser: options.browser,
      source: options.source,
      artifactsDir: options.artifactsDir,
      stateDir: options.stateDir,
      timeoutMs: options.timeoutMs,
      trace: options.trace,
      redactor: options.redactor,
      log,
    });
    await store.save(account.name, session);
    const localStorageKeys = session.origins.reduce((n, o) => n + o.localStorage.length, 0);
    log.debug(`Success checks passed; ${session.cookies.length} cookie(s), ${localStorageKeys} localStorage key(s), ${Object.keys(session.tokens).length} token(s) saved.`);
    const statePath = store.pathOf(account.name);
    log.info(`Logged in; session saved to ${statePath}`);
    return { account: account.name, ok: true, statePath, expiresAt: session.info.expiresAt, durationMs: Date.now() - started, skewMs };
  } catch (thrown) {
    if (thrown instanceof PortalLoginError && RUN_FATAL.has(thrown.code)) throw thrown;
    const error = namingEgress(asPortalLoginError(thrown, options.redactor, log), account.egress, `${options.source}: accounts.${account.name}`);
    return { account: account.name, ok: false, error, durationMs: Date.now() - started };
  } finally {
    // An IMAP session left open would keep the process alive; a close that fails changes nothing for the login.
    await Promise.all(sources.map(async (s) => s.close?.().catch((error: unknown) => log.debug(`Closing the code source failed: ${firstLine(error)}`))));
  }
}

/** Errors that end the whole run, not one account: no Chromium to start means no browser account can log in. */
const RUN_FATAL: ReadonlySet<ErrorCode> = new Set(['BROWSER_NOT_FOUND']);
