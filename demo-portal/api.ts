/**
 * The demo's HTTP login API, Autoshares style, for the API flow (no
 * browser): POST /api/auth/login with Et-App-Key, Username and Password
 * headers → an interim token; POST /api/auth/verify with Et-App-Key,
 * Authorization: Bearer <interim> and VerificationCode → the auth token
 * and a session cookie. Every failure has its own status and body
 * (api-replies.ts), as the flow's error classification expects.
 */
import type { IncomingMessage } from 'node:http';
import { checkCode, checkPassword, recordCodeSubmission, recordPasswordSubmission } from './auth.js';
import { addressAllowed } from './egress.js';
import { SESSION_COOKIE } from './form-flow.js';
import { readBearer, sendHtml, sendJson, setCookie } from './http.js';
import type { Handler, RouteContext } from './routes.js';
import { randomToken, SESSION_TTL_SECONDS } from './sessions.js';
import { isExpiredCode } from './totp-check.js';
import { API_REPLIES, API_RATE_LIMIT, type ApiFailure } from './api-replies.js';
import { DEMO_APP_KEY, findDemoUser } from './users.js';

export const API_PATHS = { login: '/api/auth/login', verify: '/api/auth/verify' } as const;
/** A username whose login makes the API fail on its side (HTTP 500 with an HTML page), for the PORTAL_ERROR case. */
export const API_BROKEN_USER = 'broken';
/** Seconds the interim token is good for, on the portal's clock. */
const INTERIM_TTL_SECONDS = 300;

type InterimLookup = { found: 'valid'; username: string } | { found: 'expired' } | { found: 'unknown' };

/** This server's interim tokens and failed attempts; one per route table, so per server. */
class ApiState {
  private readonly interim = new Map<string, { username: string; expiresAtMs: number }>();
  private readonly failures = new Map<string, number[]>();

  issueInterim(username: string, nowMs: number): string {
    const token = randomToken();
    this.interim.set(token, { username, expiresAtMs: nowMs + INTERIM_TTL_SECONDS * 1000 });
    return token;
  }

  /** Unlike a plain token store, an expired token is told apart from one never issued: the API says which. */
  lookupInterim(token: string, nowMs: number): InterimLookup {
    const entry = this.interim.get(token);
    if (!entry) return { found: 'unknown' };
    return entry.expiresAtMs > nowMs ? { found: 'valid', username: entry.username } : { found: 'expired' };
  }

  dropInterim(token: string): void {
    this.interim.delete(token);
  }

  recordFailure(username: string, nowMs: number): void {
    this.failures.set(username, [...this.recentFailures(username, nowMs), nowMs]);
  }

  /** Seconds until `username` may try again, when its recent failures reached the limit; else undefined. */
  retryAfterSeconds(username: string, nowMs: number): number | undefined {
    const recent = this.recentFailures(username, nowMs);
    if (recent.length < API_RATE_LIMIT.failures) return undefined;
    return Math.max(1, Math.ceil((recent[0]! + API_RATE_LIMIT.windowSeconds * 1000 - nowMs) / 1000));
  }

  private recentFailures(username: string, nowMs: number): number[] {
    return (this.failures.get(username) ?? []).filter((at) => at > nowMs - API_RATE_LIMIT.windowSeconds * 1000);
  }
}

const header = (req: IncomingMessage, name: string): string => {
  const value = req.headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
};

function fail(ctx: RouteContext, failure: ApiFailure, retryAfterSeconds?: number): void {
  const { status, error, message } = API_REPLIES[failure];
  if (retryAfterSeconds !== undefined) ctx.res.setHeader('Retry-After', String(retryAfterSeconds));
  sendJson(ctx.res, status, { error, message: message(retryAfterSeconds) });
}

/** The app key check both requests start with; true when the request may go on. */
function appKeyAccepted(ctx: RouteContext): boolean {
  const key = header(ctx.req, 'Et-App-Key');
  if (key === '') fail(ctx, 'missing-app-key');
  else if (key !== DEMO_APP_KEY) fail(ctx, 'invalid-app-key');
  return key === DEMO_APP_KEY;
}

function throttled(api: ApiState, ctx: RouteContext, username: string): boolean {
  const wait = api.retryAfterSeconds(username, ctx.clockMs);
  if (wait !== undefined) fail(ctx, 'rate-limited', wait);
  return wait !== undefined;
}

function login(api: ApiState): Handler {
  return (ctx) => {
    const { state, req, res, clockMs } = ctx;
    const username = header(req, 'Username');
    recordPasswordSubmission(state, username);
    if (username === API_BROKEN_USER) return sendHtml(res, 500, '<!doctype html><title>500</title><h1>Internal Server Error</h1>');
    if (!addressAllowed(username, req)) return fail(ctx, 'ip-not-allowed');
    if (!appKeyAccepted(ctx) || throttled(api, ctx, username)) return;
    const outcome = checkPassword(state, username, header(req, 'Password'));
    if (outcome === 'locked') return fail(ctx, 'locked');
    if (outcome !== 'ok') {
      api.recordFailure(username, clockMs);
      return fail(ctx, 'invalid-credentials');
    }
    sendJson(res, 200, { data: { token: api.issueInterim(username, clockMs) } });
  };
}

function verify(api: ApiState): Handler {
  return (ctx) => {
    const { state, req, res, clockMs } = ctx;
    if (!appKeyAccepted(ctx)) return;
    const interim = readBearer(req);
    if (interim === undefined) return fail(ctx, 'missing-token');
    const pending = api.lookupInterim(interim, clockMs);
    if (pending.found !== 'valid') return fail(ctx, pending.found === 'expired' ? 'expired-token' : 'invalid-token');
    const { username } = pending;
    if (!addressAllowed(username, req)) return fail(ctx, 'ip-not-allowed');
    if (throttled(api, ctx, username)) return;
    const code = header(req, 'VerificationCode');
    if (code === '') return fail(ctx, 'missing-code');
    recordCodeSubmission(state, username, code);
    const outcome = checkCode(state, username, code, clockMs);
    if (outcome === 'locked') return fail(ctx, 'locked');
    if (outcome !== 'ok') {
      api.recordFailure(username, clockMs);
      const expired = outcome === 'invalid-code' && isExpiredCode(findDemoUser(username)?.totpSecret ?? '', code, clockMs);
      return fail(ctx, outcome === 'replayed-code' ? 'replayed-code' : expired ? 'expired-code' : 'invalid-code');
    }
    api.dropInterim(interim);
    setCookie(res, SESSION_COOKIE, state.sessions.issue(username), { maxAgeSeconds: SESSION_TTL_SECONDS });
    sendJson(res, 200, { data: { token: state.sessions.issue(username), expiresIn: SESSION_TTL_SECONDS } });
  };
}

/** The API's routes, with their own state; GET /api/me (routes.ts) answers for its token and cookie. */
export function apiRoutes(): Array<[string, Handler]> {
  const api = new ApiState();
  return [
    [`POST ${API_PATHS.login}`, login(api)],
    [`POST ${API_PATHS.verify}`, verify(api)],
  ];
}
