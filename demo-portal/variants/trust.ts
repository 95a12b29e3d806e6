/**
 * trust: a Keycloak-style login and OTP page (PatternFly classes, action URLs
 * with session_code/execution/tab_id, <input type=submit value="Sign In"> on
 * both), then a "Trust this device?" screen with two submit buttons of one
 * name. Only its answer opens the session; the answer is recorded per user.
 * Field errors sit in Keycloak's own `kc-feedback-text` span, which really
 * carries aria-live="polite".
 */
import { ensureCsrfToken } from '../csrf.js';
import { readForm, redirect, sendHtml } from '../http.js';
import { csrfErrorPage } from '../pages/common.js';
import type { CodeView, LoginView } from '../pages/form-pages.js';
import { csrfInput } from '../pages/layout.js';
import type { RouteContext } from '../routes.js';
import { commonRoutes, csrfValid, currentLogin, moveTo, signIn, type Route } from './kit.js';
import { escapeHtml, frameworkPage } from './markup.js';
import { codeScreenRoutes, passwordScreenRoutes, midLoginPageRoute } from './screens.js';
import type { TrustAnswer } from './state.js';

const VARIANT = 'trust';
const PATHS = { login: '/trust/login', code: '/trust/otp', device: '/trust/device' };
const ANSWERS: readonly TrustAnswer[] = ['yes', 'no'];

const CSS = `
#kc-page-title { font-size: 22px; font-weight: 400; }
.form-group { margin: 12px 0; }
.pf-c-form__helper-text.pf-m-error { color: #c9190b; font-size: 14px; }
.pf-c-button { margin-top: 12px; width: 100%; padding: 9px; border: 0; border-radius: 3px; font-size: 15px; }
.pf-m-primary { background: #06c; color: #fff; } .pf-m-secondary { background: #fff; color: #06c; border: 1px solid #06c; }
#kc-form-options label { display: inline; } #kc-form-options input { width: auto; }`;

/** Keycloak puts the flow's execution and tab in every action URL; the demo routes ignore them. */
const withExecution = (path: string) => `${path}?session_code=Rz5V0eOQ2mS&amp;execution=7a1f3c2e&amp;client_id=demo-web&amp;tab_id=pXq3cZ1sWb`;

const fieldError = (id: string, message?: string) =>
  message ? `<span id="${id}" class="pf-c-form__helper-text pf-m-error required kc-feedback-text" aria-live="polite">${escapeHtml(message)}</span>` : '';

function keycloakPage(title: string, inner: string): string {
  return frameworkPage({
    title: `Sign in to demo`,
    css: CSS,
    body: `<div class="login-pf-page"><div class="card-pf">
<header class="login-pf-header"><h1 id="kc-page-title">${escapeHtml(title)}</h1></header>
<div id="kc-content"><div id="kc-content-wrapper">
${inner}
</div></div>
</div></div>`,
  });
}

function loginPage({ csrf, action, error, username }: LoginView): string {
  const invalid = error ? 'true' : '';
  return keycloakPage(
    'Sign in to your account',
    `<div id="kc-form"><div id="kc-form-wrapper">
<form id="kc-form-login" onsubmit="login.disabled = true; return true;" action="${withExecution(action)}" method="post">
${csrfInput(csrf)}
<div class="form-group">
<label for="username" class="pf-c-form__label pf-c-form__label-text">Username or email</label>
<input tabindex="1" id="username" class="pf-c-form-control" name="username" value="${escapeHtml(username ?? '')}" type="text" autofocus autocomplete="off" aria-invalid="${invalid}">
${fieldError('input-error', error)}
</div>
<div class="form-group">
<label for="password" class="pf-c-form__label pf-c-form__label-text">Password</label>
<div class="pf-c-input-group"><input tabindex="2" id="password" class="pf-c-form-control" name="password" type="password" autocomplete="off" aria-invalid="${invalid}"></div>
</div>
<div class="form-group login-pf-settings">
<div id="kc-form-options"><div class="checkbox"><label><input tabindex="3" id="rememberMe" name="rememberMe" type="checkbox"> Remember me</label></div></div>
<div class="kc-form-options-wrapper"><span><a tabindex="5" href="#">Forgot Password?</a></span></div>
</div>
<div id="kc-form-buttons" class="form-group">
<input type="hidden" id="id-hidden-input" name="credentialId">
<input tabindex="4" class="pf-c-button pf-m-primary pf-m-block btn-lg" name="login" id="kc-login" type="submit" value="Sign In">
</div>
</form></div></div>`,
  );
}

