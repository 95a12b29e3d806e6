/**
 * choice: after the password, Okta's "Verify it's you with a security method"
 * list. Each method is a row with a heading and its own "Select" button
 * (aria-label names the method, as Okta's widget does). The authenticator
 * leads to a TOTP page; text message and email lead to "We sent a code"
 * pages that nothing can pass, since no message is ever sent.
 */
import { recordCodeSubmission } from '../auth.js';
import { ensureCsrfToken } from '../csrf.js';
import { readForm, redirect, sendHtml } from '../http.js';
import { csrfErrorPage } from '../pages/common.js';
import type { CodeView, LoginView } from '../pages/form-pages.js';
import { csrfInput } from '../pages/layout.js';
import type { Handler, RouteContext } from '../routes.js';
import { commonRoutes, csrfValid, currentLogin, moveTo, type Route } from './kit.js';
import { escapeHtml, frameworkPage } from './markup.js';
import { codeScreenRoutes, passwordScreenRoutes, midLoginPageRoute } from './screens.js';
import type { LoginStep, VerifyMethod } from './state.js';

const VARIANT = 'choice';
const PATHS = { login: '/choice/login', select: '/choice/select', totp: '/choice/verify/totp', sent: '/choice/verify/sent' };

/** Where the (never sent) codes would go, masked as real portals show them. */
const SENT_TO = { sms: '••• ••• 4821', email: 'd•••@example.com' };

/** Each method: how the row reads, and the screen it leads to. */
const METHODS: Record<VerifyMethod, { title: string; hint: string; step: LoginStep; path: string }> = {
  totp: { title: 'Authenticator app', hint: 'Enter a code from your authenticator app', step: 'code', path: PATHS.totp },
  sms: { title: `Text message to ${SENT_TO.sms}`, hint: 'Get a code by text message', step: 'sms-sent', path: PATHS.sent },
  email: { title: `Email to ${SENT_TO.email}`, hint: 'Get a code by email', step: 'email-sent', path: PATHS.sent },
};
const METHOD_NAMES = Object.keys(METHODS) as VerifyMethod[];
const SENT_STEPS: readonly LoginStep[] = ['sms-sent', 'email-sent'];
/** Steps from which "Verify with something else" may go back to the list. */
const CHOOSING_STEPS: readonly LoginStep[] = ['choose', 'code', ...SENT_STEPS];

const CSS = `
.okta-form-title { font-size: 20px; text-align: center; }
.o-form-fieldset { margin: 12px 0; }
.okta-form-infobox-error { background: #fff; border: 1px solid #e34843; color: #1d1d21; padding: 8px 12px; }
.authenticator-row { display: flex; justify-content: space-between; align-items: center; gap: 12px; padding: 12px 0; border-bottom: 1px solid #ddd; }
.authenticator-label { font-size: 15px; margin: 0; } .authenticator-description-text { margin: 2px 0 0; font-size: 13px; color: #6e6e78; }
.authenticator-row .button { width: auto; margin: 0; padding: 6px 14px; }
.button-primary, .o-form-button-bar input { margin-top: 18px; width: 100%; padding: 10px; background: #1662dd; color: #fff; border: 0; border-radius: 4px; }
.link.js-switchAuthenticator { display: block; margin-top: 14px; font-size: 13px; }`;

const errorBox = (message?: string) =>
  message
    ? `<div class="o-form-error-container o-form-has-errors" data-se="o-form-error-container" role="alert"><div><div class="okta-form-infobox-error infobox infobox-error" role="alert"><span class="icon error-16"></span><p>${escapeHtml(message)}</p></div></div></div>`
    : '';

function oktaPage(inner: string): string {
  return frameworkPage({
    title: 'Demo Broker - Sign In',
    css: CSS,
    body: `<div id="okta-sign-in" class="auth-container main-container"><div class="auth-content"><div class="auth-content-inner"><div class="siw-main-view">\n${inner}\n</div></div></div></div>`,
  });
}

function oktaField(name: string, id: string, label: string, type: string, autocomplete: string, value = ''): string {
  return `<div data-se="o-form-fieldset-${name}" class="o-form-fieldset o-form-label-top">
<div data-se="o-form-label" class="okta-form-label o-form-label"><label for="${id}">${label}</label></div>
<div data-se="o-form-input-container" class="o-form-input"><span data-se="o-form-input-${name}" class="o-form-input-name-${name} o-form-control okta-form-input-field input-fix">
<input type="${type}" placeholder="" name="${name}" id="${id}" value="${escapeHtml(value)}" aria-label="" autocomplete="${autocomplete}" aria-required="true" required></span></div>
</div>`;
}

function loginPage({ csrf, action, error, username }: LoginView): string {
  return oktaPage(`<form method="POST" action="${action}" data-se="o-form" id="form19" class="ion-form o-form o-form-edit-mode">
${csrfInput(csrf)}
<div data-se="o-form-content" class="o-form-content o-form-theme clearfix"><h2 data-se="o-form-head" class="okta-form-title o-form-head">Sign In</h2>
${errorBox(error)}
<div class="o-form-fieldset-container" data-se="o-form-fieldset-container">
${oktaField('identifier', 'input28', 'Username', 'text', 'username', username)}
${oktaField('credentials.passcode', 'input36', 'Password', 'password', 'current-password')}
</div></div>
<div class="o-form-button-bar"><input class="button button-primary" type="submit" value="Sign in" data-type="save"></div>
</form>`);
}

