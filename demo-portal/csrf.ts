/**
 * Double-submit CSRF protection: the form's hidden `_csrf` value must equal
 * the `demo_csrf` cookie. Clients that post without loading the form first
 * fail, as they would on a real broker portal.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCookies, setCookie } from './http.js';
import { randomToken } from './sessions.js';

export const CSRF_COOKIE = 'demo_csrf';
export const CSRF_FIELD = '_csrf';

/** The visitor's CSRF token, issuing a cookie for it on first visit. */
export function ensureCsrfToken(req: IncomingMessage, res: ServerResponse): string {
  const existing = readCookies(req).get(CSRF_COOKIE);
  if (existing && /^[0-9a-f]{32}$/.test(existing)) return existing;
  const token = randomToken();
  setCookie(res, CSRF_COOKIE, token);
  return token;
}

/** True when the posted `_csrf` matches the cookie. */
export function csrfMatches(req: IncomingMessage, form: URLSearchParams): boolean {
  const cookie = readCookies(req).get(CSRF_COOKIE);
  const posted = form.get(CSRF_FIELD);
  if (!cookie || !posted) return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(posted);
  return a.length === b.length && timingSafeEqual(a, b);
}
