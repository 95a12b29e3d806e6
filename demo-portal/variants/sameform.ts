/**
 * Sameform variant: a React + MUI sign-in form whose code field appears in
 * the SAME form once the server answers `{ mfaRequired: true }`; username and
 * password stay filled and are sent again with the code. Markup is what MUI v5
 * emits: `:r1:` useId ids, notched-outline legends repeating the label text,
 * an Alert (MUI gives it role="alert") for login errors and helper text for
 * field errors. Values live in component state fed by input events, as a
 * controlled React input's do: setting `.value` without an input event is lost.
 */
import { checkCode, checkPassword, recordCodeSubmission, recordPasswordSubmission } from '../auth.js';
import { readJson, sendHtml, sendJson } from '../http.js';
import type { Handler } from '../routes.js';
import { appDocument } from './app-document.js';
import { dashboardRoute, entryRoutes, failure, jsonField, sendFailure, setSessionCookie } from './scripted-steps.js';

const VARIANT = 'sameform';

const CSS = `
body { margin: 0; font-family: "Roboto","Helvetica","Arial",sans-serif; background: #fff; }
.css-1kfdnto { margin: 64px auto; max-width: 396px; display: flex; flex-direction: column; align-items: center; }
.css-164r41r { margin-top: 8px; width: 100%; }
.MuiFormControl-root { display: inline-flex; flex-direction: column; position: relative; min-width: 0; margin: 16px 0 8px; width: 100%; }
.MuiInputLabel-root { position: absolute; left: 0; top: 0; transform: translate(14px, -9px) scale(.75); transform-origin: top left; color: rgba(0,0,0,.6); background: #fff; padding: 0 4px; }
.MuiInputLabel-root.Mui-error, .MuiFormHelperText-root.Mui-error { color: #d32f2f; }
.MuiInputBase-root { position: relative; border-radius: 4px; }
.MuiInputBase-input { font: inherit; width: 100%; box-sizing: content-box; padding: 16.5px 14px; border: 0; background: none; outline: 0; }
.MuiOutlinedInput-notchedOutline { position: absolute; inset: -5px 0 0; margin: 0; padding: 0 8px; pointer-events: none; border: 1px solid rgba(0,0,0,.23); border-radius: inherit; }
.Mui-error .MuiOutlinedInput-notchedOutline { border-color: #d32f2f; }
.css-yjsfm1 { float: unset; width: auto; overflow: hidden; display: block; padding: 0; height: 11px; font-size: .75em; visibility: hidden; max-width: .01px; white-space: nowrap; }
.MuiFormHelperText-root { font-size: .75rem; margin: 3px 14px 0; }
.MuiButton-root { width: 100%; margin: 24px 0 16px; padding: 6px 16px; border: 0; border-radius: 4px; background: #1976d2; color: #fff; font: 500 .875rem/1.75 inherit; text-transform: uppercase; }
.MuiAlert-root { display: flex; padding: 6px 16px; border-radius: 4px; background: #fdeded; color: #5f2120; font-size: .875rem; }`;