function selectPage(csrf: string): string {
  const rows = METHOD_NAMES.map((method) => {
    const { title, hint } = METHODS[method];
    return `<div class="authenticator-row clearfix"><div class="authenticator-description">
<h3 class="authenticator-label no-translate">${escapeHtml(title)}</h3><p class="authenticator-description-text">${escapeHtml(hint)}</p></div>
<div class="authenticator-button" data-se="${method}"><button type="submit" name="authenticator" value="${method}" class="button select-factor link-button" aria-label="Select ${escapeHtml(title)}.">Select</button></div></div>`;
  });
  return oktaPage(`<form method="POST" action="${PATHS.select}" data-se="o-form" class="ion-form o-form o-form-edit-mode select-authenticator-authenticate">
${csrfInput(csrf)}
<h2 data-se="o-form-head" class="okta-form-title o-form-head">Verify it's you with a security method</h2>
<div class="o-form-explain okta-form-subtitle o-form-explain">Choose a way to verify</div>
<div class="authenticator-verify-list authenticator-list">${rows.join('\n')}</div>
</form>`);
}

const switchLink = `<a data-se="switchAuthenticator" class="link js-switchAuthenticator" href="${PATHS.select}">Verify with something else</a>`;

function codeForm(title: string, explain: string, { csrf, action, error }: CodeView): string {
  return oktaPage(`<form method="POST" action="${action}" data-se="o-form" class="ion-form o-form o-form-edit-mode">
${csrfInput(csrf)}
<h2 data-se="o-form-head" class="okta-form-title o-form-head">${escapeHtml(title)}</h2>
<p class="o-form-explain">${escapeHtml(explain)}</p>
${errorBox(error)}
${oktaField('credentials.passcode', 'input71', 'Enter code', 'text', 'off')}
<div class="o-form-button-bar"><input class="button button-primary" type="submit" value="Verify" data-type="save"></div>
${switchLink}
</form>`);
}

const totpPage = (view: CodeView) =>
  codeForm('Verify with your authenticator app', 'Enter the temporary code generated in your authenticator app', view);

const sentPage = (login: { step: LoginStep }, view: CodeView) =>
  codeForm(
    "Verify it's you",
    `We sent a code to ${login.step === 'sms-sent' ? SENT_TO.sms : SENT_TO.email}. Enter it below.`,
    view,
  );

async function chooseMethod(ctx: RouteContext): Promise<void> {
  const login = currentLogin(ctx, VARIANT, CHOOSING_STEPS);
  if (!login) {
    redirect(ctx.res, PATHS.login);
    return;
  }
  const form = await readForm(ctx.req);
  const method = METHOD_NAMES.find((m) => m === form.get('authenticator'));
  if (!csrfValid(ctx, form)) sendHtml(ctx.res, 403, csrfErrorPage(PATHS.login));
  else if (!method) sendHtml(ctx.res, 400, selectPage(ensureCsrfToken(ctx.req, ctx.res)));
  else {
    ctx.state.screenVariants.chosenMethods.set(login.username, method);
    moveTo(ctx, login, METHODS[method].step);
    redirect(ctx.res, METHODS[method].path);
  }
}

/** The sent-code screen: codes are recorded like any other, and none is ever right. */
const sentRoutes = (): Route[] => {
  const show: Handler = (ctx) => {
    const login = currentLogin(ctx, VARIANT, SENT_STEPS);
    if (!login) redirect(ctx.res, PATHS.login);
    else sendHtml(ctx.res, 200, sentPage(login, { csrf: ensureCsrfToken(ctx.req, ctx.res), action: PATHS.sent }));
  };
  const check: Handler = async (ctx) => {
    const login = currentLogin(ctx, VARIANT, SENT_STEPS);
    if (!login) return redirect(ctx.res, PATHS.login);
    const form = await readForm(ctx.req);
    recordCodeSubmission(ctx.state, login.username, (form.get('credentials.passcode') ?? '').trim());
    const view = { csrf: ensureCsrfToken(ctx.req, ctx.res), action: PATHS.sent, error: 'Invalid code. Try again.' };
    sendHtml(ctx.res, 401, sentPage(login, view));
  };
  return [[`GET ${PATHS.sent}`, show], [`POST ${PATHS.sent}`, check]];
};

/** Routes of the choice variant. */
export function choiceRoutes(): Route[] {
  return [
    ...commonRoutes(VARIANT),
    ...passwordScreenRoutes({
      variant: VARIANT,
      render: loginPage,
      readLogin: (form) => ({ username: form.get('identifier') ?? '', password: form.get('credentials.passcode') ?? '' }),
      next: { path: PATHS.select, step: 'choose' },
    }),
    midLoginPageRoute({ variant: VARIANT, path: PATHS.select, steps: CHOOSING_STEPS, loginPath: PATHS.login, render: selectPage }),
    [`POST ${PATHS.select}`, chooseMethod],
    ...codeScreenRoutes({
      variant: VARIANT,
      path: PATHS.totp,
      render: totpPage,
      readCode: (form) => (form.get('credentials.passcode') ?? '').trim(),
    }),
    ...sentRoutes(),
  ];
}
