/**
 * The session store: one file per account that is a Playwright storageState
 * and carries the rest under `portalLogin`, written with one rename; files of
 * older versions load; temp files of killed saves are swept; the
 * per-account lock serialises, recovers from a killed holder and ends in
 * LOCK_HELD; a full disk is STATE_WRITE_FAILED.
 */
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { fileSessionStore } from '../../session/file-store.js';
import type { Session, SessionCookie } from '../../session/model.js';
import { sessionExpiry } from '../../session/model.js';
import { sessionCookieNames } from '../../session/session-cookies.js';
import { openSessionStore } from '../../session/store.js';
import { sweepStaleTemps } from '../../session/temp-sweep.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portal-login-store-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const IN_30_DAYS = 1_900_000_000;
const cookie = (name: string, expires: number): SessionCookie => ({ name, value: `${name}-value`, domain: 'a.example', path: '/', expires, httpOnly: true, secure: true, sameSite: 'Lax' });

function session(overrides: Partial<Session> = {}): Session {
  return {
    cookies: [cookie('sid', -1), cookie('consent', IN_30_DAYS)],
    origins: [{ origin: 'https://a.example', localStorage: [{ name: 'token', value: 'ls-token' }] }],
    sessionStorage: { 'https://a.example': { tab: 'signed-in' } },
    tokens: { MAIN_TOKEN: 'tok-1' },
    info: { account: 'main', portal: 'acme', savedAt: '2026-01-02T03:04:05.000Z', obtainedBy: 'login', expiresAt: null, sessionCookies: ['sid'] },
    ...overrides,
  };
}

