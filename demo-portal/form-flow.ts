/**
 * The post/redirect/get login flow of the server-rendered variants:
 * login form → pending cookie → code form → session cookie → dashboard.
 * Variants differ only in markup (pages/*) and clock (skewed).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkCode, checkPassword, FAILURES, recordCodeSubmission, recordPasswordSubmission } from './auth.js';
import { csrfMatches, ensureCsrfToken } from './csrf.js';
import { addressAllowed, IP_REFUSED_MESSAGE } from './egress.js';
import { readCookies, readForm, redirect, sendHtml, setCookie } from './http.js';
import { boxesPages } from './pages/boxes.js';
import { classicPages } from './pages/classic.js';
import { csrfErrorPage, dashboardPage } from './pages/common.js';
import { hashedPages } from './pages/hashed.js';
import type { FormPages } from './pages/form-pages.js';
import { plainPages } from './pages/plain.js';
import { SESSION_TTL_SECONDS, type PortalState } from './sessions.js';

export type FormVariant = 'classic' | 'boxes' | 'plain' | 'skewed' | 'hashed';

const PAGES: Record<FormVariant, FormPages> = {
  classic: classicPages,
  boxes: boxesPages,
  plain: plainPages,
  // Skewed looks exactly like classic; only its clock differs.
  skewed: classicPages,
  hashed: hashedPages,
};

export const SESSION_COOKIE = 'demo_session';
const PENDING_COOKIE = 'demo_pending';

/** One request to a form variant, with that variant's clock already applied. */
export interface FormRequest {
  state: PortalState;
  variant: FormVariant;
  /** The variant's "now" in ms (machine clock + its skew). */
  clockMs: number;
  req: IncomingMessage;
  res: ServerResponse;
}

const paths = (variant: FormVariant) => ({
  login: `/${variant}/login`,
  totp: `/${variant}/totp`,
  dashboard: `/${variant}/dashboard`,
});

export function showLogin({ variant, req, res }: FormRequest): void {
  const csrf = ensureCsrfToken(req, res);
  sendHtml(res, 200, PAGES[variant].loginPage({ csrf, action: paths(variant).login }));
}

export async function submitLogin({ state, variant, req, res }: FormRequest): Promise<void> {
  const pages = PAGES[variant];
  const form = await readForm(req);
  const { username, password } = pages.readLogin(form);
  recordPasswordSubmission(state, username.trim());
  if (!csrfMatches(req, form)) {
    sendHtml(res, 403, csrfErrorPage(paths(variant).login));
    return;
  }
  // Before the password: a portal that binds the account to an IP says so whatever was typed.
  if (!addressAllowed(username.trim(), req)) {
    sendHtml(res, 403, pages.loginPage({ csrf: ensureCsrfToken(req, res), action: paths(variant).login, error: IP_REFUSED_MESSAGE, username }));
    return;
  }
  const outcome = checkPassword(state, username.trim(), password);
  if (outcome !== 'ok') {
    const csrf = ensureCsrfToken(req, res);
    const { status, message } = FAILURES[outcome];
    sendHtml(res, status, pages.loginPage({ csrf, action: paths(variant).login, error: message, username }));
    return;
  }
  setCookie(res, PENDING_COOKIE, state.pending.issue({ username: username.trim(), variant }));
  redirect(res, paths(variant).totp);
}

/** The half-done login this browser started on this variant, if any. */
function pendingLogin({ state, variant, req }: FormRequest) {
  const token = readCookies(req).get(PENDING_COOKIE);
  const pending = state.pending.get(token);
  return pending && pending.variant === variant ? { token, username: pending.username } : undefined;
}

export function showCode(request: FormRequest): void {
  const { variant, req, res } = request;
  if (!pendingLogin(request)) {
    redirect(res, paths(variant).login);
    return;
  }
  const csrf = ensureCsrfToken(req, res);
  sendHtml(res, 200, PAGES[variant].codePage({ csrf, action: paths(variant).totp }));
}

export async function submitCode(request: FormRequest): Promise<void> {
  const { state, variant, clockMs, req, res } = request;
  const pending = pendingLogin(request);
  if (!pending) {
    redirect(res, paths(variant).login);
    return;
  }
  const form = await readForm(req);
  const code = PAGES[variant].readCode(form);
  recordCodeSubmission(state, pending.username, code);
  if (!csrfMatches(req, form)) {
    sendHtml(res, 403, csrfErrorPage(paths(variant).login));
    return;
  }
  const outcome = checkCode(state, pending.username, code, clockMs);
  if (outcome !== 'ok') {
    const csrf = ensureCsrfToken(req, res);
    const { status, message } = FAILURES[outcome];
    sendHtml(res, status, PAGES[variant].codePage({ csrf, action: paths(variant).totp, error: message }));
    return;
  }
  state.pending.delete(pending.token);
  setCookie(res, PENDING_COOKIE, '', { maxAgeSeconds: 0 });
  setCookie(res, SESSION_COOKIE, state.sessions.issue(pending.username), {
    maxAgeSeconds: SESSION_TTL_SECONDS,
  });
  redirect(res, paths(variant).dashboard);
}

/** Username of the cookie session on this request, if it is valid. */
export function sessionUser(state: PortalState, req: IncomingMessage): string | undefined {
  return state.sessions.get(readCookies(req).get(SESSION_COOKIE));
}

export function showDashboard({ state, variant, req, res }: FormRequest): void {
  const username = sessionUser(state, req);
  if (username === undefined) redirect(res, paths(variant).login);
  else sendHtml(res, 200, dashboardPage(username));
}
