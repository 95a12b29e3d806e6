/**
 * Plumbing the multi-screen variants share, so each variant file reads as its
 * screens: CSRF with framework field names, the login that travels from
 * screen to screen (cookie or hidden field), and the final session.
 */
import { csrfMatches, CSRF_FIELD } from '../csrf.js';
import { SESSION_COOKIE, sessionUser } from '../form-flow.js';
import { readCookies, redirect, sendHtml, setCookie } from '../http.js';
import { dashboardPage } from '../pages/common.js';
import type { Handler, RouteContext } from '../routes.js';
import { SESSION_TTL_SECONDS } from '../sessions.js';
import type { LoginStep, StepLogin } from './state.js';

/** One entry of the route table: `METHOD /path` and its handler. */
export type Route = [string, Handler];

/** Carries a login between screens; the form variants' demo_pending is separate on purpose. */
const STEP_COOKIE = 'demo_step';

/** A login in progress together with the token that names it. */
export interface LoginHandle extends StepLogin {
  token: string;
}

/**
 * True when the form's CSRF field matches the cookie. `field` lets a variant
 * use its framework's name (csrfmiddlewaretoken, authenticity_token).
 */
export function csrfValid(ctx: RouteContext, form: URLSearchParams, field = CSRF_FIELD): boolean {
  return csrfMatches(ctx.req, new URLSearchParams({ [CSRF_FIELD]: form.get(field) ?? '' }));
}

/** Starts a login at `step` and returns its token, for variants that carry it in a hidden field. */
export function issueLogin(ctx: RouteContext, variant: string, username: string, step: LoginStep): string {
  return ctx.state.screenVariants.logins.issue({ username, variant, step });
}

/** Starts a login at `step` and hands its token to the browser as a cookie. */
export function startLogin(ctx: RouteContext, variant: string, username: string, step: LoginStep): void {
  setCookie(ctx.res, STEP_COOKIE, issueLogin(ctx, variant, username, step));
}

/** The login named by `token` if it belongs to `variant` and waits on one of `steps`. */
export function loginByToken(
  ctx: RouteContext,
  variant: string,
  token: string | undefined,
  steps: readonly LoginStep[],
): LoginHandle | undefined {
  const login = ctx.state.screenVariants.logins.get(token);
  if (!token || !login || login.variant !== variant || !steps.includes(login.step)) return undefined;
  return { ...login, token };
}

/** The step-cookie token this request carries, even if its login has ended. */
export function stepToken(ctx: RouteContext): string | undefined {
  return readCookies(ctx.req).get(STEP_COOKIE);
}

/** The login this browser's cookie names, under the same conditions as loginByToken. */
export function currentLogin(ctx: RouteContext, variant: string, steps: readonly LoginStep[]): LoginHandle | undefined {
  return loginByToken(ctx, variant, stepToken(ctx), steps);
}

/** Moves a login on to its next screen. */
export function moveTo(ctx: RouteContext, login: LoginHandle, step: LoginStep): void {
  const stored = ctx.state.screenVariants.logins.get(login.token);
  if (stored) stored.step = step;
}

/** Forgets a login whose token travels in a hidden field (no cookie to clear). */
export function forgetLogin(ctx: RouteContext, login: LoginHandle): void {
  ctx.state.screenVariants.logins.delete(login.token);
}

/** Ends a login without a session (Cancel, start over) and deletes its cookie. */
export function dropLogin(ctx: RouteContext, login: LoginHandle): void {
  forgetLogin(ctx, login);
  setCookie(ctx.res, STEP_COOKIE, '', { maxAgeSeconds: 0 });
}

/** Gives the browser a real session cookie (what /api/me checks) and sends it to the dashboard. */
export function openSession(ctx: RouteContext, variant: string, username: string): void {
  setCookie(ctx.res, SESSION_COOKIE, ctx.state.sessions.issue(username), { maxAgeSeconds: SESSION_TTL_SECONDS });
  redirect(ctx.res, `/${variant}/dashboard`);
}

/** Ends a login in progress with a session. */
export function signIn(ctx: RouteContext, login: LoginHandle): void {
  dropLogin(ctx, login);
  openSession(ctx, login.variant, login.username);
}

/** The routes every variant has besides its screens: entry redirects and the dashboard. */
export function commonRoutes(variant: string): Route[] {
  const loginPath = `/${variant}/login`;
  const toLogin: Handler = ({ res }) => redirect(res, loginPath);
  return [
    [`GET /${variant}`, toLogin],
    [`GET /${variant}/`, toLogin],
    [
      `GET /${variant}/dashboard`,
      ({ state, req, res }) => {
        const username = sessionUser(state, req);
        if (username === undefined) redirect(res, loginPath);
        else sendHtml(res, 200, dashboardPage(username));
      },
    ],
  ];
}
