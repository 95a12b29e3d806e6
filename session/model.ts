/**
 * The session as data: what a login leaves behind, in a shape of our own.
 * Playwright's storageState is one serialisation of it (see
 * session/state-file.ts), exports are others (session/export.ts); nothing
 * else in the code depends on Playwright's file format.
 */

export type SameSite = 'Strict' | 'Lax' | 'None';

export interface SessionCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  /** Unix seconds; -1 for a browser-session cookie (no expiry). */
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: SameSite;
}

export interface OriginStorage {
  origin: string;
  localStorage: Array<{ name: string; value: string }>;
  /** IndexedDB as Playwright saves it (portal `storage.indexedDB`), kept as is: only Playwright reads it back. */
  indexedDB?: unknown[];
}

/** How the session came to be. */
export type ObtainedBy = 'login' | 'write-back';

/** What is known about a session besides its values: safe to print (no cookie value, no token). */
export interface SessionInfo {
  account: string;
  portal: string;
  /** ISO time of the save. */
  savedAt: string;
  obtainedBy: ObtainedBy;
  /**
   * The session's own expiry (ISO): the earliest expiry of its session
   * cookies; null when they are browser-session cookies (they end when the
   * browser would close, not at a date).
   */
  expiresAt: string | null;
  /** The cookies that carry the session: configured, else the ones set during the login. */
  sessionCookies: string[];
}

export interface Session {
  cookies: SessionCookie[];
  origins: OriginStorage[];
  /** origin → key → value, when the portal's storage.sessionStorage switch is on. */
  sessionStorage?: Record<string, Record<string, string>>;
  /** Values captured at login by name (e.g. an API token from the login response). */
  tokens: Record<string, string>;
  info: SessionInfo;
}

/** The session's own expiry: the earliest expiry among `names` (all cookies when none are named), null for browser-session cookies. */
export function sessionExpiry(cookies: readonly SessionCookie[], names: readonly string[]): string | null {
  const carrying = names.length > 0 ? cookies.filter((c) => names.includes(c.name)) : cookies;
  const dated = carrying.filter((c) => c.expires > 0).map((c) => c.expires);
  // Named session cookies that are all browser-session cookies: the session has no date, whatever other cookies say.
  if (dated.length === 0) return null;
  return new Date(Math.min(...dated) * 1000).toISOString();
}
