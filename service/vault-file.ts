import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { dirname } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../core/atomic-write.js';
import { PortalLoginError } from '../core/errors.js';
import { corrupt, deriveFileKey, newKdf, parseEnvelope, seal, unseal, type FileKey, type VaultKdf } from './vault-crypto.js';
import { assertStrongEnough, type VaultKey } from './vault-key.js';
import { emptyVault, vaultContentsSchema, type VaultContents } from './vault-model.js';

/** One encrypted vault file. Reads decrypt; updates are serialised in this process and across processes. */
export interface VaultFile {
  readonly path: string;
  /** Decrypts the file as it is on disk now. */
  read(): Promise<VaultContents>;
  /**
   * The contents, re-read only when the file changed on disk (another
   * process's `token revoke`), so a server can call it on every request.
   */
  current(): Promise<VaultContents>;
  /**
   * Under the file lock: reads the latest contents, lets `change` edit a copy,
   * and writes the copy back atomically. Nothing is written when `change`
   * throws. A missing file is created when the VaultFile allows it.
   */
  update<T>(change: (contents: VaultContents) => T): Promise<T>;
}

export interface VaultFileOptions {
  /** Whether `update` may create a missing file (`vault add`, `token create`); `serve` needs one that exists. */
  create: boolean;
}

/** Opens (lazily: nothing is read until asked) the vault at `path` with `key`. */
export function vaultFile(path: string, key: VaultKey, options: VaultFileOptions): VaultFile {
  // One derivation per KDF parameter set: scrypt costs ~0.3 s, and a file keeps its salt across writes.
  const derived = new Map<string, Promise<FileKey>>();
  const fileKeyFor = (kdf: VaultKdf) => {
    const id = JSON.stringify(kdf);
    let found = derived.get(id);
    if (!found) {
      found = deriveFileKey(key, kdf);
      derived.set(id, found);
      found.catch(() => derived.delete(id));
    }
    return found;
  };
  let queue: Promise<unknown> = Promise.resolve();
  let cached: { stamp: string; contents: VaultContents } | undefined;

  const load = async (): Promise<{ contents: VaultContents; fileKey: FileKey } | undefined> => {
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text === undefined) return undefined;
    const envelope = parseEnvelope(text, path);
    const fileKey = await fileKeyFor(envelope.kdf);
    return { contents: parseContents(unseal(envelope, fileKey, path, key.source), path), fileKey };
  };
  const mustLoad = async () => {
    const loaded = await load();
    if (!loaded) throw missingVault(path);
    return loaded;
  };

  const locked = async <T>(change: (contents: VaultContents) => T): Promise<T> => {
    if (options.create) await ensurePrivateDir(dirname(path)); // the lock is taken beside the file
    const release = await lockfile.lock(path, { realpath: false, stale: 10_000, retries: { retries: 300, minTimeout: 5, maxTimeout: 100 } });
    try {
      const loaded = options.create ? await load() : await mustLoad();
      if (!loaded) assertStrongEnough(key);
      const fileKey = loaded?.fileKey ?? (await fileKeyFor(newKdf(key)));
      const draft = structuredClone(loaded?.contents ?? emptyVault());
      const result = change(draft);
      const checked = parseContents(JSON.stringify(draft), path);
      await writeFileAtomic(path, JSON.stringify(seal(JSON.stringify(checked), fileKey)) + '\n');
      cached = { stamp: await stampOf(path), contents: checked };
      return result;
    } finally {
      await release();
    }
  };

  return {
    path,
    read: async () => (await mustLoad()).contents,
    async current() {
      const stamp = await stampOf(path);
      if (cached?.stamp === stamp) return cached.contents;
      const contents = (await mustLoad()).contents;
      cached = { stamp, contents };
      return contents;
    },
    update(change) {
      const next = queue.then(() => locked(change));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

/**
 * Identifies one version of the file: a rename gives a new inode, so a
 * same-size rewrite is noticed too. Synchronous on purpose: it runs on every
 * request, and a thread-pool round trip cost the server a third of its CPU.
 */
async function stampOf(path: string): Promise<string> {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw missingVault(path);
    throw error;
  }
}

function parseContents(text: string, path: string): VaultContents {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw corrupt(path, 'its decrypted contents are not JSON');
  }
  const parsed = vaultContentsSchema.safeParse(json);
  // Only paths, never values: the values are secrets.
  if (!parsed.success) throw corrupt(path, `its contents do not match the vault format (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')})`);
  return parsed.data;
}

function missingVault(path: string): PortalLoginError {
  return new PortalLoginError('USAGE', `There is no vault file at ${path}.`, {
    hint: 'Check --vault; `portal-login vault add NAME --vault FILE` or `portal-login token create` creates a new one.',
  });
}
