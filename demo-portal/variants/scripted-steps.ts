/**
 * Server side shared by the script-driven variants (reveal, sameform, bare,
 * frame, xframe, shadow): the same password and code checks as every other
 * variant, but the half-done login is an opaque flow token that the page's
 * script carries from step to step (Okta's stateToken, Google's TL), and the
 * finished login is the ordinary cookie session the probe URL checks.
 */
import type { ServerResponse } from 'node:http';
import { type AuthFailure, checkCode, checkPassword, FAILURES, recordCodeSubmission, recordPasswordSubmission } from '../auth.js';
import { SESSION_COOKIE, sessionUser } from '../form-flow.js';
import { redirect, sendHtml, sendJson, setCookie } from '../http.js';
import { dashboardPage } from '../pages/common.js';
import type { Handler } from '../routes.js';
import { SESSION_TTL_SECONDS, type PortalState } from '../sessions.js';

/** Either the step's value or what to tell the user, with the HTTP status to send it with. */
export type StepResult<T> = { ok: true; value: T } | { ok: false; status: number; error: string };

/** Text a flow token that is unknown, expired or from another variant earns. */
export const EXPIRED_FLOW = 'Your sign-in expired. Please start again.';

/** A string field of a JSON body ('' when missing or not a string). */
export function jsonField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

/** A failed check as a step result, with the text and status all variants share. */
export function failure(outcome: AuthFailure): { ok: false; status: number; error: string } {
  const { status, message } = FAILURES[outcome];
  return { ok: false, status, error: message };
}

/**
 * Password step: counted as a submission, checked, and on success turned into
 * a flow token for `variant` that only that variant's code step accepts.
 */
export function passwordStep(state: PortalState, variant: string, username: string, password: string): StepResult<string> {
  const name = username.trim();
  recordPasswordSubmission(state, name);
  const outcome = checkPassword(state, name, password);
  if (outcome !== 'ok') return failure(outcome);
  return { ok: true, value: state.interim.issue({ username: name, variant }) };
}

/**
 * Code step for the flow token a password step issued; checked at `clockMs`.
 * On success the token is spent and the username returned. A wrong code keeps
 * the token, so the person can try again without retyping the password.
 */
export function codeStep(state: PortalState, variant: string, flowToken: string, code: string, clockMs: number): StepResult<string> {
  const pending = state.interim.get(flowToken);
  if (!pending || pending.variant !== variant) return { ok: false, status: 401, error: EXPIRED_FLOW };
  const trimmed = code.trim();
  recordCodeSubmission(state, pending.username, trimmed);
  const outcome = checkCode(state, pending.username, trimmed, clockMs);
  if (outcome !== 'ok') return failure(outcome);
  state.interim.delete(flowToken);
  return { ok: true, value: pending.username };
}

/** Finishes a login: the session cookie `/api/me` and the dashboards read. */
export function setSessionCookie(state: PortalState, res: ServerResponse, username: string): void {
  setCookie(res, SESSION_COOKIE, state.sessions.issue(username), { maxAgeSeconds: SESSION_TTL_SECONDS });
}

/** Sends a failed step as `{ error }` with its status, the shape every variant's script expects. */
export function sendFailure(res: ServerResponse, result: { status: number; error: string }): void {
  sendJson(res, result.status, { error: result.error });
}

/** `GET /<variant>/dashboard`: the signed-in page, or back to the variant's login. */
export function dashboardRoute(variant: string): [string, Handler] {
  return [
    `GET /${variant}/dashboard`,
    ({ state, req, res }) => {
      const username = sessionUser(state, req);
      if (username === undefined) redirect(res, `/${variant}/login`);
      else sendHtml(res, 200, dashboardPage(username));
    },
  ];
}

/** `GET /<variant>` and `/<variant>/` lead to the login page, as on the form variants. */
export function entryRoutes(variant: string): Array<[string, Handler]> {
  const toLogin: Handler = ({ res }) => redirect(res, `/${variant}/login`);
  return [
    [`GET /${variant}`, toLogin],
    [`GET /${variant}/`, toLogin],
  ];
}
