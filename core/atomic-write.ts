import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Creates `dir` (and any missing parents) readable only by the owner (0700).
 * A folder that already exists keeps its mode: it may be the user's project
 * folder (`--state-dir .`) or a shared 1777 /tmp, and what we write in it is
 * 0600 anyway.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/**
 * ensurePrivateDir, then proves the folder takes a new file: creates and
 * removes an empty temp file in it. mkdir succeeds on an existing folder
 * whatever its permissions, so without the probe a read-only mount or a
 * folder of another user is only found when the session (or a used code)
 * is written, after the portal already took the password and a code.
 * Throws the file system's error (EROFS, EACCES, ENOSPC…).
 */
export async function ensureWritableDir(dir: string): Promise<void> {
  await ensurePrivateDir(dir);
  // Empty and with the writer's pid in its name: one left by a kill -9 between these lines holds nothing and says whose it was.
  const probe = join(dir, `.write-probe.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(probe, 'wx', 0o600);
  await handle.close();
  await rm(probe, { force: true });
}

/**
 * Writes `data` to `path` so that readers see either the old file or the
 * whole new one, never a torn write: temp file in the same folder (mode 0600
 * from the start), fsync, rename over the target. The temp name carries
 * the writer's pid (`.NAME.<pid>-<hex>.tmp`, see tempFilePattern) so a temp
 * file left by a killed writer can be told from one being written now.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  await ensurePrivateDir(dir);
  const temp = join(dir, `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
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

/**
 * Matches the temp files writeFileAtomic makes for `fileName` (a base name):
 * group 1 is the writer's pid, absent in names written by older versions
 * (`.NAME.<hex>.tmp`).
 */
export function tempFilePattern(fileName: string): RegExp {
  const escaped = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${escaped}\\.(?:(\\d+)-)?[0-9a-f]{12}\\.tmp$`);
}
