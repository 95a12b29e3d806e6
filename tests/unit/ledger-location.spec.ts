/**
 * Where the used-window ledger lives: one folder per OS user, whatever the
 * environment says (XDG_STATE_HOME, HOME), unless PORTAL_LOGIN_LEDGER_DIR
 * moves it; and a ledger folder another user could tamper with is refused.
 */
import { expect, test } from '@playwright/test';
import { chmod, chown, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortalLoginError } from '../../core/errors.js';
import { checkLedgerDirOwnership, ledgerDir } from '../../totp/ledger-location.js';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portal-login-ledger-location-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('the ledger folder depends on the OS user only, not on XDG_STATE_HOME or HOME', () => {
  const user = { uid: 1234, homedir: dir };
  const expected = join(dir, '.local', 'state', 'portal-login', 'totp-steps');
  expect(ledgerDir({}, user)).toBe(expected);
  expect(ledgerDir({ XDG_STATE_HOME: '/srv/a', HOME: '/srv/a' }, user)).toBe(expected);
  expect(ledgerDir({ XDG_STATE_HOME: '/srv/b', HOME: '/home/other' }, user)).toBe(expected);
});

test('a user without a home folder gets <tmp>/portal-login-<uid>; PORTAL_LOGIN_LEDGER_DIR overrides both', () => {
  const homeless = { uid: 65534, homedir: '/nonexistent' };
  expect(ledgerDir({ XDG_STATE_HOME: dir }, homeless)).toBe(join(tmpdir(), 'portal-login-65534', 'totp-steps'));
  expect(ledgerDir({ PORTAL_LOGIN_LEDGER_DIR: join(dir, 'mine') }, homeless)).toBe(join(dir, 'mine'));
  expect(ledgerDir({ PORTAL_LOGIN_LEDGER_DIR: '' }, { uid: 1, homedir: dir })).toBe(join(dir, '.local', 'state', 'portal-login', 'totp-steps'));
});

const refusal = async (path: string, uid?: number) => {
  const error = await checkLedgerDirOwnership(path, uid).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PortalLoginError);
  expect((error as PortalLoginError).code).toBe('STATE_WRITE_FAILED');
  expect((error as PortalLoginError).hint).toContain('PORTAL_LOGIN_LEDGER_DIR');
  return (error as PortalLoginError).message;
};

test('an own private folder (under a sticky /tmp-like parent or an own one) is accepted', async () => {
  const ledger = join(dir, 'totp-steps');
  await mkdir(ledger, { mode: 0o700 });
  await checkLedgerDirOwnership(ledger);
  const sticky = join(dir, 'shared');
  await mkdir(sticky);
  await chmod(sticky, 0o1777);
  await mkdir(join(sticky, 'mine'), { mode: 0o700 });
  await checkLedgerDirOwnership(join(sticky, 'mine'));
});

test('a ledger folder writable by others, a symlink, or under a parent others can write is refused', async () => {
  const open = join(dir, 'open');
  await mkdir(open);
  await chmod(open, 0o777);
  expect(await refusal(open)).toContain('is writable by other users (mode 777)');

  await mkdir(join(dir, 'real'), { mode: 0o700 });
  await symlink(join(dir, 'real'), join(dir, 'link'));
  expect(await refusal(join(dir, 'link'))).toContain('is not a folder');

  await mkdir(join(open, 'inside'), { mode: 0o700 });
  expect(await refusal(join(open, 'inside'))).toContain(`${open} is writable by other users`);
});

test("a ledger folder owned by another user is refused (the trap of a /tmp/portal-login-<uid> made first by someone else)", async () => {
  const theirs = join(dir, 'theirs');
  await mkdir(theirs, { mode: 0o700 });
  const me = process.getuid!();
  // As root the folder is given to another uid; as anyone else, the folder (mine) is checked for a different uid.
  if (me === 0) await chown(theirs, 54321, 54321);
  const as = me === 0 ? 0 : me + 1;
  expect(await refusal(theirs, as)).toContain(`belongs to uid ${me === 0 ? 54321 : me}, not this user (uid ${as})`);
});
