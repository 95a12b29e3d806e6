/**
 * Which of a session's cookies a client would send, decided by tough-cookie
 * (RFC 6265 domain, path, secure and host-only matching, expiry), not by
 * rules of our own: those are easy to get subtly wrong (a host-only cookie
 * sent to a subdomain, `/api` matching `/apiary`).
 */
import { Cookie, CookieJar, MemoryCookieStore } from 'tough-cookie';
import type { SameSite, SessionCookie } from './model.js';

const SAME_SITE: Record<SameSite, 'strict' | 'lax' | 'none'> = { Strict: 'strict', Lax: 'lax', None: 'none' };

/**
 * Our cookie as tough-cookie's. The domain follows Playwright's convention:
 * a leading dot is a domain cookie (also sent to subdomains), none is host-only.
 */
function toToughCookie(c: SessionCookie): Cookie {
  return new Cookie({
    key: c.name,
    value: c.value,
    domain: c.domain.replace(/^\./, '').toLowerCase(),
    hostOnly: !c.domain.startsWith('.'),
    path: c.path,
    expires: c.expires > 0 ? new Date(c.expires * 1000) : 'Infinity',
    httpOnly: c.httpOnly,
    secure: c.secure,
    sameSite: SAME_SITE[c.sameSite],
  });
}

const FROM_SAME_SITE: Record<string, SameSite> = { strict: 'Strict', lax: 'Lax', none: 'None' };

/** Set-Cookie as our cookie: tough-cookie has already applied the URL's defaults and refused foreign domains. */
export function fromToughCookie(c: Cookie, now: Date): SessionCookie {
  const expiry = c.expiryTime(now);
  return {
    name: c.key,
    value: c.value,
    domain: c.hostOnly ? (c.domain ?? '') : `.${c.domain ?? ''}`,
    path: c.path ?? '/',
    expires: expiry === undefined || !Number.isFinite(expiry) ? -1 : expiry / 1000,
    httpOnly: c.httpOnly,
    secure: c.secure,
    // Browsers treat a cookie without SameSite as Lax; Playwright saves it that way too.
    sameSite: FROM_SAME_SITE[String(c.sameSite ?? '').toLowerCase()] ?? 'Lax',
  };
}

/** Whether the cookie has passed its expiry at `now` (a browser-session cookie never has). */
export function isExpired(cookie: SessionCookie, now: Date): boolean {
  const expiry = toToughCookie(cookie).expiryTime(now);
  return expiry !== undefined && expiry <= now.getTime();
}

/** The cookies that are not expired at `now`, in their order. */
export function liveCookies(cookies: readonly SessionCookie[], now: Date): SessionCookie[] {
  return cookies.filter((c) => !isExpired(c, now));
}

/**
 * The cookies a client sends with a request to `url` at `now`, in the order
 * RFC 6265 asks for (longest path first). Secure cookies go only to https:
 * a non-browser client on http://localhost is not a secure context.
 */
export function cookiesFor(cookies: readonly SessionCookie[], url: URL, now: Date): SessionCookie[] {
  const store = new MemoryCookieStore();
  const byTough = new Map<Cookie, SessionCookie>();
  for (const cookie of liveCookies(cookies, now)) {
    const tough = toToughCookie(cookie);
    byTough.set(tough, cookie);
    // The memory store answers synchronously; a failure here is a bug, so it is rethrown.
    store.putCookie(tough, (error) => {
      if (error) throw error;
    });
  }
  const jar = new CookieJar(store, { allowSecureOnLocal: false, rejectPublicSuffixes: false });
  // expire: false — expiry was decided above against the injected `now`, not the wall clock.
  return jar.getCookiesSync(url.href, { expire: false, sort: true }).map((tough) => {
    const cookie = byTough.get(tough);
    if (!cookie) throw new Error('tough-cookie returned a cookie that was not put in its store');
    return cookie;
  });
}

/** The `Cookie:` header value for a request to `url` at `now`; '' when no cookie matches. */
export function cookieHeader(cookies: readonly SessionCookie[], url: URL, now: Date): string {
  return cookiesFor(cookies, url, now)
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
}