/** A pid no process has: a child that has already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;

test.describe('state file', () => {
  test('round trip: the file is a storageState with the rest under portalLogin, 0600, and loads back equal', async () => {
    const store = openSessionStore({ kind: 'file', dir });
    await store.save('main', session());
    const path = store.pathOf('main');
    expect(path).toBe(join(dir, 'main.json'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['cookies', 'origins', 'portalLogin']);
    expect(json.cookies).toEqual(session().cookies);
    expect(json.portalLogin).toEqual({ version: 1, info: session().info, sessionStorage: session().sessionStorage, tokens: session().tokens });
    expect(await store.load('main')).toEqual(session());
    expect(await readdir(dir)).toEqual(['main.json']); // one file: no lock, temp or metadata left
  });

  test('no saved session loads as undefined; a file that is not a session is CONFIG_INVALID naming it', async () => {
    const store = fileSessionStore(dir);
    expect(await store.load('main')).toBeUndefined();
    await writeFile(join(dir, 'main.json'), '{"cookies": [{"name": 1}], "origins": []}');
    await expect(store.load('main')).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining(`${join(dir, 'main.json')} is not a session file`) });
  });

  test('a file from an older version loads with its .meta.json and .session-storage.json; the next save removes them', async () => {
    const { cookies, origins } = session();
    await writeFile(join(dir, 'main.json'), JSON.stringify({ cookies, origins }));
    await writeFile(join(dir, 'main.meta.json'), JSON.stringify({ account: 'main', portal: 'acme', savedAt: '2025-05-05T00:00:00.000Z', expiresAt: null, cookies: [], localStorageKeys: [] }));
    await writeFile(join(dir, 'main.session-storage.json'), JSON.stringify({ 'https://a.example': { tab: 'old' } }));
    const store = fileSessionStore(dir);
    const loaded = await store.load('main');
    expect(loaded).toEqual({
      cookies,
      origins,
      tokens: {},
      sessionStorage: { 'https://a.example': { tab: 'old' } },
      // sid looks like a session cookie and is a browser-session one: no date, whatever consent says.
      info: { account: 'main', portal: 'acme', savedAt: '2025-05-05T00:00:00.000Z', obtainedBy: 'login', expiresAt: null, sessionCookies: ['sid'] },
    });
    await store.save('main', session());
    expect(await readdir(dir)).toEqual(['main.json']);
  });

  test('a file Playwright wrote itself loads: account from the name, saved at its modification time', async () => {
    const path = join(dir, 'ci-user.json');
    await writeFile(path, JSON.stringify({ cookies: [cookie('auth_token', IN_30_DAYS), cookie('theme', IN_30_DAYS + 99)], origins: [] }));
    const loaded = await fileSessionStore(dir).load('ci-user');
    expect(loaded?.info).toEqual({
      account: 'ci-user',
      portal: '',
      savedAt: (await stat(path)).mtime.toISOString(),
      obtainedBy: 'login',
      expiresAt: new Date(IN_30_DAYS * 1000).toISOString(),
      sessionCookies: ['auth_token'],
    });
  });
});

test.describe('save is one atomic unit', () => {
  test('state, info and sessionStorage are one write: a save killed before its rename leaves the old session whole', async () => {
    const writes: string[] = [];
    const dying = fileSessionStore(dir, {
      writeFileAtomic: async (path, data) => {
        writes.push(path);
        // What a kill -9 between write and rename leaves: a complete temp file, the target untouched.
        await writeFile(join(dir, `.main.json.${deadPid()}-0123456789ab.tmp`), data, { mode: 0o600 });
        throw Object.assign(new Error('killed'), { code: 'EINTR' });
      },
    });
    const store = fileSessionStore(dir);
    await store.save('main', session());
    const before = await readFile(store.pathOf('main'), 'utf8');
    await expect(dying.save('main', session({ tokens: { MAIN_TOKEN: 'tok-2' } }))).rejects.toMatchObject({ code: 'STATE_WRITE_FAILED' });
    expect(writes).toEqual([join(dir, 'main.json')]);
    expect(await readFile(store.pathOf('main'), 'utf8')).toBe(before);
    expect((await store.load('main'))?.tokens).toEqual({ MAIN_TOKEN: 'tok-1' });
    expect(await readdir(dir)).toEqual(['main.json']); // the load swept the dead writer's temp file
  });

  test('a full disk during the save is STATE_WRITE_FAILED naming the file; the last good session is unchanged', async () => {
    const store = fileSessionStore(dir);
    await store.save('main', session());
    const full = fileSessionStore(dir, {
      writeFileAtomic: (path, data) =>
        writeFileAtomic(path, data.slice(0, 0)).then(() => {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
        }),
    });
    await expect(full.save('main', session({ tokens: {} }))).rejects.toMatchObject({ code: 'STATE_WRITE_FAILED', exitStatus: 11, message: `Could not write ${join(dir, 'main.json')} (ENOSPC).` });
  });

  test('kill -9 between write and rename (a real process): old file intact, the temp is 0600 with the writer pid, and the next load sweeps it', async () => {
    // The child imports the built store: `npm test` builds before running (scripts/setup.mjs).
    expect(existsSync(join(ROOT, 'dist/session/file-store.js'))).toBe(true);
    const store = fileSessionStore(dir);
    await store.save('main', session());
    const before = await readFile(store.pathOf('main'), 'utf8');
    const child = `
      import { fileSessionStore } from ${JSON.stringify(join(ROOT, 'dist/session/file-store.js'))};
      await fileSessionStore(process.env.DIR).save('main', JSON.parse(process.env.SESSION));
    `;
    const newer = session({ tokens: { MAIN_TOKEN: 'tok-2' } });
    const run = spawnSync(process.execPath, ['--import', join(ROOT, 'tests/support/kill-before-rename.mjs'), '--input-type=module', '-e', child], {
      env: { ...process.env, DIR: dir, SESSION: JSON.stringify(newer), PORTAL_LOGIN_TEST_KILL_BEFORE_RENAME: store.pathOf('main') },
    });
    expect(run.signal, run.stderr.toString()).toBe('SIGKILL');
    expect(await readFile(store.pathOf('main'), 'utf8')).toBe(before);
    const temps = (await readdir(dir)).filter((n) => n !== 'main.json');
    expect(temps).toHaveLength(1);
    expect(temps[0]).toMatch(new RegExp(`^\\.main\\.json\\.${run.pid}-[0-9a-f]{12}\\.tmp$`));
    const temp = join(dir, temps[0]!);
    expect((await stat(temp)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(temp, 'utf8'))).toMatchObject({ portalLogin: { tokens: { MAIN_TOKEN: 'tok-2' } } }); // a complete live session: it must not stay
    expect((await store.load('main'))?.tokens).toEqual({ MAIN_TOKEN: 'tok-1' });
    expect(await readdir(dir)).toEqual(['main.json']);
  });
});

test.describe('sweepStaleTemps', () => {
  test('removes only our temp files for this file whose writer is gone or that are older than 5 s', async () => {
    const now = Date.now();
    const names = {
      deadWriter: `.main.json.4000001-aaaaaaaaaaaa.tmp`,
      liveWriterFresh: `.main.json.4000002-bbbbbbbbbbbb.tmp`,
      liveWriterOld: `.main.json.4000003-cccccccccccc.tmp`,
      noPidFresh: `.main.json.dddddddddddd.tmp`,
      noPidOld: `.main.json.eeeeeeeeeeee.tmp`,
      otherAccount: `.other.json.4000001-ffffffffffff.tmp`,
      notOurs: `.main.json.notes.tmp`,
    };
    for (const name of Object.values(names)) await writeFile(join(dir, name), '{}');
    const old = new Date(now - 60_000);
    for (const name of [names.liveWriterOld, names.noPidOld, names.otherAccount, names.notOurs]) await utimes(join(dir, name), old, old);
    const removed = await sweepStaleTemps(dir, 'main.json', { now, isRunning: (pid) => pid !== 4000001 });
    expect(removed.sort()).toEqual([names.deadWriter, names.liveWriterOld, names.noPidOld].sort());
    expect((await readdir(dir)).sort()).toEqual([names.liveWriterFresh, names.noPidFresh, names.otherAccount, names.notOurs].sort());
  });
});

test.describe('lock', () => {
  test('two overlapping lock() calls for one account run one after the other; the second is told it waits', async () => {
    const events: string[] = [];
    let secondWaits!: () => void;
    const waiting = new Promise<void>((resolve) => (secondWaits = resolve));
    const a = fileSessionStore(dir);
    const b = fileSessionStore(dir); // another store: as another process would hold it
    let firstEntered!: () => void;
    const entered = new Promise<void>((resolve) => (firstEntered = resolve));
    const first = a.lock('main', async () => {
      events.push('first in');
      firstEntered();
      await waiting; // hold the lock until the second has found it held
      events.push('first out');
    }, { waitMs: 30_000 });
    await entered;
    const second = b.lock('main', async () => void events.push('second in'), { waitMs: 30_000, onWait: () => (events.push('second waits'), secondWaits()) });
    await Promise.all([first, second]);
    expect(events).toEqual(['first in', 'second waits', 'first out', 'second in']);
    expect(await readdir(dir)).toEqual([]); // released: no lock folder left
  });

  test('another account is not held up by this one', async () => {
    const store = fileSessionStore(dir);
    const other = await store.lock('main', () => store.lock('other', async () => 'ran', { waitMs: 0 }), { waitMs: 0 });
    expect(other).toBe('ran');
  });

  test('a lock left by a killed run (not refreshed for over 10 s) is taken over', async () => {
    const lock = join(dir, '.main.lock');
    await mkdir(lock);
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(lock, longAgo, longAgo);
    expect(await fileSessionStore(dir).lock('main', async () => 'ran', { waitMs: 0 })).toBe('ran');
  });

  test('a lock held past waitMs is LOCK_HELD (exit 15) saying another run holds the account', async () => {
    const store = fileSessionStore(dir);
    const held = store.lock('main', () => fileSessionStore(dir).lock('main', async () => 'never', { waitMs: 300 }), { waitMs: 0 });
    await expect(held).rejects.toMatchObject({
      code: 'LOCK_HELD',
      exitStatus: 15,
      message: `Account main is in use by another portal-login run (lock ${join(dir, '.main.lock')}); waited 0 s.`,
      hint: expect.stringContaining('Let the other run finish, then run again'),
    });
  });
});

test.describe('session cookies and expiry', () => {
  const set = [cookie('sid', -1), cookie('consent', IN_30_DAYS), cookie('remember_login', IN_30_DAYS - 10)];
  const cases: Array<{ name: string; configured?: string[]; before?: SessionCookie[]; after: SessionCookie[]; names: string[]; expiresAt: string | null }> = [
    { name: 'configured names win', configured: ['consent'], after: set, names: ['consent'], expiresAt: new Date(IN_30_DAYS * 1000).toISOString() },
    { name: 'session-like names among those the login set', after: set, names: ['sid', 'remember_login'], expiresAt: new Date((IN_30_DAYS - 10) * 1000).toISOString() },
    { name: 'a browser-session cookie is no date, not the 30-day expiry of another cookie', after: [cookie('sid', -1), cookie('consent', IN_30_DAYS)], names: ['sid'], expiresAt: null },
    { name: 'cookies present before the login do not count', before: [cookie('remember_login', 1)], after: set, names: ['sid'], expiresAt: null },
    { name: 'no session-like name: every cookie the login set', after: [cookie('a', IN_30_DAYS), cookie('b', IN_30_DAYS - 5)], names: ['a', 'b'], expiresAt: new Date((IN_30_DAYS - 5) * 1000).toISOString() },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const names = sessionCookieNames(c.after, { configured: c.configured, before: c.before });
      expect(names).toEqual(c.names);
      expect(sessionExpiry(c.after, names)).toBe(c.expiresAt);
    });
  }
});

test('the last login record: a hidden 0600 file beside the session, replaced by the next; unreadable or malformed is none', async () => {
  const store = fileSessionStore(dir);
  expect(await store.lastLogin('main')).toBeUndefined();
  await store.recordLogin('main', { at: '2026-01-02T03:04:05.000Z', durationMs: 1200, ok: true });
  expect(await store.lastLogin('main')).toEqual({ at: '2026-01-02T03:04:05.000Z', durationMs: 1200, ok: true });
  await store.recordLogin('main', { at: '2026-01-02T04:00:00.000Z', durationMs: 900, ok: false, code: 'CODE_REJECTED' });
  expect(await store.lastLogin('main')).toEqual({ at: '2026-01-02T04:00:00.000Z', durationMs: 900, ok: false, code: 'CODE_REJECTED' });
  expect(await readdir(dir)).toEqual(['.main.last-login.json']);
  expect((await stat(join(dir, '.main.last-login.json'))).mode & 0o777).toBe(0o600);
  for (const text of ['not json', '{"at":"yesterday","durationMs":1,"ok":true}', '{"at":"2026-01-02T03:04:05.000Z","durationMs":1,"ok":false,"code":"a message"}']) {
    await writeFile(join(dir, '.main.last-login.json'), text);
    expect(await store.lastLogin('main'), text).toBeUndefined();
  }
});
