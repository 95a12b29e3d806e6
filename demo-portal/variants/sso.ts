/**
 * sso: a Rails/Devise login whose one form holds several controls before the
 * real submit: "Sign in with Google" (a submit button with formaction, so
 * Enter in a field goes there too, as on real sites), "Use a passkey"
 * (type=button) and "Forgot password?" (a link styled as a button). The
 * real `<button>Log in</button>` has no type and comes last. The Google
 * path only renders a fake account chooser and counts the hit.
 */
import { ensureCsrfToken } from '../csrf.js';
import { readForm, sendHtml } from '../http.js';
import type { CodeView, LoginView } from '../pages/form-pages.js';
import type { Handler } from '../routes.js';
import { commonRoutes, type Route } from './kit.js';
import { escapeHtml, frameworkPage } from './markup.js';
import { codeScreenRoutes, passwordScreenRoutes } from './screens.js';

const VARIANT = 'sso';
const PATHS = { code: '/sso/two_factor', google: '/sso/google/start', forgot: '/sso/password/new', reset: '/sso/password' };
const CSRF_FIELD = 'authenticity_token';

const CSS = `
.sso-buttons { display: grid; gap: 8px; }
.btn { display: block; box-sizing: border-box; width: 100%; margin: 0; padding: 9px; border-radius: 4px; font-size: 15px; text-align: center; text-decoration: none; cursor: pointer; }
.btn-outline { background: #fff; color: #1b2430; border: 1px solid #b8c0cc; }
.btn-primary { margin-top: 18px; background: #cc0000; color: #fff; border: 0; }
.divider { text-align: center; color: #778; margin: 14px 0 4px; font-size: 13px; }
p.alert { color: #9b1c1c; } p.notice { color: #1c6b2d; }
.actions input { margin-top: 16px; width: 100%; padding: 10px; background: #cc0000; color: #fff; border: 0; border-radius: 4px; }`;

const authenticity = (csrf: string) =>
  `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(csrf)}" autocomplete="off">`;
const flash = (message: string | undefined, kind: 'alert' | 'notice' = 'alert') =>
  message ? `<p class="${kind}">${escapeHtml(message)}</p>` : '';

function devisePage(title: string, inner: string): string {
  return frameworkPage({ title, css: CSS, body: inner });
}

function loginPage({ csrf, action, error, username }: LoginView): string {
  return devisePage(
    'Log in',
    `${flash(error)}
<h2>Log in</h2>
<form class="new_user" id="new_user" action="${action}" accept-charset="UTF-8" method="post">${authenticity(csrf)}
<div class="sso-buttons">
<button type="submit" formaction="${PATHS.google}" class="btn btn-outline btn-google"><span aria-hidden="true">G</span> Sign in with Google</button>
<button type="button" class="btn btn-outline" data-controller="webauthn" data-action="webauthn#authenticate">Use a passkey</button>
<a class="btn btn-outline" href="${PATHS.forgot}">Forgot password?</a>
</div>
<div class="divider"><span>or</span></div>
<div class="field">
<label for="user_login">Email or username</label><br>
<input autofocus="autofocus" autocomplete="username" type="text" value="${escapeHtml(username ?? '')}" name="user[login]" id="user_login">
</div>
<div class="field">
<label for="user_password">Password</label><br>
<input autocomplete="current-password" type="password" name="user[password]" id="user_password">
</div>
<div class="field">
<input name="user[remember_me]" type="hidden" value="0" autocomplete="off"><input type="checkbox" value="1" name="user[remember_me]" id="user_remember_me" style="width:auto"> <label for="user_remember_me" style="display:inline">Remember me</label>
</div>
<button class="btn btn-primary">Log in</button>
</form>`,
  );
}

function codePage({ csrf, action, error }: CodeView): string {
  return devisePage(
    'Two-factor authentication',
    `${flash(error)}
<h2>Two-factor authentication</h2>
<form action="${action}" accept-charset="UTF-8" method="post">${authenticity(csrf)}
<div class="field">
<label for="user_otp_attempt">Enter the code from your authenticator app</label><br>
<input autocomplete="one-time-code" type="text" name="user[otp_attempt]" id="user_otp_attempt">
</div>
<div class="actions"><input type="submit" name="commit" value="Verify" data-disable-with="Verify"></div>
</form>`,
  );
}

/** Google's account chooser, faked: nothing on it leads back into the demo portal. */
function googleChooserPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Choose an account – Google</title></head>
<body style="font-family:sans-serif;max-width:420px;margin:48px auto">
<div role="presentation" aria-hidden="true" style="font-size:24px">Google</div>
<h1 id="headingText">Choose an account</h1>
<div id="headingSubtext">to continue to <span>Demo Broker</span></div>
<ul style="list-style:none;padding:0">
<li><div role="link" tabindex="0" data-identifier="demo.user@gmail.com">Demo User<br><small>demo.user@gmail.com</small></div></li>
<li><div role="link" tabindex="0">Use another account</div></li>
</ul>
</body></html>`;
}

const countGoogleHit: Handler = async (ctx) => {
  await readForm(ctx.req); // the hijacked login form's fields; Google would get them, we drop them
  ctx.state.screenVariants.ssoHits += 1;
  sendHtml(ctx.res, 200, googleChooserPage());
};

function forgotPage(csrf: string, notice?: string): string {
  return devisePage(
    'Forgot your password?',
    `${flash(notice, 'notice')}
<h2>Forgot your password?</h2>
<form class="new_user" id="new_user" action="${PATHS.reset}" accept-charset="UTF-8" method="post">${authenticity(csrf)}
<div class="field"><label for="user_email">Email</label><br><input autocomplete="email" type="text" name="user[email]" id="user_email"></div>
<div class="actions"><input type="submit" name="commit" value="Send me reset password instructions"></div>
</form>`,
  );
}

/** Routes of the sso variant. */
export function ssoRoutes(): Route[] {
  return [
    ...commonRoutes(VARIANT),
    ...passwordScreenRoutes({
      variant: VARIANT,
      render: loginPage,
      readLogin: (form) => ({ username: form.get('user[login]') ?? '', password: form.get('user[password]') ?? '' }),
      next: { path: PATHS.code, step: 'code' },
      csrfField: CSRF_FIELD,
    }),
    ...codeScreenRoutes({
      variant: VARIANT,
      path: PATHS.code,
      render: codePage,
      readCode: (form) => (form.get('user[otp_attempt]') ?? '').trim(),
      csrfField: CSRF_FIELD,
    }),
    [`POST ${PATHS.google}`, countGoogleHit],
    [`GET ${PATHS.google}`, countGoogleHit],
    [`GET ${PATHS.forgot}`, ({ req, res }) => sendHtml(res, 200, forgotPage(ensureCsrfToken(req, res)))],
    [
      `POST ${PATHS.reset}`,
      async ({ req, res }) => {
        await readForm(req);
        const notice = 'If your email address exists in our database, you will receive a password recovery link at your email address in a few minutes.';
        sendHtml(res, 200, forgotPage(ensureCsrfToken(req, res), notice));
      },
    ],
  ];
}
