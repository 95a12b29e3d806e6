/**
 * Playwright Test helper (package entry `portal-login/playwright`) for
 * users' own suites: a `setup` project (or a `storageState` fixture) gets
 * a logged-in state file, logging in only when there is none.
 */
import { PortalLoginError } from '../core/errors.js';
import { loadSession } from './load-session.js';
import { loginAccount, type LibraryLoginOptions } from './login.js';

export type SessionForOptions = LibraryLoginOptions;
export { loginAccount, type LibraryLoginOptions } from './login.js';

/**
 * The account's storageState path for `use: { storageState }`. A saved
 * session is reused as long as it is in the configured store (delete it, or run
 * `portal-login login`, to start over); without one, the account is logged
 * in first (`loginAccount`). It does not yet check that a saved session
 * still works: that comes with `portal-login status`/`refresh`.
 */
export async function sessionFor(account: string, options: SessionForOptions = {}): Promise<string> {
  try {
    return (await loadSession(account, options)).storageStatePath;
  } catch (error) {
    if (!(error instanceof PortalLoginError && error.code === 'NO_SESSION')) throw error;
  }
  await loginAccount(account, options);
  // Read back through loadSession: with the Redis store the path to hand Playwright is a local copy, not the redis:// address.
  return (await loadSession(account, options)).storageStatePath;
}
