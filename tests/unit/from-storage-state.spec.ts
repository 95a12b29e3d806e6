/**
 * The temporary reader of today's state files (until the session store
 * lands): storageState + .meta.json + session storage → Session, and why
 * there is none.
 */
import { expect, test } from '@playwright/test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStateFileSession } from '../../session/from-storage-state.js';
import { sessionPaths } from '../../session/store.js';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portal-login-state-'));
});
test.afterEach(async () => rm(dir, { recursive: true, force: true }));

const cookie = { name: 'sid', value: 's3cr3t', domain: '127.0.0.1', path: '/', expires: 1893456000, httpOnly: true, secure: false, sameSite: 'Lax' };

test('a state file with its metadata and session storage becomes a Session', async () => {
  const paths = sessionPaths(dir, 'main');
  await writeFile(paths.state, JSON.stringify({ cookies: [cookie], origins: [{ origin: 'http://127.0.0.1', localStorage: [{ name: 'k', value: 'v' }] }] }));
  await writeFile(paths.meta, JSON.stringify({ account: 'main', portal: 'demo', savedAt: '2029-12-31T00:00:00.000Z', expiresAt: '2030-01-01T00:00:00.000Z', cookies: [], localStorageKeys: [] }));
  await writeFile(paths.sessionStorage, JSON.stringify({ 'http://127.0.0.1': { tab: 'x' } }));
  expect(await readStateFileSession(paths, 'main', 'demo')).toEqual({
    found: true,
    session: {
      cookies: [cookie],
      origins: [{ origin: 'http://127.0.0.1', localStorage: [{ name: 'k', value: 'v' }] }],
      sessionStorage: { 'http://127.0.0.1': { tab: 'x' } },
      tokens: {},
      info: { account: 'main', portal: 'demo', savedAt: '2029-12-31T00:00:00.000Z', obtainedBy: 'login', expiresAt: '2030-01-01T00:00:00.000Z', sessionCookies: [] },
    },
  });
});

test('without metadata: attributes Playwright may leave out get its defaults, expiry from the cookies', async () => {
  const paths = sessionPaths(dir, 'main');
  await writeFile(paths.state, JSON.stringify({ cookies: [{ name: 'a', value: '1', domain: 'x.test' }], origins: [] }));
  const read = await readStateFileSession(paths, 'main', 'demo');
  expect(read.found && read.session.cookies).toEqual([{ name: 'a', value: '1', domain: 'x.test', path: '/', expires: -1, httpOnly: false, secure: false, sameSite: 'Lax' }]);
  expect(read.found && read.session.info.expiresAt).toBeNull();
  expect(read.found && Number.isNaN(Date.parse(read.session.info.savedAt))).toBe(false);
});

test('no state file is "missing"; one that is not a storageState is "unreadable"', async () => {
  const paths = sessionPaths(dir, 'main');
  expect(await readStateFileSession(paths, 'main', 'demo')).toEqual({ found: false, reason: 'missing' });
  await writeFile(paths.state, '{"cookies": "no"');
  expect(await readStateFileSession(paths, 'main', 'demo')).toEqual({ found: false, reason: 'unreadable' });
  await writeFile(paths.state, '{"cookies": [{"name": 1}]}');
  expect(await readStateFileSession(paths, 'main', 'demo')).toEqual({ found: false, reason: 'unreadable' });
});
