/**
 * inline: the code page is the 200 body of the password POST — no redirect,
 * the address bar stays on /inline/login — and the code form posts back to
 * that same URL with a hidden `step=code` and the pending token, as older
 * Java and PHP portals do. Messages use a BEM `message-box--warn` block.
 */
import { checkCode, checkPassword, FAILURES, recordCodeSubmission, recordPasswordSubmission } from '../auth.js';
import { ensureCsrfToken } from '../csrf.js';
import { readForm, sendHtml } from '../http.js';
import { csrfErrorPage } from '../pages/common.js';
import { csrfInput } from '../pages/layout.js';
import type { RouteContext } from '../routes.js';
import { commonRoutes, csrfValid, forgetLogin, issueLogin, loginByToken, openSession, type Route } from './kit.js';
import { escapeHtml, frameworkPage, hiddenInput } from './markup.js';

const VARIANT = 'inline';
const LOGIN = '/inline/login';
const TOKEN_FIELD = 'pendingToken';

const CSS = `
.login-panel__title { font-size: 20px; margin: 0 0 12px; }
.message-box { padding: 8px 12px; margin: 8px 0; border-left: 4px solid; font-size: 14px; }
.message-box--warn { background: #fff8e1; border-color: #f0ad4e; color: #7a4d00; }
.login-panel__row { margin: 10px 0; }
.login-panel__actions input { margin-top: 16px; width: 100%; padding: 10px; background: #37474f; color: #fff; border: 0; }`;

const messageBox = (message?: string) =>
  message ? `<div class="message-box message-box--warn"><p class="message-box__text">${escapeHtml(message)}</p></div>` : '';

function panel(title: string, inner: string): string {
  return frameworkPage({
    title,
    css: CSS,
    body: `<div class="login-panel"><h2 class="login-panel__title">${escapeHtml(title)}</h2>\n${inner}\n</div>`,
  });
}

function passwordPage(csrf: string, error?: string, username = ''): string {
  return panel(
    'Customer login',
    `${messageBox(error)}
<form id="loginForm" name="loginForm" method="post" action="${LOGIN}">
${csrfInput(csrf)}
${hiddenInput('step', 'password')}
<div class="login-panel__row"><label for="j_username">User ID</label>
<input type="text" id="j_username" name="j_username" size="20" value="${escapeHtml(username)}"></div>
<div class="login-panel__row"><label for="j_password">Password</label>
<input type="password" id="j_password" name="j_password" size="20"></div>
<div class="login-panel__actions"><input type="submit" name="submitBtn" value="Login"></div>
</form>`,
  );
}

function codePage(csrf: string, token: string, error?: string): string {
  return panel(
    'Security code',
    `${messageBox(error)}
<p>Please enter the 6-digit code from your authenticator app.</p>
<form id="otpForm" name="otpForm" method="post" action="${LOGIN}">
${csrfInput(csrf)}
${hiddenInput('step', 'code')}
${hiddenInput(TOKEN_FIELD, token)}
<div class="login-panel__row"><label for="otpCode">Security code</label>
<input type="text" id="otpCode" name="otpCode" size="6" maxlength="6" autocomplete="off"></div>
<div class="login-panel__actions"><input type="submit" name="submitBtn" value="Continue"></div>
</form>`,
  );
}

/** step=password: a good password answers with the code page itself. */
function submitPassword(ctx: RouteContext, form: URLSearchParams): void {
  const username = (form.get('j_username') ?? '').trim();
  recordPasswordSubmission(ctx.state, username);
  if (!csrfValid(ctx, form)) {
    sendHtml(ctx.res, 403, csrfErrorPage(LOGIN));
    return;
  }
  const csrf = ensureCsrfToken(ctx.req, ctx.res);
  const outcome = checkPassword(ctx.state, username, form.get('j_password') ?? '');
  if (outcome !== 'ok') {
    sendHtml(ctx.res, FAILURES[outcome].status, passwordPage(csrf, FAILURES[outcome].message, username));
    return;
  }
  sendHtml(ctx.res, 200, codePage(csrf, issueLogin(ctx, VARIANT, username, 'code')));
}

/** step=code: the token in the form names the login; an expired one starts over. */
function submitCode(ctx: RouteContext, form: URLSearchParams): void {
  const csrf = ensureCsrfToken(ctx.req, ctx.res);
  const login = loginByToken(ctx, VARIANT, form.get(TOKEN_FIELD) ?? undefined, ['code']);
  if (!login) {
    sendHtml(ctx.res, 401, passwordPage(csrf, 'Your session has expired. Please log in again.'));
    return;
  }
  const code = (form.get('otpCode') ?? '').trim();
  recordCodeSubmission(ctx.state, login.username, code);
  if (!csrfValid(ctx, form)) {
    sendHtml(ctx.res, 403, csrfErrorPage(LOGIN));
    return;
  }
  const outcome = checkCode(ctx.state, login.username, code, ctx.clockMs);
  if (outcome !== 'ok') {
    sendHtml(ctx.res, FAILURES[outcome].status, codePage(csrf, login.token, FAILURES[outcome].message));
    return;
  }
  forgetLogin(ctx, login);
  openSession(ctx, VARIANT, login.username);
}

/** Routes of the inline variant: both steps share POST /inline/login. */
export function inlineRoutes(): Route[] {
  return [
    ...commonRoutes(VARIANT),
    [`GET ${LOGIN}`, ({ req, res }) => sendHtml(res, 200, passwordPage(ensureCsrfToken(req, res)))],
    [
      `POST ${LOGIN}`,
      async (ctx) => {
        const form = await readForm(ctx.req);
        if (form.get('step') === 'code') submitCode(ctx, form);
        else submitPassword(ctx, form);
      },
    ],
  ];
}