function codePage({ csrf, action, error }: CodeView): string {
  return keycloakPage(
    'Sign in to your account',
    `<form id="kc-otp-login-form" class="pf-c-form pf-m-horizontal" onsubmit="login.disabled = true; return true;" action="${withExecution(action)}" method="post">
${csrfInput(csrf)}
<div class="form-group">
<label for="otp" class="pf-c-form__label pf-c-form__label-text">One-time code</label>
<input id="otp" name="otp" autocomplete="off" type="text" class="pf-c-form-control" autofocus aria-invalid="${error ? 'true' : ''}">
${fieldError('input-error-otp-code', error)}
</div>
<div id="kc-form-buttons" class="form-group">
<input class="pf-c-button pf-m-primary pf-m-block btn-lg" name="login" id="kc-login" type="submit" value="Sign In">
</div>
</form>`,
  );
}

function trustPage(csrf: string, error?: string): string {
  return keycloakPage(
    'Trust this device?',
    `<p id="kc-trust-device-info">Don't ask again on this browser for 30 days</p>
${fieldError('input-error-trust', error)}
<form id="kc-trust-device-form" action="${withExecution(PATHS.device)}" method="post">
${csrfInput(csrf)}
<div id="kc-form-buttons" class="pf-c-form__actions">
<button class="pf-c-button pf-m-primary" type="submit" name="trust" value="yes">Trust</button>
<button class="pf-c-button pf-m-secondary" type="submit" name="trust" value="no">Not now</button>
</div>
</form>`,
  );
}

async function answerTrust(ctx: RouteContext): Promise<void> {
  const login = currentLogin(ctx, VARIANT, ['trust']);
  if (!login) {
    redirect(ctx.res, PATHS.login);
    return;
  }
  const form = await readForm(ctx.req);
  if (!csrfValid(ctx, form)) {
    sendHtml(ctx.res, 403, csrfErrorPage(PATHS.login));
    return;
  }
  const answer = ANSWERS.find((a) => a === form.get('trust'));
  if (!answer) {
    // A form sent without either button (e.g. requestSubmit()) carries no answer.
    sendHtml(ctx.res, 400, trustPage(ensureCsrfToken(ctx.req, ctx.res), 'Choose Trust or Not now.'));
    return;
  }
  ctx.state.screenVariants.trustAnswers.set(login.username, answer);
  signIn(ctx, login);
}

/** Routes of the trust variant. */
export function trustRoutes(): Route[] {
  return [
    ...commonRoutes(VARIANT),
    ...passwordScreenRoutes({
      variant: VARIANT,
      render: loginPage,
      readLogin: (form) => ({ username: form.get('username') ?? '', password: form.get('password') ?? '' }),
      next: { path: PATHS.code, step: 'code' },
    }),
    ...codeScreenRoutes({
      variant: VARIANT,
      path: PATHS.code,
      render: codePage,
      readCode: (form) => (form.get('otp') ?? '').trim(),
      onVerified: (ctx, login) => {
        moveTo(ctx, login, 'trust');
        redirect(ctx.res, PATHS.device);
      },
    }),
    midLoginPageRoute({ variant: VARIANT, path: PATHS.device, steps: ['trust'], loginPath: PATHS.login, render: trustPage }),
    [`POST ${PATHS.device}`, answerTrust],
  ];
}
