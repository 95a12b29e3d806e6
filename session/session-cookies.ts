import type { SessionCookie } from './model.js';

/** Names that usually carry a login: session ids, auth and access tokens, "remember me" logins. */
const SESSION_LIKE = /sess|auth|token|sid|login/i;

/** A cookie's identity in the jar: the same name on another domain or path is another cookie. */
const cookieKey = (c: Pick<SessionCookie, 'name' | 'domain' | 'path'>) => `${c.name}\u0000${c.domain}\u0000${c.path}`;

/**
 * The names of the cookies that carry the session, for its expiry
 * (sessionExpiry): the configured ones (portal `session.cookies`) when
 * given; else those set during the login (present in `after`, not in
 * `before`), narrowed to session-like names when any has one, so a 30-day
 * consent or analytics cookie does not date a session that ends sooner.
 */
export function sessionCookieNames(after: readonly SessionCookie[], options: { configured?: readonly string[]; before?: readonly Pick<SessionCookie, 'name' | 'domain' | 'path'>[] } = {}): string[] {
  if (options.configured && options.configured.length > 0) return [...options.configured];
  const existed = new Set((options.before ?? []).map(cookieKey));
  const set = after.filter((c) => !existed.has(cookieKey(c)));
  const likely = set.filter((c) => SESSION_LIKE.test(c.name));
  return [...new Set((likely.length > 0 ? likely : set).map((c) => c.name))];
}
