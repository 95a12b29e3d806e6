/**
 * Digits variant: a server-rendered Bootstrap 5 site whose code step is six
 * single-digit inputs `d1`..`d6` in a `<div class="otp-input">`, posted
 * natively as `d1=…&d2=…` (so a trace holds the code split over six fields).
 * A small script hops focus and spreads a pasted code over the boxes. The
 * half-done login rides in an HttpOnly cookie, post/redirect/get style.
 */
import type { IncomingMessage } from 'node:http';
import { readCookies, readForm, redirect, sendHtml, setCookie } from '../http.js';
import { escapeHtml } from '../pages/layout.js';
import type { Handler } from '../routes.js';
import { appDocument } from './app-document.js';
import { codeStep, dashboardRoute, entryRoutes, passwordStep, setSessionCookie } from './scripted-steps.js';

const VARIANT = 'digits';
const FLOW_COOKIE = 'digits_flow';
const DIGIT_COUNT = 6;

const CSS = `
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f8f9fa; }
.container { max-width: 360px; margin: 72px auto; } .card { background: #fff; border: 1px solid #dee2e6; border-radius: .375rem; padding: 1.5rem; }
.form-floating { position: relative; margin-bottom: 1rem; } .form-floating > label { position: absolute; top: 0; left: 0; padding: .3rem .75rem; font-size: .8rem; color: #6c757d; }
.form-control { display: block; width: 100%; box-sizing: border-box; padding: 1.4rem .75rem .4rem; font-size: 1rem; border: 1px solid #dee2e6; border-radius: .375rem; }
.otp-input { display: flex; gap: .5rem; margin: 1rem 0; } .otp-input .form-control { width: 3rem; padding: .6rem 0; text-align: center; font-size: 1.25rem; }
.btn-primary { width: 100%; padding: .6rem; border: 0; border-radius: .375rem; background: #0d6efd; color: #fff; font-size: 1rem; }
.alert-danger { padding: .75rem 1rem; margin-bottom: 1rem; border: 1px solid #f1aeb5; border-radius: .375rem; background: #f8d7da; color: #58151c; }`;

/** Bootstrap's documented alert markup, role="alert" included as its docs show it. */
function alert(error: string | undefined): string {
  return error ? `<div class="alert alert-danger" role="alert">${escapeHtml(error)}</div>` : '';
}

function loginPage(error?: string, username = ''): string {
  return appDocument({
    title: 'Log in',
    css: CSS,
    body: `<main class="container"><div class="card">
<h1 class="h4 mb-3 fw-normal">Please sign in</h1>
${alert(error)}
<form method="post" action="/${VARIANT}/login">
<div class="form-floating"><input type="text" class="form-control" id="floatingInput" name="username" placeholder="name@example.com" value="${escapeHtml(username)}"><label for="floatingInput">Username</label></div>
<div class="form-floating"><input type="password" class="form-control" id="floatingPassword" name="password" placeholder="Password"><label for="floatingPassword">Password</label></div>
<button class="btn btn-primary w-100 py-2" type="submit">Sign in</button>
</form></div></main>`,
  });
}

/** Focus hopping and paste spreading, as react-otp-input and its clones do. */
const OTP_SCRIPT = String.raw`
const boxes = Array.from(document.querySelectorAll('.otp-input input'));
// maxlength=1 cuts a pasted code to its first digit, so pastes are spread by hand.
function spread(from, digits) {
  digits.split('').slice(0, boxes.length - from).forEach((d, k) => { boxes[from + k].value = d; });
  boxes[Math.min(from + digits.length, boxes.length - 1)].focus();
}
boxes.forEach((box, i) => {
  box.addEventListener('input', () => {
    box.value = box.value.replace(/\D/g, '');
    if (box.value && boxes[i + 1]) boxes[i + 1].focus();
  });
  box.addEventListener('paste', (e) => {
    const digits = (e.clipboardData.getData('text') || '').replace(/\D/g, '');
    if (!digits) return;
    e.preventDefault();
    spread(i, digits);
  });
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Backspace' && !box.value && boxes[i - 1]) boxes[i - 1].focus();
  });
});
boxes[0].focus();`;

function codePage(error?: string): string {
  const inputs = Array.from(
    { length: DIGIT_COUNT },
    (_, i) =>
      `<input class="form-control" name="d${i + 1}" type="text" inputmode="numeric" maxlength="1" autocomplete="off" aria-label="Please enter OTP character ${i + 1}">`,
  ).join('');
  return appDocument({
    title: 'Two-factor authentication',
    css: CSS,
    body: `<main class="container"><div class="card">
<h1 class="h4 mb-3 fw-normal">Enter verification code</h1>
<p class="text-body-secondary">Open your authenticator app and enter the 6-digit code.</p>
${alert(error)}
<form method="post" action="/${VARIANT}/otp">
<div class="otp-input">${inputs}</div>
<button class="btn btn-primary w-100 py-2" type="submit">Verify</button>
</form></div></main>`,
    script: OTP_SCRIPT,
  });
}

function flowToken(req: IncomingMessage): string {
  return readCookies(req).get(FLOW_COOKIE) ?? '';
}

const submitLogin: Handler = async ({ state, req, res }) => {
  const form = await readForm(req);
  const username = form.get('username') ?? '';
  const result = passwordStep(state, VARIANT, username, form.get('password') ?? '');
  if (!result.ok) return sendHtml(res, result.status, loginPage(result.error, username));
  setCookie(res, FLOW_COOKIE, result.value);
  redirect(res, `/${VARIANT}/otp`);
};

const submitCode: Handler = async ({ state, req, res, clockMs }) => {
  const form = await readForm(req);
  const code = Array.from({ length: DIGIT_COUNT }, (_, i) => (form.get(`d${i + 1}`) ?? '').trim()).join('');
  const result = codeStep(state, VARIANT, flowToken(req), code, clockMs);
  if (!result.ok) return sendHtml(res, result.status, codePage(result.error));
  setCookie(res, FLOW_COOKIE, '', { maxAgeSeconds: 0 });
  setSessionCookie(state, res, result.value);
  redirect(res, `/${VARIANT}/dashboard`);
};

/** Routes of the digits variant: login form, six-box code form, dashboard. */
export function digitsRoutes(): Array<[string, Handler]> {
  return [
    ...entryRoutes(VARIANT),
    [`GET /${VARIANT}/login`, ({ res }) => sendHtml(res, 200, loginPage())],
    [`POST /${VARIANT}/login`, submitLogin],
    [
      `GET /${VARIANT}/otp`,
      ({ state, req, res }) => {
        // Without a live password step there is nothing to verify: start over, as real sites do.
        const pending = state.interim.get(flowToken(req));
        if (pending?.variant === VARIANT) sendHtml(res, 200, codePage());
        else redirect(res, `/${VARIANT}/login`);
      },
    ],
    [`POST /${VARIANT}/otp`, submitCode],
    dashboardRoute(VARIANT),
  ];
}
