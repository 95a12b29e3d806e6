import type { ErrorCode } from '../core/errors.js';

/**
 * What the last login of an account came to, for `status`: when, how long,
 * and the error code when it failed. Nothing else (no message, no hint): it
 * is kept next to the session for anyone who may read the store, and a
 * code says what happened without quoting the portal.
 */
export type LoginRecord = { at: string; durationMs: number; ok: true } | { at: string; durationMs: number; ok: false; code: ErrorCode };

/** A stored record read back; anything malformed (hand-edited, another version) counts as none. */
export function parseLoginRecord(text: string | undefined | null): LoginRecord | undefined {
  if (!text) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { at, durationMs, ok, code } = json as Record<string, unknown>;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof durationMs !== 'number') return undefined;
  if (ok === true) return { at, durationMs, ok };
  if (ok === false && typeof code === 'string' && /^[A-Z_]+$/.test(code)) return { at, durationMs, ok, code: code as ErrorCode };
  return undefined;
}

/** The record as stored: one line of JSON. */
export function serializeLoginRecord(record: LoginRecord): string {
  return JSON.stringify(record) + '\n';
}
