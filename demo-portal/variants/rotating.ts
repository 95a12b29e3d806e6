/**
 * rotating: a classic-looking login whose session cookie is replaced on
 * every authenticated request (dashboard and /rotating/api/me), as apps with
 * refresh-token rotation do. The value just replaced keeps working for a
 * short grace on the portal's clock, then dies: a saved session that is
 * used and not written back works once.
 */
import { readCookies, redirect, sendHtml, sendJson, setCookie } from '../http.js';
import { classicPages } from '../pages/classic.js';
import { dashboardPage } from '../pages/common.js';
import type { RouteContext } from '../routes.js';
import { randomToken, SESSION_TTL_SECONDS } from '../sessions.js';
import { dropLogin, type Route } from './kit.js';
import { codeScreenRoutes, passwordScreenRoutes } from './screens.js';

const VARIANT = 'rotating';
const PATHS = { login: '/rotating/login', code: '/rotating/totp', dashboard: '/rotating/dashboard', me: '/rotating/api/me' };
export const ROTATING_COOKIE = 'rot_session';
/** How long a replaced session value still works, in ms of the portal's clock. */
export const ROTATION_GRACE_MS = 5_000;

interface RotatingSession {
  username: string;
  expiresAtMs: number;
  /** Set once the value was replaced: it dies at this time. */
  diesAtMs?: number;
}

/** This portal's rotating sessions, by cookie value; one table per route table, so per server. */
class RotatingSessions {
  private readonly byValue = new Map<string, RotatingSession>();

  /** A new value for `username`, lasting the demo's session lifetime. */
  issue(username: string, nowMs: number): string {
    const value = randomToken();
    this.byValue.set(value, { username, expiresAtMs: nowMs + SESSION_TTL_SECONDS * 1000 });
    return value;
  }

  /** The session `value` names at `nowMs`, if still alive. */
  get(value: string | undefined, nowMs: number): RotatingSession | undefined {
    const session = value === undefined ? undefined : this.byValue.get(value);
    if (!session) return undefined;
    if (session.expiresAtMs <= nowMs || (session.diesAtMs !== undefined && session.diesAtMs <= nowMs)) {
      this.byValue.delete(value!);
      return undefined;
    }
    return session;
  }

  /** Replaces the session's value with a new one; the old one dies after the grace (a second use within it does not extend it). */
  rotate(session: RotatingSession, nowMs: number): string {
    session.diesAtMs ??= nowMs + ROTATION_GRACE_MS;
    return this.issue(session.username, nowMs);
  }
}

/** For an authenticated request: the user, with the cookie already rotated on the response; undefined when signed out. */
function rotateOn(ctx: RouteContext, sessions: RotatingSessions): string | undefined {
  const value = readCookies(ctx.req).get(ROTATING_COOKIE);
  const session = sessions.get(value, ctx.clockMs);
  if (!session) return undefined;
  setCookie(ctx.res, ROTATING_COOKIE, sessions.rotate(session, ctx.clockMs), { maxAgeSeconds: SESSION_TTL_SECONDS });
  return session.username;
}

/** Routes of the rotating variant, with their own session table. */
export function rotatingRoutes(): Route[] {
  const sessions = new RotatingSessions();
  return [
    [`GET /${VARIANT}`, ({ res }) => redirect(res, PATHS.login)],
    [`GET /${VARIANT}/`, ({ res }) => redirect(res, PATHS.login)],
    ...passwordScreenRoutes({ variant: VARIANT, render: classicPages.loginPage, readLogin: classicPages.readLogin, next: { path: PATHS.code, step: 'code' } }),
    ...codeScreenRoutes({
      variant: VARIANT,
      path: PATHS.code,
      render: classicPages.codePage,
      readCode: classicPages.readCode,
      onVerified: (ctx, login) => {
        dropLogin(ctx, login);
        setCookie(ctx.res, ROTATING_COOKIE, sessions.issue(login.username, ctx.clockMs), { maxAgeSeconds: SESSION_TTL_SECONDS });
        redirect(ctx.res, PATHS.dashboard);
      },
    }),
    [
      `GET ${PATHS.dashboard}`,
      (ctx) => {
        const username = rotateOn(ctx, sessions);
        if (username === undefined) redirect(ctx.res, PATHS.login);
        else sendHtml(ctx.res, 200, dashboardPage(username));
      },
    ],
    [
      `GET ${PATHS.me}`,
      (ctx) => {
        const username = rotateOn(ctx, sessions);
        if (username === undefined) sendJson(ctx.res, 401, { error: 'Not signed in.' });
        else sendJson(ctx.res, 200, { username });
      },
    ],
  ];
}
