/**
 * Rotation write-back. Many portals issue a new session cookie on every
 * authenticated request and kill the old one seconds later, so a saved
 * session that is used once (by the probe) and not updated is dead by the
 * next use. Whatever uses a session through portal-login writes the cookies
 * the portal set back into the saved session, under the account's lock.
 */
import { CookieJar } from 'tough-cookie';
import { fromToughCookie } from './cookie-match.js';
import { sessionExpiry, type Session, type SessionCookie } from './model.js';
import type { SessionStore } from './store.js';
import type { Rotation } from './validity.js';

const sameCookie = (a: SessionCookie, b: SessionCookie) => a.name === b.name && a.domain === b.domain && a.path === b.path;

/**
 * `session` with the rotation's cookies merged in, as a browser would: a
 * cookie replaces the one of the same name, domain and path; one that is
 * already expired (Max-Age=0) deletes it. Metadata says it is a write-back.
 */
export function mergeRotation(session: Session, rotation: Rotation, now: Date): Session {
  const jar = new CookieJar(undefined, { rejectPublicSuffixes: false, allowSecureOnLocal: false });
  let cookies = [...session.cookies];
  for (const header of rotation.setCookies) {
    // ignoreError: a cookie the URL may not set (another domain) is dropped, as a browser drops it.
    const parsed = jar.setCookieSync(header, rotation.url, { now, ignoreError: true });
    if (!parsed) continue;
    const cookie = fromToughCookie(parsed, now);
    // Max-Age=0 (or a negative one) gives an expiry of -Infinity: a deletion, not a browser-session cookie.
    const expiry = parsed.expiryTime(now);
    const expired = expiry !== undefined && expiry <= now.getTime();
    cookies = cookies.filter((c) => !sameCookie(c, cookie));
    if (!expired) cookies.push(cookie);
  }
  const info = { ...session.info, savedAt: now.toISOString(), obtainedBy: 'write-back' as const, expiresAt: sessionExpiry(cookies, session.info.sessionCookies) };
  return { ...session, cookies, info };
}

export interface WriteBackOptions {
  /** How long to wait for another run holding the account, in ms. */
  lockWaitMs: number;
  now: Date;
}

/**
 * Saves `used` with `rotation` merged in, under the account's lock. If the
 * saved session changed since `used` was loaded (another run logged in or
 * wrote back meanwhile), that newer session is kept as is: rotated cookies
 * of an older session must not overwrite it. Returns the session saved,
 * undefined when it kept the newer one.
 */
export async function writeBack(store: SessionStore, account: string, used: Session, rotation: Rotation, options: WriteBackOptions): Promise<Session | undefined> {
  return store.lock(account, () => saveRotation(store, account, used, rotation, options.now), { waitMs: options.lockWaitMs });
}

/** writeBack for a caller that already holds the account's lock (the lock is not re-entrant). */
export async function saveRotation(store: SessionStore, account: string, used: Session, rotation: Rotation, now: Date): Promise<Session | undefined> {
  const current = await store.load(account);
  if (!current || current.info.savedAt !== used.info.savedAt) return undefined;
  const merged = mergeRotation(current, rotation, now);
  await store.save(account, merged);
  return merged;
}
