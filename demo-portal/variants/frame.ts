/**
 * Frame variant: the login page is a site shell (header, links) and the whole
 * login — credentials and code — runs inside a SAME-origin
 * `<iframe src="/frame/inner">`, a Vue 3 + Element Plus app. Element Plus links
 * labels to generated `el-id-NNNN-N` ids but leaves inputs without names, and
 * reports failures in an ElMessage toast (which does carry role="alert"). The
 * final answer sets the session cookie (first-party: same origin as the top
 * page) and the frame navigates `window.top` to the dashboard.
 */
import { readJson, sendHtml, sendJson } from '../http.js';
import type { Handler } from '../routes.js';
import { appDocument } from './app-document.js';
import { codeStep, dashboardRoute, entryRoutes, jsonField, passwordStep, setSessionCookie } from './scripted-steps.js';

const VARIANT = 'frame';

const SHELL_CSS = `
body { margin: 0; font-family: Arial, sans-serif; background: #f5f7fa; }
.site-header { display: flex; align-items: center; gap: 24px; padding: 14px 32px; background: #14213d; color: #fff; }
.site-header a { color: #cfd8ea; text-decoration: none; } .site-header .brand { color: #fff; font-weight: bold; font-size: 18px; }
.login-host { display: flex; justify-content: center; padding: 40px 0; }
#login-frame { border: 0; width: 440px; height: 480px; background: #fff; border-radius: 6px; }`;

const SHELL = `<header class="site-header"><a class="brand" href="/frame/login">Demo Broker</a>
<nav><a href="/frame/login">Markets</a> <a href="/frame/login">Open an account</a> <a href="/frame/login">Support</a></nav></header>
<div class="login-host"><iframe id="login-frame" name="login" src="/frame/inner" title="Sign in"></iframe></div>`;

const APP_CSS = `
body { margin: 0; font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; }
.el-card { margin: 16px; border: 1px solid #e4e7ed; border-radius: 4px; } .el-card__header { padding: 18px 20px; border-bottom: 1px solid #e4e7ed; }
.el-card__body { padding: 20px; } .el-form-item { margin-bottom: 22px; } .el-form-item__label { display: block; font-size: 14px; color: #606266; margin-bottom: 8px; }
.el-form-item.is-required .el-form-item__label:before { content: "*"; color: #f56c6c; margin-right: 4px; }
.el-input__wrapper { display: flex; border: 1px solid #dcdfe6; border-radius: 4px; padding: 1px 11px; } .is-error .el-input__wrapper { border-color: #f56c6c; }
.el-input__inner { flex: 1; border: 0; outline: 0; height: 38px; font-size: 14px; }
.el-form-item__error { color: #f56c6c; font-size: 12px; padding-top: 2px; }
.el-button { width: 100%; height: 40px; border: 1px solid #409eff; background: #409eff; color: #fff; border-radius: 4px; font-size: 14px; }
.el-button.is-loading { opacity: .7; pointer-events: none; }
.el-message { position: fixed; top: 16px; left: 50%; transform: translateX(-50%); display: flex; gap: 8px; padding: 11px 15px; border: 1px solid #fde2e2; background: #fef0f0; color: #f56c6c; border-radius: 4px; }
.el-message__content { margin: 0; font-size: 14px; } .el-message__closeBtn { cursor: pointer; }`;

