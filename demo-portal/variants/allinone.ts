/**
 * allinone: username, password and authenticator code on one page, sent
 * once; the server checks all three. Markup is Django's admin login with a
 * django-otp style field: label_suffix colons, csrfmiddlewaretoken, a hidden
 * `next`, <input type=submit>, and errors as `<ul class="errorlist nonfield">`.
 * Like Django, an invalid form is re-rendered with status 200.
 */
import { checkCode, checkPassword, FAILURES, recordCodeSubmission, recordPasswordSubmission, type AuthOutcome } from '../auth.js';
import { ensureCsrfToken } from '../csrf.js';
import { readForm, sendHtml } from '../http.js';
import { csrfErrorPage } from '../pages/common.js';
import type { RouteContext } from '../routes.js';
import { commonRoutes, csrfValid, openSession, type Route } from './kit.js';
import { escapeHtml, frameworkPage, hiddenInput } from './markup.js';

const VARIANT = 'allinone';
const LOGIN = '/allinone/login';
const CSRF_FIELD = 'csrfmiddlewaretoken';
/** Django renders a failed form again with 200; only the text says what went wrong. */
const FORM_ERROR_STATUS = 200;

const CSS = `
#content-main .form-row { padding: 8px 0; border-bottom: 1px solid #eee; }
#content-main .form-row label { display: inline-block; width: 10em; }
.errorlist { margin: 0 0 12px; padding: 0; list-style: none; }
.errorlist li { background: #ba2121; color: #fff; padding: 6px 10px; border-radius: 4px; font-size: 13px; }
.submit-row input { margin-top: 16px; padding: 8px 16px; background: #417690; color: #fff; border: 0; border-radius: 4px; width: auto; }`;

interface LoginView {
  csrf: string;
  error?: string;
  username?: string;
}

function loginPage({ csrf, error, username }: LoginView): string {
  const errors = error ? `<ul class="errorlist nonfield"><li>${escapeHtml(error)}</li></ul>` : '';
  return frameworkPage({
    title: 'Log in | Demo Broker administration',
    css: CSS,
    body: `<div id="content" class="colM">
<div id="content-main">
${errors}
<form action="${LOGIN}?next=/allinone/dashboard" method="post" id="login-form">${hiddenInput(CSRF_FIELD, csrf)}
  <div class="form-row">
    <label class="required" for="id_username">Username:</label> <input type="text" name="username" autofocus autocapitalize="none" autocomplete="username" maxlength="150" required id="id_username" value="${escapeHtml(username ?? '')}">
  </div>
  <div class="form-row">
    <label class="required" for="id_password">Password:</label> <input type="password" name="password" autocomplete="current-password" required id="id_password">
  </div>
  <div class="form-row">
    <label class="required" for="id_otp">Authenticator code:</label> <input type="text" name="otp" autocomplete="one-time-code" inputmode="numeric" maxlength="6" required id="id_otp">
    ${hiddenInput('next', '/allinone/dashboard')}
  </div>
  <div class="submit-row">
    <input type="submit" value="Log in">
  </div>
</form>
</div>
</div>`,
  });
}

/** Password first, then the code only if the password passed, as one form submit. */
function checkAll(ctx: RouteContext, username: string, password: string, code: string): AuthOutcome {
  const passwordOutcome = checkPassword(ctx.state, username, password);
  if (passwordOutcome !== 'ok') return passwordOutcome;
  return checkCode(ctx.state, username, code, ctx.clockMs);
}

async function submitLogin(ctx: RouteContext): Promise<void> {
  const form = await readForm(ctx.req);
  const username = (form.get('username') ?? '').trim();
  const code = (form.get('otp') ?? '').trim();
  recordPasswordSubmission(ctx.state, username);
  recordCodeSubmission(ctx.state, username, code);
  if (!csrfValid(ctx, form, CSRF_FIELD)) {
    sendHtml(ctx.res, 403, csrfErrorPage(LOGIN));
    return;
  }
  const outcome = checkAll(ctx, username, form.get('password') ?? '', code);
  if (outcome === 'ok') {
    openSession(ctx, VARIANT, username);
    return;
  }
  const csrf = ensureCsrfToken(ctx.req, ctx.res);
  sendHtml(ctx.res, FORM_ERROR_STATUS, loginPage({ csrf, error: FAILURES[outcome].message, username }));
}

/** Routes of the allinone variant. */
export function allinoneRoutes(): Route[] {
  return [
    ...commonRoutes(VARIANT),
    [`GET ${LOGIN}`, ({ req, res }) => sendHtml(res, 200, loginPage({ csrf: ensureCsrfToken(req, res) }))],
    [`POST ${LOGIN}`, submitLogin],
  ];
}
