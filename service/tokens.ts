import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { PortalLoginError } from '../core/errors.js';
import { assertName } from './entry-input.js';
import { globMatches, isValidGlob } from './glob.js';
import type { VaultToken } from './vault-model.js';

/** What `token create` is asked for. */
export interface TokenRequest {
  name: string;
  read: readonly string[];
  write: boolean;
  /** Ms since the epoch, or null for a token that does not expire. */
  expiresAtMs: number | null;
}

export interface CreatedToken {
  /** The bearer value: shown once, never stored. */
  value: string;
  record: VaultToken;
}

/** A new token: 32 random bytes (base64url) and the record that stores only its SHA-256. */
export function createToken(request: TokenRequest, nowMs: number): CreatedToken {
  assertName(request.name, 'token');
  const bad = request.read.filter((glob) => !isValidGlob(glob));
  if (request.read.length === 0 || bad.length > 0) {
    throw new PortalLoginError('USAGE', `--read takes entry-name globs of 1-64 characters from A-Z a-z 0-9 . _ - * ? (${request.read.length === 0 ? 'none given' : `not valid: ${bad.map((g) => JSON.stringify(g.slice(0, 64))).join(', ')}`}).`, {
      hint: "Examples: --read '*' (every entry), --read 'acme-*' --read 'billing'.",
    });
  }
  if (request.expiresAtMs !== null && request.expiresAtMs <= nowMs) throw new PortalLoginError('USAGE', 'The token would already be expired.');
  const value = randomBytes(32).toString('base64url');
  return {
    value,
    record: {
      id: randomBytes(8).toString('hex'),
      hash: hashToken(value),
      name: request.name,
      read: [...request.read],
      write: request.write,
      expiresAt: request.expiresAtMs === null ? null : new Date(request.expiresAtMs).toISOString(),
      createdAt: new Date(nowMs).toISOString(),
      revoked: false,
    },
  };
}

export function hashToken(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * The live token whose hash matches `presented`, if any. Every stored hash is
 * compared in constant time and none is skipped, so timing says nothing
 * about which (or whether a) token matched; revoked and expired ones count as absent.
 */
export function findToken(tokens: readonly VaultToken[], presented: string, nowMs: number): VaultToken | undefined {
  const hash = Buffer.from(hashToken(presented), 'hex');
  let found: VaultToken | undefined;
  for (const token of tokens) {
    if (timingSafeEqual(hash, Buffer.from(token.hash, 'hex'))) found = token;
  }
  return found && isLive(found, nowMs) ? found : undefined;
}

export function isLive(token: VaultToken, nowMs: number): boolean {
  return !token.revoked && (token.expiresAt === null || Date.parse(token.expiresAt) > nowMs);
}

/** May read metadata and codes of `entryName`. */
export function mayRead(token: VaultToken, entryName: string): boolean {
  return token.read.some((glob) => globMatches(glob, entryName));
}

/** May add or delete `entryName`: write tokens are still limited to the names their globs match. */
export function mayWrite(token: VaultToken, entryName: string): boolean {
  return token.write && mayRead(token, entryName);
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30d`, `12h`, `90m`, `3600s` → milliseconds; USAGE otherwise. */
export function parseDuration(text: string): number {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (!match || Number(match[1]) === 0) {
    throw new PortalLoginError('USAGE', `--expires takes a duration like 30d, 12h, 90m or 3600s (got ${JSON.stringify(text.slice(0, 20))}).`);
  }
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
