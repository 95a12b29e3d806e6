/**
 * State files on disk: folders we create to hold sessions are private, a
 * folder the user already had keeps its mode, and a save leaves exactly the
 * files the current config asks for.
 */
import { expect, test } from '@playwright/test';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir } from '../../core/atomic-write.js';
import { REDACTED, Redactor } from '../../core/redact.js';
import { describeSession, saveSession, sessionPaths, type StorageState } from '../../session/store.js';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portal-login-state-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Permission bits including setuid/setgid/sticky (a 1777 /tmp must stay 1777). */
const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

test.describe('ensurePrivateDir', () => {
  test('a missing folder is created 0700, parents included', async () => {
    const state = join(dir, 'a', 'state');
    await ensurePrivateDir(state);
    expect(await modeOf(state)).toBe(0o700);
    expect(await modeOf(join(dir, 'a'))).toBe(0o700);
  });

  // A folder the user already had (`--state-dir .`, `--artifacts-dir /tmp`) is theirs to set: the files we write in it are 0600 anyway.
  for (const existing of [0o755, 0o1777]) {
    test(`an existing ${existing.toString(8).padStart(4, '0')} folder keeps its mode; a missing one under it is created 0700`, async () => {
      const mine = join(dir, 'existing');
      await mkdir(mine);
      await chmod(mine, existing);
      await writeFile(join(mine, 'notes.txt'), 'not ours', { mode: 0o644 });
      await ensurePrivateDir(mine);
      expect(await modeOf(mine)).toBe(existing);
      expect(await modeOf(join(mine, 'notes.txt'))).toBe(0o644);

      await ensurePrivateDir(join(mine, 'state'));
      expect(await modeOf(join(mine, 'state'))).toBe(0o700);
      expect(await modeOf(mine)).toBe(existing);
    });
  }
});

test.describe('saveSession', () => {
  const state: StorageState = { cookies: [{ name: 'sid', domain: 'a.example', path: '/', expires: -1, value: 'v' }], origins: [] };
  const meta = describeSession('main', 'acme', state, new Date(0));

  test('a session-storage file from an earlier save is removed when this save has none (the switch is off)', async () => {
    const paths = sessionPaths(dir, 'main');
    await saveSession(paths, state, meta, { 'https://a.example': { tab: 'earlier' } });
    expect(await modeOf(paths.sessionStorage)).toBe(0o600);

    await saveSession(paths, state, meta);
    await expect(stat(paths.sessionStorage)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(JSON.parse(await readFile(paths.state, 'utf8'))).toEqual(state);
    expect(JSON.parse(await readFile(paths.meta, 'utf8'))).toEqual(meta);
  });

  test('saving without sessionStorage when there never was a file just saves', async () => {
    const paths = sessionPaths(join(dir, 'fresh'), 'main');
    await saveSession(paths, state, meta);
    expect(JSON.parse(await readFile(paths.state, 'utf8'))).toEqual(state);
    await expect(stat(paths.sessionStorage)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

test.describe('describeSession', () => {
  const PASSWORD = 'S3cret&Pass';
  const TOKEN = 'tok-9f8e7d6c5b4a';
  // A portal that builds cookie names and localStorage keys from what it was given.
  const state: StorageState = {
    cookies: [
      { name: 'sid', domain: 'a.example', path: '/', expires: -1, value: 'v1' },
      { name: `remember_${TOKEN}`, domain: 'a.example', path: '/', expires: 1_900_000_000, value: 'v2' },
      { name: 'pw_S3cret%26Pass', domain: 'a.example', path: '/', expires: -1, value: 'v3' },
    ],
    origins: [{ origin: 'https://a.example', localStorage: [{ name: `cache:${TOKEN}`, value: 'x' }, { name: 'theme', value: 'dark' }] }],
  };

  test('cookie names and localStorage keys holding a secret (in any spelling) are redacted in the metadata file', async () => {
    const redactor = new Redactor();
    redactor.add(PASSWORD);
    redactor.add(TOKEN);
    const paths = sessionPaths(dir, 'main');
    await saveSession(paths, state, describeSession('main', 'acme', state, new Date(0), redactor));
    const written = await readFile(paths.meta, 'utf8');
    for (const secret of [PASSWORD, TOKEN, 'S3cret%26Pass']) expect(written).not.toContain(secret);
    const meta = JSON.parse(written) as { cookies: Array<{ name: string }>; localStorageKeys: string[] };
    expect(meta.cookies.map((c) => c.name)).toEqual(['sid', `remember_${REDACTED}`, `pw_${REDACTED}`]);
    expect(meta.localStorageKeys).toEqual([`https://a.example cache:${REDACTED}`, 'https://a.example theme']);
    expect(redactor.leaks(written)).toBe(false);
  });

  test('names without a registered secret are kept as they are', () => {
    const meta = describeSession('main', 'acme', state, new Date(0), new Redactor());
    expect(meta.cookies.map((c) => c.name)).toEqual(state.cookies.map((c) => c.name));
    expect(meta.expiresAt).toBe(new Date(1_900_000_000_000).toISOString());
  });
});
