/**
 * Playwright Test helper (package entry `portal-login/playwright`) for
 * users' own suites: a `setup` project (or a `storageState` fixture) gets
 * a logged-in state file, logging in only when the saved one does not work.
 */
import { loadSession } from './load-session.js';
import type { LibraryLoginOptions } from './login.js';

export interface SessionForOptions extends LibraryLoginOptions {
  /** Log in again when the saved session expires within this many seconds; default 600 (10 min). */
  minValidSeconds?: number;
}
export { loginAccount, type LibraryLoginOptions } from './login.js';

/**
 * The account's storageState path for `use: { storageState }`. A saved
 * session is reused while it is valid (judged as `portal-login refresh`
 * does: expiry, daily cutoff, the probe; cookies the probe rotates are
 * written back under the account's lock); a session that is missing,
 * invalid or expiring within `minValidSeconds` (default 600) is logged in
 * first, headless. A failed login throws its PortalLoginError (code, hint,
 * artifacts).
 */
export async function sessionFor(account: string, options: SessionForOptions = {}): Promise<string> {
  return (await loadSession(account, { ...options, refresh: true })).storageStatePath;
}
