import { statSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { PortalLoginError } from '../core/errors.js';

/** The OS user the ledger belongs to: its uid (-1 on Windows) and its home from the user database, not $HOME. */
export interface OsUser {
  uid: number;
  homedir: string;
}

/** The variable that moves the ledger (tests and the bench give each run its own). */
export const LEDGER_DIR_ENV = 'PORTAL_LOGIN_LEDGER_DIR';

/**
 * Where used TOTP windows are recorded: one place per OS user, whatever
 * config, --state-dir, working folder, $HOME or $XDG_STATE_HOME a run has,
 * so two runs for the same secret can never send the same code (two
 * processes with different XDG_STATE_HOME once did). $PORTAL_LOGIN_LEDGER_DIR
 * overrides it; else `<home>/.local/state/portal-login/totp-steps` with the
 * home from the user database (getpwuid, so a cron job or a sudo with
 * another $HOME agrees); a user without a home folder (nobody, a
 * DynamicUser service) gets `<tmp>/portal-login-<uid>/totp-steps`.
 */
export function ledgerDir(env: Readonly<Record<string, string | undefined>>, user: OsUser = currentUser()): string {
  const override = env[LEDGER_DIR_ENV];
  if (override) return override;
  if (isDirectory(user.homedir)) return join(user.homedir, '.local', 'state', 'portal-login', 'totp-steps');
  return join(tmpdir(), `portal-login-${user.uid}`, 'totp-steps');
}

function currentUser(): OsUser {
  try {
    const { uid, homedir } = userInfo();
    return { uid, homedir };
  } catch {
    // A uid with no entry in the user database (containers run as --user 12345): no home to use, the uid still names the folder.
    return { uid: process.getuid?.() ?? -1, homedir: '' };
  }
}

function isDirectory(path: string): boolean {
  try {
    return path !== '' && statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Refuses a ledger folder another user could tamper with: it and its parent
 * must be real folders (not symlinks) owned by this user (or root), and
 * writable by nobody else unless sticky (as /tmp is). Without this, another
 * user who made /tmp/portal-login-<uid> first could swap the records and
 * make this user's runs submit a code twice. Call it once the folder exists.
 */
export async function checkLedgerDirOwnership(dir: string, uid: number = process.getuid?.() ?? -1): Promise<void> {
  if (uid < 0) return; // Windows: no uid and no POSIX modes to check
  for (const path of [dir, dirname(dir)]) {
    const stats = await lstat(path);
    const problem = !stats.isDirectory()
      ? 'is not a folder (a symlink or a file)'
      : stats.uid !== uid && stats.uid !== 0
        ? `belongs to uid ${stats.uid}, not this user (uid ${uid})`
        : (stats.mode & 0o022) !== 0 && (stats.mode & 0o1000) === 0
          ? `is writable by other users (mode ${(stats.mode & 0o777).toString(8)})`
          : undefined;
    if (problem) {
      throw new PortalLoginError('STATE_WRITE_FAILED', `The used-code ledger folder is not safe to use: ${path} ${problem}.`, {
        hint: `Another user could make a code be sent twice. Remove it (or fix its owner and mode: chmod 700) and run again, or set ${LEDGER_DIR_ENV} to a folder only you can write.`,
      });
    }
  }
}
