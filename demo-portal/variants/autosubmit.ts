/**
 * autosubmit: a Material UI login, then an OTP widget of six one-digit boxes
 * that moves focus as digits arrive and submits the form by itself on the
 * sixth (form.requestSubmit()), like react-otp-input setups in production.
 * The boxes have no names; the script joins them into a hidden `code`.
 * Behind it sits a rate limiter: one code POST per login per 10 s, anything
 * more within that gets 429 and a toast, so a client that also clicks
 * "Verify" after the widget has sent the code is caught.
 */
import { recordCodeSubmission } from '../auth.js';
import { ensureCsrfToken } from '../csrf.js';
import { readForm, sendHtml } from '../http.js';
import type { CodeView, LoginView } from '../pages/form-pages.js';
import { csrfInput } from '../pages/layout.js';
import type { Handler } from '../routes.js';
import { commonRoutes, currentLogin, stepToken, type Route } from './kit.js';
import { escapeHtml, frameworkPage } from './markup.js';
import { MUI_CSS, muiCheckbox, muiSubmitButton, muiTextField } from './mui.js';
import { codeScreenRoutes, passwordScreenRoutes } from './screens.js';

const VARIANT = 'autosubmit';
const CODE_PATH = '/autosubmit/verify';
const DIGITS = 6;
/** The limiter's window on the portal clock; its message says 30 s, as real ones often disagree. */
const CODE_POST_WINDOW_MS = 10_000;
const TOO_MANY = 'Too many requests. Please try again in 30 seconds.';

const CSS = `${MUI_CSS}
._title_8vd1c { font-size: 22px; margin: 0 0 8px; }
._otp_2n7rb { display: flex; gap: 8px; justify-content: center; margin: 16px 0; }
._digit_7qz1p { width: 44px; height: 52px; text-align: center; font-size: 22px; border: 1px solid #c4c4c4; border-radius: 6px; }
._error_1x9kq { color: #d32f2f; font-size: 14px; margin: 8px 0; }
._toast_9fk2a { position: fixed; bottom: 24px; left: 50%; transform: translateX(-50%); background: #323232; color: #fff; padding: 12px 18px; border-radius: 4px; box-shadow: 0 3px 5px #0004; }`;

/** Focus hops forward on a digit and back on Backspace; a paste fills every box; the sixth digit sends. */
const OTP_SCRIPT = `
const form = document.getElementById('otp-form');
const boxes = Array.from(form.querySelectorAll('._digit_7qz1p'));
const hidden = form.elements.namedItem('code');
let sent = false;
const sync = () => {
  hidden.value = boxes.map((b) => b.value).join('');
  if (!sent && boxes.every((b) => /^[0-9]$/.test(b.value))) { sent = true; form.requestSubmit(); }
};
const spread = (from, digits) => {
  digits.split('').slice(0, boxes.length - from).forEach((d, k) => { boxes[from + k].value = d; });
  boxes[Math.min(from + digits.length, boxes.length) - 1].focus();
};
boxes.forEach((box, i) => {
  box.addEventListener('input', () => {
    const digits = box.value.replace(/[^0-9]/g, '');
    if (digits.length > 1) spread(i, digits);
    else { box.value = digits; if (digits && boxes[i + 1]) boxes[i + 1].focus(); }
    sync();
  });
  box.addEventListener('paste', (e) => {
    e.preventDefault();
    spread(i, (e.clipboardData.getData('text') || '').replace(/[^0-9]/g, ''));
    sync();
  });
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Backspace' && !box.value && boxes[i - 1]) boxes[i - 1].focus();
  });
});
form.addEventListener('submit', () => { hidden.value = boxes.map((b) => b.value).join(''); });
boxes[0].focus();`;

function loginPage({ csrf, action, error, username }: LoginView): string {
  return frameworkPage({
    title: 'Sign in',
    css: CSS,
    body: `<div class="MuiBox-root css-1y3j3k0"><h1 class="MuiTypography-root MuiTypography-h5 css-zq6grw">Sign in</h1>
<form class="MuiBox-root css-164r41r" method="post" action="${action}" novalidate="">
${csrfInput(csrf)}
${muiTextField({ id: ':r1:', name: 'email', label: 'Email Address', type: 'text', autocomplete: 'email', value: username ?? '', autofocus: true })}
${muiTextField({ id: ':r3:', name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', ...(error ? { error } : {}) })}
${muiCheckbox('remember', 'Remember me')}
${muiSubmitButton('Sign In')}
<div class="MuiGrid-root MuiGrid-container css-1d3bbye"><a class="MuiTypography-root MuiTypography-body2 MuiLink-root MuiLink-underlineAlways css-1n5lxtf" href="#">Forgot password?</a></div>
</form></div>`,
  });
}

function digitBoxes(): string {
  return Array.from(
    { length: DIGITS },
    (_, i) =>
      `<input class="_digit_7qz1p" type="text" inputmode="numeric" maxlength="1" autocomplete="off" aria-label="Please enter OTP character ${i + 1}">`,
  ).join('');
}

function codePage({ csrf, action, error, toast }: CodeView & { toast?: string }): string {
  return frameworkPage({
    title: 'Verification',
    css: CSS,
    body: `<form id="otp-form" class="_form_5m2xa" method="post" action="${action}">
${csrfInput(csrf)}
<h1 class="_title_8vd1c">Enter verification code</h1>
<p class="_subtitle_3kd0w">Open your authenticator app and enter the 6-digit code.</p>
${error ? `<p class="_error_1x9kq">${escapeHtml(error)}</p>` : ''}
<div class="_otp_2n7rb">${digitBoxes()}</div>
<input type="hidden" name="code" value="">
<button type="submit" class="_submit_1ha8e">Verify</button>
</form>
${toast ? `<div class="_toast_9fk2a">${escapeHtml(toast)}</div>` : ''}`,
    script: OTP_SCRIPT,
  });
}

const readCode = (form: URLSearchParams) => (form.get('code') ?? '').trim();

/**
 * Lets one code POST per login token through per window. Refused POSTs are
 * still recorded as received codes: that is how tests see a double submit.
 */
function limitCodePosts(check: Handler): Handler {
  return async (ctx) => {
    const posts = ctx.state.screenVariants.codePosts;
    const token = stepToken(ctx);
    const last = token === undefined ? undefined : posts.get(token);
    if (last && ctx.clockMs - last.atMs < CODE_POST_WINDOW_MS) {
      recordCodeSubmission(ctx.state, last.username, readCode(await readForm(ctx.req)));
      ctx.res.setHeader('Retry-After', '30');
      sendHtml(ctx.res, 429, codePage({ csrf: ensureCsrfToken(ctx.req, ctx.res), action: CODE_PATH, toast: TOO_MANY }));
      return;
    }
    const login = currentLogin(ctx, VARIANT, ['code']);
    if (token !== undefined && login) posts.set(token, { username: login.username, atMs: ctx.clockMs });
    await check(ctx);
  };
}

/** Routes of the autosubmit variant. */
export function autosubmitRoutes(): Route[] {
  const codeRoutes = codeScreenRoutes({ variant: VARIANT, path: CODE_PATH, render: codePage, readCode });
  return [
    ...commonRoutes(VARIANT),
    ...passwordScreenRoutes({
      variant: VARIANT,
      render: loginPage,
      readLogin: (form) => ({ username: form.get('email') ?? '', password: form.get('password') ?? '' }),
      next: { path: CODE_PATH, step: 'code' },
    }),
    ...codeRoutes.map(([key, handler]): Route => [key, key.startsWith('POST ') ? limitCodePosts(handler) : handler]),
  ];
}
