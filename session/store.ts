import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { Redactor } from '../core/redact.js';

/** Playwright's storageState shape, as far as we read it. */
export interface StorageState {
  cookies: Array<{ name: string; domain: string; path: string; expires: number; value: string }>;
  origins: Array<{ origin: string; localStorage: Array<{ name: string; value: string }> }>;
}

/** What we record next to a session: never a cookie value or token. */
export interface SessionMeta {
  account: string;
  portal: string;
  savedAt: string;
  /** Earliest expiry among cookies that expire (ISO), or null when all are session cookies. */
  expiresAt: string | null;
  cookies: Array<{ name: string; domain: string; expires: string | null }>;
  localStorageKeys: string[];
}

export interface SessionPaths {
  state: string;
  meta: string;
  sessionStorage: string;
}

/** Where an account's session lives: one set of files per account under the state dir. */
export function sessionPaths(stateDir: string, account: string): SessionPaths {
  return {
    state: join(stateDir, `${account}.json`),
    meta: join(stateDir, `${account}.meta.json`),
    sessionStorage: join(stateDir, `${account}.session-storage.json`),
  };
}

/**
 * Builds the metadata record from a storage state. Values never go in; names
 * (cookie names and domains, localStorage keys) pass through `redactor`,
 * because a portal may build a cookie's name from a token or reflect what was
 * typed into it. Without a redactor the names are kept as they are.
 */
export function describeSession(account: string, portal: string, state: StorageState, savedAt: Date, redactor?: Pick<Redactor, 'redact'>): SessionMeta {
  const name = (text: string) => (redactor ? redactor.redact(text) : text);
  const cookies = state.cookies.map((c) => ({ name: name(c.name), domain: name(c.domain), expires: c.expires > 0 ? new Date(c.expires * 1000).toISOString() : null }));
  const expiring = state.cookies.filter((c) => c.expires > 0).map((c) => c.expires);
  return {
    account,
    portal,
    savedAt: savedAt.toISOString(),
    expiresAt: expiring.length > 0 ? new Date(Math.min(...expiring) * 1000).toISOString() : null,
    cookies,
    localStorageKeys: state.origins.flatMap((o) => o.localStorage.map((e) => name(`${o.origin} ${e.name}`))),
  };
}

/**
 * Saves a confirmed session: state file (0600, atomic) first, then the
 * sessionStorage file, then metadata. Without `sessionStorage` (the
 * portal's switch is off) a file left by an earlier save is removed, so no
 * reader pairs this session with stale storage. Only called after the login
 * was confirmed, so a failed login never replaces the last good state.
 */
export async function saveSession(paths: SessionPaths, state: StorageState, meta: SessionMeta, sessionStorage?: Record<string, Record<string, string>>): Promise<void> {
  await writeFileAtomic(paths.state, JSON.stringify(state, null, 2) + '\n');
  if (sessionStorage) await writeFileAtomic(paths.sessionStorage, JSON.stringify(sessionStorage, null, 2) + '\n');
  else await rm(paths.sessionStorage, { force: true });
  await writeFileAtomic(paths.meta, JSON.stringify(meta, null, 2) + '\n');
}
