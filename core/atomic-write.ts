import { chmod, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Creates `dir` (and parents) readable only by the owner. An existing `dir`
 * that this user owns but group or others can reach (say 0755, from an
 * older version or a plain mkdir) is tightened to 0700: it holds sessions.
 * One owned by someone else is left as it is.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const uid = process.getuid?.();
  if (uid === undefined) return; // Windows: no POSIX modes to tighten
  const { uid: owner, mode } = await stat(dir);
  if (owner === uid && (mode & 0o077) !== 0) await chmod(dir, mode & 0o700);
}

/**
 * Writes `data` to `path` so that readers see either the old file or the
 * whole new one, never a torn write: temp file in the same folder (mode 0600
 * from the start), fsync, rename over the target.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  await ensurePrivateDir(dir);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }); // a full disk must not leave half a session behind
    throw error;
  }
}
