/**
 * State files on disk: the folders that hold sessions are private, even
 * when they existed before with looser modes, and a save leaves exactly the
 * files the current config asks for.
 */
import { expect, test } from '@playwright/test';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir } from '../../core/atomic-write.js';
import { describeSession, saveSession, sessionPaths, type StorageState } from '../../session/store.js';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portal-login-state-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

test.describe('ensurePrivateDir', () => {
  test('a missing folder is created 0700, parents included', async () => {
    const state = join(dir, 'a', 'state');
    await ensurePrivateDir(state);
    expect(await modeOf(state)).toBe(0o700);
    expect(await modeOf(join(dir, 'a'))).toBe(0o700);
  });

  test('an existing 0755 folder this user owns is tightened to 0700; the files in it are not touched', async () => {
    const state = join(dir, 'state');
    await mkdir(state);
    await chmod(state, 0o755);
    await writeFile(join(state, 'notes.txt'), 'not ours', { mode: 0o644 });
    await ensurePrivateDir(state);
    expect(await modeOf(state)).toBe(0o700);
    expect(await modeOf(join(state, 'notes.txt'))).toBe(0o644);
  });

  test('an existing folder owned by someone else keeps its mode', async () => {
    // As root (CI containers) a temp folder is handed to "nobody"; as anyone else, a root-owned system folder is someone else's.
    let foreign = '/usr';
    if (process.getuid?.() === 0) {
      foreign = join(dir, 'foreign');
      await mkdir(foreign);
      await chmod(foreign, 0o755);
      await chown(foreign, 65534, 65534);
    }
    const before = await modeOf(foreign);
    expect(before & 0o077).not.toBe(0);
    await ensurePrivateDir(foreign);
    expect(await modeOf(foreign)).toBe(before);
  });
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
