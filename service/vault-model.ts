import * as z from 'zod';

/**
 * What a vault file holds once decrypted: TOTP entries and API tokens.
 * The schema is checked on every read, so a file written by a newer or
 * broken version is refused rather than half understood.
 */

/** Entry and token names: safe in a URL path segment and a log line without escaping. */
export const NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** True for a name an entry or token may have ('.' and '..' are left out: they mean something in a path). */
export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name) && name !== '.' && name !== '..';
}

const name = z.string().refine(isValidName, 'must be 1-64 characters from A-Z a-z 0-9 . _ -');

export const vaultEntrySchema = z.strictObject({
  name,
  /** Normalised base32 (upper case, no padding). */
  secret: z.string().regex(/^[A-Z2-7]{16,}$/),
  issuer: z.string().max(256),
  accountName: z.string().max(256),
  period: z.int().min(10).max(300),
  digits: z.int().min(6).max(10),
  algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']),
  createdAt: z.iso.datetime(),
});

export const vaultTokenSchema = z.strictObject({
  /** Public handle (audit log, `token list`, `token revoke`); not a credential. */
  id: z.string().regex(/^[a-f0-9]{16}$/),
  /** SHA-256 of the token value, hex; the value itself is never stored. */
  hash: z.string().regex(/^[a-f0-9]{64}$/),
  name,
  /** Entry-name globs (`*`, `?`) this token may read codes and metadata for. */
  read: z.array(z.string()).min(1),
  /** May add and delete the entries its `read` globs match. */
  write: z.boolean(),
  expiresAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  revoked: z.boolean(),
});

export const vaultContentsSchema = z.strictObject({
  version: z.literal(1),
  entries: z.array(vaultEntrySchema),
  tokens: z.array(vaultTokenSchema),
});

export type VaultEntry = z.infer<typeof vaultEntrySchema>;
export type VaultToken = z.infer<typeof vaultTokenSchema>;
export type VaultContents = z.infer<typeof vaultContentsSchema>;

export function emptyVault(): VaultContents {
  return { version: 1, entries: [], tokens: [] };
}
