/**
 * idfirst: identifier first, as Microsoft and Okta sign-in pages do. Page 1
 * asks only for the username; its POST renders page 2, which shows that name
 * as text ("Not you?") and carries it in a hidden input next to the password.
 * Markup follows login.microsoftonline.com: type=email with novalidate,
 * placeholders instead of labels, <input type=submit>, the same button id
 * on both pages, and errors in a hashed CSS-module class with no role.
 */
import { checkPassword, FAILURES, recordPasswordSubmission } from '../auth.js';
import { ensureCsrfToken } from '../csrf.js';
import { readForm, redirect, sendHtml } from '../http.js';
import { csrfErrorPage } from '../pages/common.js';
import { csrfInput } from '../pages/layout.js';
import type { RouteContext } from '../routes.js';
import { commonRoutes, csrfValid, startLogin, type Route } from './kit.js';
import { escapeHtml, frameworkPage, hiddenInput } from './markup.js';
import { codeScreenRoutes } from './screens.js';

const VARIANT = 'idfirst';
const PATHS = { login: '/idfirst/login', password: '/idfirst/password', code: '/idfirst/verify' };

const CSS = `
._card_9tq2m [role=heading] { font-size: 24px; font-weight: 600; margin: 8px 0 16px; }
._feedback_3h7sd { color: #e81123; font-size: 14px; margin: 8px 0; }
._identity_4ncz1 { display: flex; gap: 8px; align-items: baseline; font-size: 15px; }
._links_2b8pq { font-size: 13px; margin-top: 12px; }
.win-button { margin-top: 18px; width: 100%; padding: 10px; background: #0067b8; color: #fff; border: 0; font-size: 15px; }`;

const feedback = (id: string, message?: string) =>
  message ? `<div class="_feedback_3h7sd" id="${id}">${escapeHtml(message)}</div>` : '';

function page(title: string, inner: string): string {
  return frameworkPage({ title, css: CSS, body: `<div class="_card_9tq2m">\n${inner}\n</div>` });
}

function identifierPage(csrf: string, error?: string): string {
  return page(
    'Sign in to your account',
    `<form name="f1" id="i0281" novalidate spellcheck="false" method="post" autocomplete="off" action="${PATHS.login}">
${csrfInput(csrf)}
<div role="heading" aria-level="1" class="row title ext-title" id="loginHeader"><div>Sign in</div></div>
${feedback('usernameError', error)}
<div class="form-group col-md-24"><div class="placeholderContainer">
<input type="email" name="loginfmt" id="i0116" maxlength="113" class="form-control ltr_override input ext-input text-box ext-text-box" aria-required="true" aria-describedby="loginHeader" placeholder="Email or username" aria-label="Enter your email or username." autocomplete="username">
</div></div>
<div class="_links_2b8pq"><a id="signup" href="#">No account? Create one!</a></div>
<input type="submit" id="idSIButton9" class="win-button button_primary button ext-button primary ext-primary" value="Next">
</form>`,
  );
}

function passwordPage(csrf: string, username: string, error?: string): string {
  const name = escapeHtml(username);
  return page(
    'Enter password',
    `<form name="f1" id="i0281" novalidate spellcheck="false" method="post" autocomplete="off" action="${PATHS.password}">
${csrfInput(csrf)}
<div class="_identity_4ncz1"><div id="displayName" class="identity" title="${name}">${name}</div> <a id="i1668" href="${PATHS.login}">Not you?</a></div>
<div role="heading" aria-level="1" class="row title ext-title" id="loginHeader"><div>Enter password</div></div>
${feedback('passwordError', error)}
${hiddenInput('loginfmt', username)}
<div class="form-group col-md-24"><div class="placeholderContainer">
<input name="passwd" type="password" id="i0118" autocomplete="current-password" class="form-control input ext-input text-box ext-text-box" aria-required="true" placeholder="Password" aria-label="Enter the password for ${name}">
</div></div>
<div class="_links_2b8pq"><a id="idA_PWD_ForgotPassword" href="#">Forgot my password</a></div>
<input type="submit" id="idSIButton9" class="win-button button_primary button ext-button primary ext-primary" value="Sign in">
</form>`,
  );
}

function codePage({ csrf, action, error }: { csrf: string; action: string; error?: string }): string {
  return page(
    'Enter code',
    `<form name="f1" id="i0281" novalidate spellcheck="false" method="post" autocomplete="off" action="${action}">
${csrfInput(csrf)}
<div role="heading" aria-level="1" id="idDiv_SAOTCC_Title"><div>Enter code</div></div>
<div id="idDiv_SAOTCC_Description">Enter the code displayed in the authenticator app on your mobile device</div>
${feedback('idSpan_SAOTCC_Error_OTC', error)}
<input name="otc" type="tel" id="idTxtBx_SAOTCC_OTC" maxlength="6" class="form-control input ext-input text-box ext-text-box" aria-required="true" aria-label="Code" placeholder="Code" autocomplete="off">
<div class="_links_2b8pq"><input type="checkbox" name="rememberMFA" id="idChkBx_SAOTCC_TD" style="width:auto"> <label for="idChkBx_SAOTCC_TD" style="display:inline">Don't ask again for 14 days</label></div>
<input type="submit" id="idSubmit_SAOTCC_Continue" class="win-button button_primary button ext-button primary ext-primary" value="Verify">
</form>`,
  );
}

/** Page 1 → page 2: nothing is checked yet, the name is only carried forward. */
async function submitIdentifier(ctx: RouteContext): Promise<void> {
  const form = await readForm(ctx.req);
  const username = (form.get('loginfmt') ?? '').trim();
  const csrf = ensureCsrfToken(ctx.req, ctx.res);
  if (!csrfValid(ctx, form)) sendHtml(ctx.res, 403, csrfErrorPage(PATHS.login));
  else if (!username) sendHtml(ctx.res, 400, identifierPage(csrf, 'Enter a valid email address or username.'));
  else sendHtml(ctx.res, 200, passwordPage(csrf, username));
}

async function submitPassword(ctx: RouteContext): Promise<void> {
  const form = await readForm(ctx.req);
  const username = (form.get('loginfmt') ?? '').trim();
  recordPasswordSubmission(ctx.state, username);
  if (!csrfValid(ctx, form)) {
    sendHtml(ctx.res, 403, csrfErrorPage(PATHS.login));
    return;
  }
  const outcome = checkPassword(ctx.state, username, form.get('passwd') ?? '');
  if (outcome !== 'ok') {
    const { status, message } = FAILURES[outcome];
    sendHtml(ctx.res, status, passwordPage(ensureCsrfToken(ctx.req, ctx.res), username, message));
    return;
  }
  startLogin(ctx, VARIANT, username, 'code');
  redirect(ctx.res, PATHS.code);
}

/** Routes of the idfirst variant. */
export function idfirstRoutes(): Route[] {
  return [
    ...commonRoutes(VARIANT),
    [`GET ${PATHS.login}`, ({ req, res }) => sendHtml(res, 200, identifierPage(ensureCsrfToken(req, res)))],
    [`POST ${PATHS.login}`, submitIdentifier],
    [`POST ${PATHS.password}`, submitPassword],
    // A reload of page 2 is a GET: start over, as Microsoft does.
    [`GET ${PATHS.password}`, ({ res }) => redirect(res, PATHS.login)],
    ...codeScreenRoutes({
      variant: VARIANT,
      path: PATHS.code,
      render: codePage,
      readCode: (form) => (form.get('otc') ?? '').trim(),
    }),
  ];
}
