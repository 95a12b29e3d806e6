import { readFile } from 'node:fs/promises';
import { PortalLoginError } from '../core/errors.js';

/** Where the vault's key comes from; the envelope's `kdf` says which kind a file needs. */
export type VaultKey =
  | { kind: 'passphrase'; passphrase: string; source: string }
  | { kind: 'raw'; key: Buffer; source: string };

export const PASSPHRASE_ENV = 'PORTAL_LOGIN_VAULT_PASSPHRASE';
export const KEY_ENV = 'PORTAL_LOGIN_VAULT_KEY';

/** A new vault's passphrase must be at least this long: scrypt slows guessing, it cannot make "abc" safe. */
export const MIN_PASSPHRASE_LENGTH = 12;

/**
 * The vault key, first found wins: `--key-file F` (32 raw bytes, or 64 hex
 * characters, or base64 of 32 bytes), $PORTAL_LOGIN_VAULT_KEY (hex or
 * base64), $PORTAL_LOGIN_VAULT_PASSPHRASE. Only names are ever printed.
 */
export async function vaultKeyFrom(options: { keyFile?: string | undefined; env: NodeJS.ProcessEnv }): Promise<VaultKey> {
  if (options.keyFile !== undefined) {
    const bytes = await readFile(options.keyFile).catch((error: NodeJS.ErrnoException) => {
      throw new PortalLoginError('MISSING_SECRET', `Cannot read the vault key file ${options.keyFile} (${error.code ?? 'error'}).`, {
        hint: 'Check the path given to --key-file; make one with `head -c 32 /dev/urandom > vault.key && chmod 600 vault.key`.',
      });
    });
    return { kind: 'raw', key: rawKey(bytes, `--key-file ${options.keyFile}`), source: `--key-file ${options.keyFile}` };
  }
  const fromEnv = options.env[KEY_ENV];
  if (fromEnv) return { kind: 'raw', key: rawKey(Buffer.from(fromEnv, 'utf8'), KEY_ENV), source: KEY_ENV };
  const passphrase = options.env[PASSPHRASE_ENV];
  if (passphrase) return { kind: 'passphrase', passphrase, source: PASSPHRASE_ENV };
  throw new PortalLoginError('MISSING_SECRET', 'No vault key given.', {
    hint: `Set ${PASSPHRASE_ENV} (a passphrase of ${MIN_PASSPHRASE_LENGTH}+ characters), or ${KEY_ENV} / --key-file F (a 32-byte key).`,
  });
}

/** Checked when a vault is created, not when one is opened: an existing file's key is whatever it is. */
export function assertStrongEnough(key: VaultKey): void {
  if (key.kind === 'passphrase' && key.passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new PortalLoginError('USAGE', `The passphrase in ${key.source} is too short for a new vault (${key.passphrase.length} characters).`, {
      hint: `Use at least ${MIN_PASSPHRASE_LENGTH} characters (a few random words), or a 32-byte key file.`,
    });
  }
}

function rawKey(bytes: Buffer, source: string): Buffer {
  if (bytes.length === 32) return bytes;
  const text = bytes.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const decoded = Buffer.from(text, 'base64');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) && decoded.length === 32) return decoded;
  throw new PortalLoginError('MISSING_SECRET', `The vault key from ${source} is not 32 bytes (raw, 64 hex characters, or base64).`, {
    hint: 'Make one with `head -c 32 /dev/urandom > vault.key` or `openssl rand -hex 32`.',
  });
}