const APP_SCRIPT = String.raw`
const app = document.getElementById('app');
const idBase = 'el-id-' + (1000 + Math.floor(Math.random() * 9000)) + '-';
let idSeq = 2;
let flow = '';
// Element Plus icons are inline SVG components; the toast's close "button" is one of them.
const ICON = '<svg viewBox="0 0 1024 1024" width="16" height="16"><path fill="currentColor" d="M195 240l45-45 272 272 272-272 45 45-272 272 272 272-45 45-272-272-272 272-45-45 272-272z"></path></svg>';

function item(label, type, extra) {
  const labelId = idBase + (idSeq++), inputId = idBase + (idSeq++);
  return '<div data-v-7a1c3e52="" class="el-form-item is-required asterisk-left el-form-item--label-top">' +
    '<label id="' + labelId + '" for="' + inputId + '" class="el-form-item__label">' + label + '</label>' +
    '<div class="el-form-item__content"><div class="el-input el-input--large"><div class="el-input__wrapper" tabindex="-1">' +
    '<input class="el-input__inner" type="' + type + '" autocomplete="off" tabindex="0" id="' + inputId + '"' + (extra || '') + '>' +
    '</div></div></div></div>';
}
function render(title, items, buttonText, submit) {
  app.innerHTML = '<div data-v-7a1c3e52="" class="el-card is-always-shadow"><div class="el-card__header"><div data-v-7a1c3e52="" class="card-header"><span data-v-7a1c3e52="">' + title + '</span></div></div>' +
    '<div class="el-card__body"><form data-v-7a1c3e52="" class="el-form el-form--default el-form--label-top">' + items +
    '<div data-v-7a1c3e52="" class="el-form-item"><div class="el-form-item__content"><button aria-disabled="false" type="button" class="el-button el-button--primary el-button--large"><span class="">' + buttonText + '</span></button></div></div>' +
    '</form></div></div>';
  const form = app.querySelector('form'), button = form.querySelector('button');
  const inputs = Array.from(form.querySelectorAll('input'));
  const run = async () => {
    closeMessage();
    if (!validate(inputs)) return;
    button.classList.add('is-loading'); button.setAttribute('aria-disabled', 'true');
    try { await submit(inputs.map((i) => i.value)); }
    finally { button.classList.remove('is-loading'); button.setAttribute('aria-disabled', 'false'); }
  };
  button.addEventListener('click', run);
  // Element Plus forms submit natively on Enter when they hold one input: stop the reload, run the handler.
  form.addEventListener('submit', (e) => e.preventDefault());
  inputs.forEach((i) => i.addEventListener('keyup', (e) => { if (e.key === 'Enter') run(); }));
  inputs[0].focus();
}
function validate(inputs) {
  let valid = true;
  inputs.forEach((input) => {
    const formItem = input.closest('.el-form-item'), content = formItem.querySelector('.el-form-item__content');
    const old = content.querySelector('.el-form-item__error');
    if (old) old.remove();
    formItem.classList.toggle('is-error', !input.value);
    if (!input.value) {
      valid = false;
      content.insertAdjacentHTML('beforeend', '<div class="el-form-item__error">Please enter your ' + formItem.querySelector('label').textContent.toLowerCase() + '</div>');
    }
  });
  return valid;
}
function showMessage(text) {
  document.body.insertAdjacentHTML('beforeend', '<div class="el-message el-message--error is-closable" role="alert" style="top: 16px; z-index: 2001;">' +
    '<i class="el-icon el-message__icon el-message-icon--error">' + ICON + '</i><p class="el-message__content"></p><i class="el-icon el-message__closeBtn">' + ICON + '</i></div>');
  const box = document.body.lastElementChild;
  box.querySelector('.el-message__content').textContent = text;
  box.querySelector('.el-message__closeBtn').addEventListener('click', () => box.remove());
}
function closeMessage() { document.querySelectorAll('.el-message').forEach((m) => m.remove()); }
async function post(path, body) {
  const res = await fetch('/frame/api/' + path, { method: 'POST', headers: { 'Content-Type': 'application/json;charset=UTF-8' }, body: JSON.stringify(body) });
  return { ok: res.ok, data: await res.json().catch(() => ({ message: 'Network Error' })) };
}

render('Secure sign-in', item('User ID', 'text') + item('Password', 'password'), 'Log in', async ([userId, password]) => {
  const { ok, data } = await post('session', { userId: userId, password: password });
  if (!ok) return showMessage(data.message);
  flow = data.mfaToken;
  render('Security verification', item('Authenticator code', 'text', ' maxlength="6" inputmode="numeric"'), 'Verify', async ([code]) => {
    const answer = await post('session/mfa', { mfaToken: flow, code: code });
    if (!answer.ok) return showMessage(answer.data.message);
    window.top.location.href = answer.data.redirectUrl;
  });
});`;

/** Routes of the frame variant: shell, inner app, its JSON API, dashboard. */
export function frameRoutes(): Array<[string, Handler]> {
  return [
    ...entryRoutes(VARIANT),
    [`GET /${VARIANT}/login`, ({ res }) => sendHtml(res, 200, appDocument({ title: 'Demo Broker · Login', css: SHELL_CSS, body: SHELL }))],
    [
      `GET /${VARIANT}/inner`,
      ({ res }) => sendHtml(res, 200, appDocument({ title: 'Sign in', css: APP_CSS, body: '<div id="app" data-v-app=""></div>', script: APP_SCRIPT })),
    ],
    [
      `POST /${VARIANT}/api/session`,
      async ({ state, req, res }) => {
        const body = await readJson(req);
        const result = passwordStep(state, VARIANT, jsonField(body, 'userId'), jsonField(body, 'password'));
        if (!result.ok) return sendJson(res, result.status, { code: result.status, message: result.error });
        sendJson(res, 200, { mfaRequired: true, mfaToken: result.value });
      },
    ],
    [
      `POST /${VARIANT}/api/session/mfa`,
      async ({ state, req, res, clockMs }) => {
        const body = await readJson(req);
        const result = codeStep(state, VARIANT, jsonField(body, 'mfaToken'), jsonField(body, 'code'), clockMs);
        if (!result.ok) return sendJson(res, result.status, { code: result.status, message: result.error });
        setSessionCookie(state, res, result.value);
        sendJson(res, 200, { redirectUrl: `/${VARIANT}/dashboard` });
      },
    ],
    dashboardRoute(VARIANT),
  ];
}
