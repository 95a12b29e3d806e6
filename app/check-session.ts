import type { Config, PortalConfig } from '../config/schema.js';
import { PortalLoginError } from '../core/errors.js';
import type { LoginRecord } from '../session/login-record.js';
import type { Session, SessionInfo } from '../session/model.js';
import type { SessionStore } from '../session/store.js';
import { DIRECT, type Egress } from '../net/egress.js';
import { judge, probeVia, type JudgeOptions, type Rotation, type Verdict } from '../session/validity.js';
import { saveRotation, writeBack } from '../session/write-back.js';

/** One account's saved session as `status` and `refresh` see it; safe to print (no cookie or token value). */
export interface SessionCheck {
  account: string;
  portal: string;
  /** What the saved session says about itself; undefined when there is none (or it cannot be read). */
  info: SessionInfo | undefined;
  verdict: Omit<Verdict, 'rotation'>;
  /** The probe's rotated cookies were saved back (see session/write-back.ts). */
  wroteBack: boolean;
  /** What the account's latest login came to (when, ok or its error code); undefined when none was recorded. */
  lastLogin: LoginRecord | undefined;
}

export interface CheckOptions extends JudgeOptions {
  store: SessionStore;
  now: () => Date;
  /** ms to wait for the account's lock before a write-back; the write-back is skipped (not failed) when it stays held. */
  lockWaitMs: number;
  /** The caller already holds the account's lock (refresh's re-judge inside the login's lock). */
  locked?: boolean;
}

/** How long a status (or refresh) waits for another run holding an account before it skips that account's write-back, in ms. */
export const WRITE_BACK_LOCK_WAIT_MS = 10_000;

/**
 * Every named account checked at once: one probe each, in parallel (they
 * are independent requests), each from the account's egress (`egresses`,
 * config/accounts.ts resolveEgresses; direct when not there).
 */
export function checkAccounts(config: Config, names: readonly string[], store: SessionStore, now: () => Date, egresses: ReadonlyMap<string, Egress> = new Map()): Promise<SessionCheck[]> {
  return Promise.all(
    names.map((account) => {
      const portalName = config.accounts[account]!.portal;
      const probe = probeVia(egresses.get(account) ?? DIRECT);
      return checkSession(account, portalName, config.portals[portalName]!, { store, now, lockWaitMs: WRITE_BACK_LOCK_WAIT_MS, probe });
    }),
  );
}

/**
 * Loads, judges and, when the probe rotated the session's cookies, writes
 * them back. A session file that cannot be read counts as no session: the
 * answer to both is "log in again".
 */
export async function checkSession(account: string, portalName: string, portal: PortalConfig, options: CheckOptions): Promise<SessionCheck> {
  const { store } = options;
  // Read beside the session: a login that failed after the last good one shows here, while the session stays the good one.
  const lastLogin = await store.lastLogin(account).catch(() => undefined);
  let session: Session | undefined;
  try {
    session = await store.load(account);
  } catch (error) {
    // Only a session that is there but unreadable counts as none; a store that is unreachable (STORE_UNAVAILABLE) ends the run.
    if (!(error instanceof PortalLoginError && error.code === 'CONFIG_INVALID')) throw error;
    const reason = `the saved session cannot be read (${error.message.split('\n')[0] ?? ''})`;
    return { account, portal: portalName, info: undefined, verdict: { valid: 'no', reason, expiresAt: null, nextCutoffAt: null }, wroteBack: false, lastLogin };
  }
  const { rotation, ...verdict } = await judge(session, portal, options.now(), options);
  const saved = session && rotation ? await saveRotated(account, session, rotation, options) : undefined;
  // After a write-back the session's facts are the rotated cookies' (a new expiry, a new save time).
  const info = saved?.info ?? session?.info;
  return { account, portal: portalName, info, verdict: { ...verdict, expiresAt: info?.expiresAt ?? verdict.expiresAt }, wroteBack: saved !== undefined, lastLogin };
}

async function saveRotated(account: string, session: Session, rotation: Rotation, options: CheckOptions): Promise<Session | undefined> {
  const now = options.now();
  if (options.locked) return saveRotation(options.store, account, session, rotation, now);
  return writeBack(options.store, account, session, rotation, { lockWaitMs: options.lockWaitMs, now }).catch((error: unknown) => {
    // Another run holds the account (logging in or writing back itself): its session will be the newer one.
    if (error instanceof PortalLoginError && error.code === 'LOCK_HELD') return undefined;
    throw error;
  });
}