const SCRIPT = String.raw`
const root = document.getElementById('root');
const values = {};
let nextId = 1;
let mfaRequired = false;

function textField(label, name, type, autocomplete) {
  const id = ':r' + (nextId++) + ':';
  return '<div class="MuiFormControl-root MuiFormControl-marginNormal MuiFormControl-fullWidth MuiTextField-root css-17vbkzs-MuiFormControl-root-MuiTextField-root">' +
    '<label class="MuiFormLabel-root MuiInputLabel-root MuiInputLabel-formControl MuiInputLabel-animated MuiInputLabel-shrink MuiInputLabel-sizeMedium MuiInputLabel-outlined MuiFormLabel-colorPrimary Mui-required css-1jy569b-MuiFormLabel-root-MuiInputLabel-root" data-shrink="true" for="' + id + '" id="' + id + '-label">' +
    label + '<span aria-hidden="true" class="MuiFormLabel-asterisk MuiInputLabel-asterisk css-wgai2y-MuiFormLabel-asterisk"> *</span></label>' +
    '<div class="MuiInputBase-root MuiOutlinedInput-root MuiInputBase-colorPrimary MuiInputBase-fullWidth MuiInputBase-formControl css-md26zr-MuiInputBase-root-MuiOutlinedInput-root">' +
    '<input aria-invalid="false" autocomplete="' + autocomplete + '" id="' + id + '" name="' + name + '" required="" type="' + type + '" class="MuiInputBase-input MuiOutlinedInput-input css-1t8l2tu-MuiInputBase-input-MuiOutlinedInput-input" value="">' +
    '<fieldset aria-hidden="true" class="MuiOutlinedInput-notchedOutline css-1d3z3hw-MuiOutlinedInput-notchedOutline"><legend class="css-yjsfm1"><span>' + label + ' *</span></legend></fieldset>' +
    '</div></div>';
}

root.innerHTML = '<main class="MuiContainer-root MuiContainer-maxWidthXs css-1qsxih2-MuiContainer-root"><div class="MuiBox-root css-1kfdnto">' +
  '<h1 class="MuiTypography-root MuiTypography-h5 css-1ehuyq5-MuiTypography-root">Sign in</h1>' +
  '<form class="MuiBox-root css-164r41r" novalidate="">' +
  textField('Username', 'username', 'text', 'username') +
  textField('Password', 'password', 'password', 'current-password') +
  '<button class="MuiButtonBase-root MuiButton-root MuiButton-contained MuiButton-containedPrimary MuiButton-sizeMedium MuiButton-containedSizeMedium MuiButton-fullWidth css-1vhaqj4-MuiButtonBase-root-MuiButton-root" tabindex="0" type="submit">Sign In<span class="MuiTouchRipple-root css-8je8zh-MuiTouchRipple-root"></span></button>' +
  '</form></div></main>';
const form = root.querySelector('form');
const button = form.querySelector('button');
form.addEventListener('input', (e) => { values[e.target.name] = e.target.value; });

function showAlert(message) {
  const old = form.querySelector('.MuiAlert-root');
  if (old) old.remove();
  if (!message) return;
  form.insertAdjacentHTML('afterbegin', '<div class="MuiPaper-root MuiPaper-elevation MuiPaper-rounded MuiPaper-elevation0 MuiAlert-root MuiAlert-colorError MuiAlert-standardError MuiAlert-standard css-1pn3tp1-MuiPaper-root-MuiAlert-root" role="alert">' +
    '<div class="MuiAlert-message css-1xsto0d"></div></div>');
  form.querySelector('.MuiAlert-message').textContent = message;
}
function setFieldError(name, message) {
  const input = form.querySelector('input[name="' + name + '"]');
  const control = input.closest('.MuiFormControl-root');
  const old = control.querySelector('.MuiFormHelperText-root');
  if (old) old.remove();
  control.querySelectorAll('.MuiInputLabel-root, .MuiInputBase-root').forEach((el) => el.classList.toggle('Mui-error', !!message));
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  if (!message) { input.removeAttribute('aria-describedby'); return; }
  const helper = document.createElement('p');
  helper.className = 'MuiFormHelperText-root MuiFormHelperText-sizeMedium MuiFormHelperText-contained Mui-error Mui-required css-1wc848c-MuiFormHelperText-root';
  helper.id = input.id + '-helper-text';
  helper.textContent = message;
  control.appendChild(helper);
  input.setAttribute('aria-describedby', helper.id);
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  showAlert('');
  if (mfaRequired) setFieldError('verificationCode', '');
  const body = { username: values.username || '', password: values.password || '' };
  if (mfaRequired) body.verificationCode = values.verificationCode || '';
  button.disabled = true;
  const res = await fetch('/sameform/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json().catch(() => ({ error: 'Unexpected server response.' }));
  button.disabled = false;
  if (data.redirect) { window.location.href = data.redirect; return; }
  if (data.mfaRequired && !mfaRequired) {
    mfaRequired = true;
    button.insertAdjacentHTML('beforebegin', textField('Verification code', 'verificationCode', 'text', 'one-time-code'));
    form.querySelector('input[name="verificationCode"]').focus();
    return;
  }
  if (data.field) setFieldError(data.field, data.error); else showAlert(data.error);
});`;

function sameformPage(): string {
  return appDocument({ title: 'Sign in', css: CSS, body: '<div id="root"></div>', script: SCRIPT });
}

/**
 * POST /sameform/api/login. Without `verificationCode` it is the password
 * step (the only one counted in loginAttempts); with it, password and code are
 * both verified, since the server kept nothing from the first answer.
 */
const login: Handler = async ({ state, req, res, clockMs }) => {
  const body = await readJson(req);
  const username = jsonField(body, 'username').trim();
  const hasCode = typeof body['verificationCode'] === 'string';
  if (!hasCode) recordPasswordSubmission(state, username);
  const password = checkPassword(state, username, jsonField(body, 'password'));
  if (password !== 'ok') return sendFailure(res, failure(password));
  if (!hasCode) return sendJson(res, 200, { mfaRequired: true });

  const code = jsonField(body, 'verificationCode').trim();
  recordCodeSubmission(state, username, code);
  const outcome = checkCode(state, username, code, clockMs);
  if (outcome !== 'ok') {
    const { status, error } = failure(outcome);
    // A wrong code belongs under its field; a lockout concerns the whole form.
    sendJson(res, status, outcome === 'locked' ? { error } : { error, field: 'verificationCode' });
    return;
  }
  setSessionCookie(state, res, username);
  sendJson(res, 200, { redirect: `/${VARIANT}/dashboard` });
};

/** Routes of the sameform variant: page, the one JSON login endpoint, dashboard. */
export function sameformRoutes(): Array<[string, Handler]> {
  return [
    ...entryRoutes(VARIANT),
    [`GET /${VARIANT}/login`, ({ res }) => sendHtml(res, 200, sameformPage())],
    [`POST /${VARIANT}/api/login`, login],
    dashboardRoute(VARIANT),
  ];
}
