import type { Clock } from '../core/clock.js';
import { firstLine } from '../core/as-portal-error.js';
import type { Logger } from '../core/log.js';
import type { LoginRecord } from '../session/login-record.js';
import type { SessionStore } from '../session/store.js';
import type { AccountResult } from './login.js';

/**
 * Keeps what this login came to, for `status`'s LAST LOGIN. Not when no
 * login ran (kept: another run's session; LOCK_HELD: another run had the
 * account). Never fails the login: a store that takes no record took no
 * session either, and that error is already the result.
 */
export async function recordLogin(store: SessionStore, result: AccountResult, options: { clock: Clock; log: Logger }): Promise<void> {
  if (result.ok ? result.kept : result.error.code === 'LOCK_HELD') return;
  const at = new Date(options.clock.now()).toISOString();
  const record: LoginRecord = result.ok ? { at, durationMs: result.durationMs, ok: true } : { at, durationMs: result.durationMs, ok: false, code: result.error.code };
  await store.recordLogin(result.account, record).catch((error: unknown) => options.log.debug(`Recording the login's outcome failed: ${firstLine(error)}`));
}
