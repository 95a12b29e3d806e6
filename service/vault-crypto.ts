import { createCipheriv, createDecipheriv, hkdf, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import * as z from 'zod';
import { PortalLoginError } from '../core/errors.js';
import type { VaultKey } from './vault-key.js';

/**
 * The vault file's envelope: AES-256-GCM over the JSON contents. The header
 * (format, version, kdf) is authenticated data, so changing the KDF or salt
 * is detected like changing the ciphertext. `keyCheck` is derived from the
 * key separately from the encryption key; it tells "wrong key" (VAULT_LOCKED)
 * apart from "file changed" (VAULT_CORRUPT), and gives a guesser nothing the
 * GCM tag would not give them already.
 */

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;
const hkdfAsync = promisify(hkdf);

/** OWASP's scrypt recommendation (128 MiB, about 0.3 s here); stored per file so it can be raised later. */
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;

const b64 = z.base64();
const kdfSchema = z.discriminatedUnion('name', [
  // Bounds: a tampered header must not make us spend a minute or gigabytes, nor weaken new writes.
  z.strictObject({ name: z.literal('scrypt'), N: z.int().min(2 ** 14).max(2 ** 20), r: z.int().min(8).max(16), p: z.int().min(1).max(4), salt: b64 }),
  z.strictObject({ name: z.literal('hkdf-sha256'), salt: b64 }),
]);
const envelopeSchema = z.strictObject({
  format: z.literal('portal-login-vault'),
  version: z.literal(1),
  kdf: kdfSchema,
  keyCheck: b64,
  cipher: z.literal('aes-256-gcm'),
  iv: b64,
  tag: b64,
  ciphertext: b64,
});

export type VaultKdf = z.infer<typeof kdfSchema>;
export type VaultEnvelope = z.infer<typeof envelopeSchema>;

/** The two halves derived from the key for one file's KDF parameters. */
export interface FileKey {
  kdf: VaultKdf;
  encryption: Buffer;
  check: Buffer;
}

/** Fresh KDF parameters (new random salt) for a new vault file of this key's kind. */
export function newKdf(key: VaultKey): VaultKdf {
  const salt = randomBytes(16).toString('base64');
  return key.kind === 'passphrase' ? { name: 'scrypt', ...DEFAULT_SCRYPT, salt } : { name: 'hkdf-sha256', salt };
}

/** Derives the file key; a passphrase for a key-file vault (or the reverse) is VAULT_LOCKED. */
export async function deriveFileKey(key: VaultKey, kdf: VaultKdf): Promise<FileKey> {
  const salt = Buffer.from(kdf.salt, 'base64');
  let material: Buffer;
  if (kdf.name === 'scrypt') {
    if (key.kind !== 'passphrase') throw wrongKind(key, 'a passphrase (PORTAL_LOGIN_VAULT_PASSPHRASE)');
    material = await scryptAsync(key.passphrase, salt, 64, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r });
  } else {
    if (key.kind !== 'raw') throw wrongKind(key, 'a 32-byte key (--key-file or PORTAL_LOGIN_VAULT_KEY)');
    material = Buffer.from(await hkdfAsync('sha256', key.key, salt, 'portal-login vault v1', 64));
  }
  return { kdf, encryption: material.subarray(0, 32), check: material.subarray(32) };
}

/** Encrypts `plaintext` under `fileKey` with a new random IV. */
export function seal(plaintext: string, fileKey: FileKey): VaultEnvelope {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', fileKey.encryption, iv);
  cipher.setAAD(headerBytes(fileKey.kdf));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    format: 'portal-login-vault',
    version: 1,
    kdf: fileKey.kdf,
    keyCheck: fileKey.check.toString('base64'),
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** Reads the envelope's shape (not yet its contents); VAULT_CORRUPT when it is not one. */
export function parseEnvelope(text: string, path: string): VaultEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw corrupt(path, 'it is not JSON');
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) throw corrupt(path, `its envelope is malformed (${parsed.error.issues.map((i) => i.path.join('.') || 'top level').join(', ')})`);
  return parsed.data;
}

/** Decrypts; VAULT_LOCKED for a wrong key, VAULT_CORRUPT when the tag does not match (changed bytes). */
export function unseal(envelope: VaultEnvelope, fileKey: FileKey, path: string, source: string): string {
  const check = Buffer.from(envelope.keyCheck, 'base64');
  if (check.length !== fileKey.check.length || !timingSafeEqual(check, fileKey.check)) {
    throw new PortalLoginError('VAULT_LOCKED', `The key from ${source} does not open the vault ${path}.`, {
      hint: 'Check the passphrase or key file; the vault file was not changed.',
    });
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', fileKey.encryption, Buffer.from(envelope.iv, 'base64'));
    decipher.setAAD(headerBytes(envelope.kdf));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw corrupt(path, 'its authentication tag does not match: the file was changed or damaged');
  }
}

function headerBytes(kdf: VaultKdf): Buffer {
  const params = kdf.name === 'scrypt' ? [kdf.N, kdf.r, kdf.p] : [];
  return Buffer.from(JSON.stringify(['portal-login-vault', 1, kdf.name, ...params, kdf.salt]), 'utf8');
}

export function corrupt(path: string, why: string): PortalLoginError {
  return new PortalLoginError('VAULT_CORRUPT', `The vault ${path} cannot be read: ${why}.`, {
    hint: 'Restore it from a backup; nothing was written to it.',
  });
}

function wrongKind(key: VaultKey, needed: string): PortalLoginError {
  return new PortalLoginError('VAULT_LOCKED', `This vault was created with ${needed}, but the key given is from ${key.source}.`, {
    hint: 'Give the kind of key the vault was created with; the vault file was not changed.',
  });
}
