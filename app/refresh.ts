/**
 * What `portal-login refresh` does, as typed functions the `refresh` and
 * `schedule` commands share: judge every named account's saved session,
 * then log in only those that need it (all with `force`), in one browser.
 * Playwright is loaded only when some account needs a login.
 */
import type { Config } from '../config/schema.js';
import { PortalLoginError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { ResolvedAccount } from '../config/accounts.js';
import type { LiveDisplay } from './progress.js';
import type { Terminal } from '../codes/prompt-source.js';
import type { Redactor } from '../core/redact.js';
import type { SessionStore } from '../session/store.js';
import type { StepLedger } from '../totp/step-ledger.js';
import { DIRECT } from '../net/egress.js';
import { probeVia } from '../session/validity.js';
import { checkAccounts, checkSession, WRITE_BACK_LOCK_WAIT_MS, type SessionCheck } from './check-session.js';
import type { AccountResult } from './login.js';

/** Which config and where its sessions and failure artifacts live. */
export interface RefreshTarget {
  config: Config;
  /** Config file name, for messages. */
  source: string;
  stateDir: string;
  artifactsDir: string;
  store: SessionStore;
  /** The store's used-window ledger; default the file ledger in settings.ledgerDir. */
  ledger?: StepLedger;
}

export interface RefreshSettings {
  /** A session expiring sooner than this (ms) is logged in again. */
  minValidMs: number;
  force: boolean;
  headed: boolean;
  /** Per-step timeout (ms). */
  timeoutMs: number;
  trace: boolean;
  /** The process environment (secrets, browser) and the .env file read over it, at each login. */
  env: NodeJS.ProcessEnv;
  dotenvPath: string;
  /** Used-window ledger (see totp/ledger-location.ts). */
  ledgerDir: string;
  redactor: Redactor;
  logFor: (account: string) => Logger;
  /** A live display for the accounts that do log in (a terminal's one line per account), replacing logFor's lines; none: plain lines. */
  display?: (accounts: readonly ResolvedAccount[]) => Promise<LiveDisplay | undefined>;
  /** Accounts logged in at once. */
  concurrency: number;
  /** The run's terminal, for prompt code sources (none in cron, CI, a service). */
  terminal?: Terminal;
  /** Failed logins are not alerted here: the caller alerts after its own retry (see LoginOptions.deferAlerts). */
  deferAlerts?: boolean;
}

export interface RefreshPlan {
  /** Each account's judged session; empty with `force` (nothing is judged). */
  checks: SessionCheck[];
  /** Account → why it is logged in, in the order named. */
  needed: Map<string, string>;
}

export interface RefreshOutcome extends RefreshPlan {
  results: AccountResult[];
}

/** Why an account needs a login, or undefined to keep its session. */
export function loginNeeded(check: SessionCheck, minValidMs: number, now: Date): string | undefined {
  if (check.verdict.valid === 'no') return check.verdict.reason;
  const { expiresAt } = check.verdict;
  // Only the session's own expiry counts, not the daily cutoff: a login now would end at the same cutoff.
  if (expiresAt !== null && Date.parse(expiresAt) - now.getTime() < minValidMs) return `it expires at ${expiresAt}, within --min-valid`;
  return undefined;
}

/** The whole refresh: plan, then log in the accounts the plan picked (none: no browser starts). */
export async function refreshAccounts(names: readonly string[], target: RefreshTarget, settings: RefreshSettings, now: () => Date): Promise<RefreshOutcome> {
  const plan = await planRefresh(names, target, settings, now);
  const results = plan.needed.size === 0 ? [] : await logInNeeded([...plan.needed.keys()], target, settings, now);
  return { ...plan, results };
}

/** What refreshOne did: kept the saved session (valid, or validity unknown) or logged the account in. */
export interface RefreshedAccount {
  action: 'kept' | 'logged-in';
  /** Why, for a person (the verdict, or why a login was needed); never a value. */
  reason: string;
}

/**
 * refreshAccounts for one account whose session a caller is about to use
 * (`export --refresh`, `loadSession({ refresh: true })`, `sessionFor`): the
 * probe's rotated cookies are written back, a session that needs it is
 * logged in, and a failed login throws its PortalLoginError.
 */
export async function refreshOne(name: string, target: RefreshTarget, settings: RefreshSettings, now: () => Date): Promise<RefreshedAccount> {
  const { checks, needed, results } = await refreshAccounts([name], target, settings, now);
  const [result] = results;
  if (!result) return { action: 'kept', reason: checks[0]?.verdict.reason ?? 'kept' };
  if (!result.ok) throw result.error;
  if (result.kept) return { action: 'kept', reason: 'another run logged it in meanwhile' };
  return { action: 'logged-in', reason: needed.get(name) ?? 'it needed a login' };
}

/**
 * As refreshAccounts, for a caller that must go on (`schedule`): what fails
 * the whole login step (a secret gone from .env, no browser) becomes the
 * failure of each account it was for; accounts kept stay kept.
 */
export async function refreshEachAccount(names: readonly string[], target: RefreshTarget, settings: RefreshSettings, now: () => Date): Promise<RefreshOutcome> {
  const plan = await planRefresh(names, target, settings, now);
  const needed = [...plan.needed.keys()];
  if (needed.length === 0) return { ...plan, results: [] };
  try {
    return { ...plan, results: await logInNeeded(needed, target, settings, now) };
  } catch (thrown) {
    if (!(thrown instanceof PortalLoginError)) throw thrown;
    return { ...plan, results: needed.map((account) => ({ account, ok: false as const, error: thrown, durationMs: 0 })) };
  }
}

/** Judges the named accounts (one probe each, in parallel) and picks those to log in: every one with `force`. */
export async function planRefresh(names: readonly string[], target: RefreshTarget, settings: Pick<RefreshSettings, 'force' | 'minValidMs' | 'env' | 'dotenvPath' | 'redactor'>, now: () => Date): Promise<RefreshPlan> {
  if (settings.force) return { checks: [], needed: new Map(names.map((name) => [name, '--force'])) };
  const [{ resolveEgresses }, { loadEnv }] = await Promise.all([import('../config/accounts.js'), import('../config/env.js')]);
  // Each probe leaves from its account's proxy: an IP-bound session is valid only there.
  const egresses = resolveEgresses(target.config, names, loadEnv({ dotenvPath: settings.dotenvPath, processEnv: settings.env }), target.source, settings.redactor);
  const checks = await checkAccounts(target.config, names, target.store, now, egresses);
  const needed = new Map<string, string>();
  const at = now();
  for (const check of checks) {
    const reason = loginNeeded(check, settings.minValidMs, at);
    if (reason) needed.set(check.account, reason);
  }
  return { checks, needed };
}

/**
 * The login command's own loginAccounts, with a re-judge under each
 * account's lock: a run that waited for another refresh of the same account
 * finds the session that run saved, and keeps it instead of logging in twice.
 * Throws (PortalLoginError) for what fails the whole run: a missing secret, no browser.
 */
export async function logInNeeded(names: readonly string[], target: RefreshTarget, settings: RefreshSettings, now: () => Date): Promise<AccountResult[]> {
  const [{ launchInBackground, lazyBrowser }, { loginAccounts }, { resolveAccounts }, { loadEnv }] = await Promise.all([
    import('../browser/launch.js'),
    import('./login.js'),
    import('../config/accounts.js'),
    import('../config/env.js'),
  ]);
  const { config, source, store } = target;
  // Chromium starts on the first browser account's page: accounts that log in over HTTP need none.
  const browser = lazyBrowser(() => launchInBackground({ headed: settings.headed, env: settings.env }));
  try {
    const env = loadEnv({ dotenvPath: settings.dotenvPath, processEnv: settings.env });
    const accounts = resolveAccounts(config, names, env, source, settings.redactor, settings.terminal ? { terminal: settings.terminal } : {});
    const rejudge = async (account: string) => {
      const portalName = config.accounts[account]!.portal;
      const probe = probeVia(accounts.find((a) => a.name === account)?.egress ?? DIRECT);
      const check = await checkSession(account, portalName, config.portals[portalName]!, { store, now, lockWaitMs: WRITE_BACK_LOCK_WAIT_MS, locked: true, probe });
      return check.verdict.valid === 'yes' && !loginNeeded(check, settings.minValidMs, now()) ? { expiresAt: check.verdict.expiresAt } : undefined;
    };
    const live = await settings.display?.(accounts);
    return await loginAccounts(accounts, {
      browser,
      stateDir: target.stateDir,
      artifactsDir: target.artifactsDir,
      ledgerDir: settings.ledgerDir,
      env: { ...env },
      concurrency: settings.concurrency,
      source,
      timeoutMs: settings.timeoutMs,
      trace: settings.trace,
      redactor: settings.redactor,
      logFor: live?.logFor ?? settings.logFor,
      ...(live ? { onProgress: live.onProgress } : {}),
      store,
      ...(target.ledger ? { ledger: target.ledger } : {}),
      alerts: config.alerts.webhooks,
      ...(settings.deferAlerts ? { deferAlerts: true } : {}),
      ...(settings.force ? {} : { skipIfValid: rejudge }),
    });
  } finally {
    await browser.close();
  }
}
