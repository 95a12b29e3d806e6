/**
 * conflict: after a correct code, a session-conflict screen ("You are already
 * signed in on another device…") with Cancel and Continue; only Continue
 * opens the session, Cancel ends the login. Markup is a Next.js app with CSS
 * modules: hashed class names only, React 19 useId ids (`«r1»`), no roles.
 */
import { ensureCsrfToken } from '../csrf.js';
import { readForm, redirect, sendHtml } from '../http.js';
import { csrfErrorPage } from '../pages/common.js';
import type { CodeView, LoginView } from '../pages/form-pages.js';
import { csrfInput } from '../pages/layout.js';
import type { RouteContext } from '../routes.js';
import { commonRoutes, csrfValid, currentLogin, dropLogin, moveTo, signIn, type LoginHandle, type Route } from './kit.js';
import { escapeHtml, frameworkPage } from './markup.js';
import { codeScreenRoutes, passwordScreenRoutes, midLoginPageRoute } from './screens.js';

const VARIANT = 'conflict';
const PATHS = { login: '/conflict/login', code: '/conflict/verify', session: '/conflict/session' };
const QUESTION = 'You are already signed in on another device. Continue here and sign out the other session?';

type ConflictChoice = 'continue' | 'cancel';
const CHOICES: Record<ConflictChoice, (ctx: RouteContext, login: LoginHandle) => void> = {
  continue: signIn,
  cancel: (ctx, login) => {
    dropLogin(ctx, login);
    redirect(ctx.res, PATHS.login);
  },
};

const CSS = `
._heading_4b9wz { font-size: 22px; margin: 0 0 14px; }
._field_0s7aa { margin: 12px 0; } ._labelRow_5r2mx { display: flex; justify-content: space-between; align-items: baseline; }
._alert_6cn1d { background: #fff4f4; border: 1px solid #f3c2c2; color: #a4262c; border-radius: 6px; padding: 8px 10px; font-size: 14px; }
._actions_9h2ld { display: flex; gap: 10px; } ._actions_9h2ld button { flex: 1; }
._secondary_6jd0c { background: #fff; color: #0b3d91; border: 1px solid #0b3d91; }`;

function nextPage(inner: string): string {
  return frameworkPage({ title: 'Demo Broker', css: CSS, body: `<div class="_page_1m3xk"><div class="_card_7fh2q">\n${inner}\n</div></div>` });
}

const alert = (message?: string) =>
  message ? `<div class="_alert_6cn1d"><svg aria-hidden="true" width="16" height="16"></svg><span>${escapeHtml(message)}</span></div>` : '';

function loginPage({ csrf, action, error, username }: LoginView): string {
  return nextPage(`<h1 class="_heading_4b9wz">Welcome back</h1>
<form class="_form_2kd8e" method="post" action="${action}">
${csrfInput(csrf)}
${alert(error)}
<div class="_field_0s7aa"><label class="_label_3ngq1" for="«r1»">Username</label><input class="_input_91jzd" id="«r1»" name="username" type="text" autocomplete="username" value="${escapeHtml(username ?? '')}"></div>
<div class="_field_0s7aa"><div class="_labelRow_5r2mx"><label class="_label_3ngq1" for="«r2»">Password</label><a class="_link_8p1ka" href="#">Forgot?</a></div><input class="_input_91jzd" id="«r2»" name="password" type="password" autocomplete="current-password"></div>
<button class="_button_3xq1z _primary_0dk2l" type="submit">Sign in</button>
</form>`);
}

function codePage({ csrf, action, error }: CodeView): string {
  return nextPage(`<h1 class="_heading_4b9wz">Check your authenticator</h1>
<form class="_form_2kd8e" method="post" action="${action}">
${csrfInput(csrf)}
${alert(error)}
<div class="_field_0s7aa"><label class="_label_3ngq1" for="«r3»">Verification code</label><input class="_input_91jzd" id="«r3»" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"></div>
<button class="_button_3xq1z _primary_0dk2l" type="submit">Verify</button>
</form>`);
}

function conflictPage(csrf: string, error?: string): string {
  return nextPage(`<h1 class="_heading_4b9wz">Signed in elsewhere</h1>
${alert(error)}
<p class="_text_2hs8c">${QUESTION}</p>
<form class="_form_2kd8e" method="post" action="${PATHS.session}">
${csrfInput(csrf)}
<div class="_actions_9h2ld">
<button class="_button_3xq1z _secondary_6jd0c" type="submit" name="choice" value="cancel">Cancel</button>
<button class="_button_3xq1z _primary_0dk2l" type="submit" name="choice" value="continue">Continue</button>
</div>
</form>`);
}

async function answerConflict(ctx: RouteContext): Promise<void> {
  const login = currentLogin(ctx, VARIANT, ['conflict']);
  if (!login) {
    redirect(ctx.res, PATHS.login);
    return;
  }
  const form = await readForm(ctx.req);
  const choice = (Object.keys(CHOICES) as ConflictChoice[]).find((c) => c === form.get('choice'));
  if (!csrfValid(ctx, form)) sendHtml(ctx.res, 403, csrfErrorPage(PATHS.login));
  else if (!choice) sendHtml(ctx.res, 400, conflictPage(ensureCsrfToken(ctx.req, ctx.res), 'Choose Continue or Cancel.'));
  else CHOICES[choice](ctx, login);
}

/** Routes of the conflict variant. */
export function conflictRoutes(): Route[] {
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
      readCode: (form) => (form.get('code') ?? '').trim(),
      onVerified: (ctx, login) => {
        moveTo(ctx, login, 'conflict');
        redirect(ctx.res, PATHS.session);
      },
    }),
    midLoginPageRoute({ variant: VARIANT, path: PATHS.session, steps: ['conflict'], loginPath: PATHS.login, render: conflictPage }),
    [`POST ${PATHS.session}`, answerConflict],
  ];
}
