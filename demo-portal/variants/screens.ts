/**
 * The two screens most multi-screen variants share — username + password,
 * then one code — as route builders. A variant supplies its markup, its
 * field names and what comes next; the checks and bookkeeping live here.
 */
import { checkCode, checkPassword, FAILURES, recordCodeSubmission, recordPasswordSubmission, type AuthFailure } from '../auth.js';
import { CSRF_FIELD, ensureCsrfToken } from '../csrf.js';
import { readForm, redirect, sendHtml } from '../http.js';
import { csrfErrorPage } from '../pages/common.js';
import type { CodeView, LoginView } from '../pages/form-pages.js';
import type { RouteContext } from '../routes.js';
import type { LoginStep } from './state.js';
import {
  csrfValid,
  currentLogin,
  signIn,
  startLogin,
  type LoginHandle,
  type Route,
} from './kit.js';

/** What a failed check shows: its HTTP status and its text. */
export type FailureView = { status: number; message: string };
/** A variant's own wording or status for a failure; `failures` is the user's count after it. */
export type DescribeFailure = (outcome: AuthFailure, failures: number) => FailureView;

const sharedFailure: DescribeFailure = (outcome) => FAILURES[outcome];

export interface PasswordScreen {
  variant: string;
  render(view: LoginView): string;
  readLogin(form: URLSearchParams): { username: string; password: string };
  /** Where an accepted password leads, and the step that screen expects. */
  next: { path: string; step: LoginStep };
  /** The framework's name for the CSRF field; default _csrf. */
  csrfField?: string;
  describeFailure?: DescribeFailure;
}

/** GET and POST /<variant>/login for a username + password form. */
export function passwordScreenRoutes(screen: PasswordScreen): Route[] {
  const { variant, render, readLogin, next } = screen;
  const action = `/${variant}/login`;
  const describe = screen.describeFailure ?? sharedFailure;
  return [
    [`GET ${action}`, ({ req, res }) => sendHtml(res, 200, render({ csrf: ensureCsrfToken(req, res), action }))],
    [
      `POST ${action}`,
      async (ctx) => {
        const form = await readForm(ctx.req);
        const { username, password } = readLogin(form);
        const name = username.trim();
        recordPasswordSubmission(ctx.state, name);
        if (!csrfValid(ctx, form, screen.csrfField ?? CSRF_FIELD)) {
          sendHtml(ctx.res, 403, csrfErrorPage(action));
          return;
        }
        const outcome = checkPassword(ctx.state, name, password);
        if (outcome !== 'ok') {
          const { status, message } = describe(outcome, ctx.state.user(name).failures);
          sendHtml(ctx.res, status, render({ csrf: ensureCsrfToken(ctx.req, ctx.res), action, error: message, username }));
          return;
        }
        startLogin(ctx, variant, name, next.step);
        redirect(ctx.res, next.path);
      },
    ],
  ];
}

export interface CodeScreen {
  variant: string;
  /** e.g. /trust/totp: GET shows the screen, POST checks the code. */
  path: string;
  render(view: CodeView): string;
  readCode(form: URLSearchParams): string;
  csrfField?: string;
  describeFailure?: DescribeFailure;
  /** After a correct code; default: signed in, off to the dashboard. */
  onVerified?(ctx: RouteContext, login: LoginHandle): void;
}

/** GET and POST of a one-code screen for logins waiting on step 'code'. */
export function codeScreenRoutes(screen: CodeScreen): Route[] {
  const { variant, path, render, readCode } = screen;
  const loginPath = `/${variant}/login`;
  const describe = screen.describeFailure ?? sharedFailure;
  const onVerified = screen.onVerified ?? signIn;
  return [
    [
      `GET ${path}`,
      (ctx) => {
        if (!currentLogin(ctx, variant, ['code'])) redirect(ctx.res, loginPath);
        else sendHtml(ctx.res, 200, render({ csrf: ensureCsrfToken(ctx.req, ctx.res), action: path }));
      },
    ],
    [
      `POST ${path}`,
      async (ctx) => {
        const login = currentLogin(ctx, variant, ['code']);
        if (!login) {
          redirect(ctx.res, loginPath);
          return;
        }
        const form = await readForm(ctx.req);
        const code = readCode(form);
        recordCodeSubmission(ctx.state, login.username, code);
        if (!csrfValid(ctx, form, screen.csrfField ?? CSRF_FIELD)) {
          sendHtml(ctx.res, 403, csrfErrorPage(loginPath));
          return;
        }
        const outcome = checkCode(ctx.state, login.username, code, ctx.clockMs);
        if (outcome !== 'ok') {
          const { status, message } = describe(outcome, ctx.state.user(login.username).failures);
          sendHtml(ctx.res, status, render({ csrf: ensureCsrfToken(ctx.req, ctx.res), action: path, error: message }));
          return;
        }
        onVerified(ctx, login);
      },
    ],
  ];
}

/**
 * GET of a screen reached mid-login (method choice, trust, session conflict):
 * shown only to a login at one of `steps`, else back to the login page.
 */
export function midLoginPageRoute(screen: { variant: string; path: string; steps: readonly LoginStep[]; loginPath: string; render(csrf: string): string }): Route {
  return [
    `GET ${screen.path}`,
    (ctx) => {
      if (!currentLogin(ctx, screen.variant, screen.steps)) redirect(ctx.res, screen.loginPath);
      else sendHtml(ctx.res, 200, screen.render(ensureCsrfToken(ctx.req, ctx.res)));
    },
  ];
}
