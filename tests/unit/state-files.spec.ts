/**
 * State folders on disk: folders we create to hold sessions are private, a
 * folder the user already had keeps its mode. (The session file itself:
 * session-store.spec.ts.)
 */
import { expect, test } from '@playwright/test';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir } from '../../core/atomic-write.js';

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
