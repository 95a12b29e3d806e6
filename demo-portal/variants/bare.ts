/**
 * Bare variant: a React app styled with CSS modules, the kind many broker
 * back-office portals ship. No <form>, no <label>: each caption is a sibling
 * `<div class="_label_8d2kd">` not linked to its input, no placeholders, terse
 * names (clientCode, pwd, totpToken — the code field is type=password), div
 * "buttons" with click and Enter handlers, and errors in a hashed-class span
 * with no role. The half-done login rides in an HttpOnly cookie.
 */
import type { IncomingMessage } from 'node:http';
import { readCookies, readJson, sendHtml, sendJson, setCookie } from '../http.js';
import type { Handler } from '../routes.js';
import { appDocument } from './app-document.js';
import { codeStep, dashboardRoute, entryRoutes, jsonField, passwordStep, sendFailure, setSessionCookie } from './scripted-steps.js';

const VARIANT = 'bare';
const FLOW_COOKIE = 'bare_flow';

const CSS = `
body { margin: 0; font-family: "Segoe UI", Arial, sans-serif; background: #eef1f5; }
._page_1m2xq { display: flex; justify-content: center; padding-top: 72px; }
._card_9vk3a { width: 340px; background: #fff; padding: 28px; border-radius: 6px; box-shadow: 0 2px 8px #0001; }
._title_4hd7s { font-size: 20px; font-weight: 600; margin-bottom: 18px; }
._row_7d8ka { margin-bottom: 14px; } ._label_8d2kd { font-size: 13px; color: #555; margin-bottom: 4px; }
._input_5js8d { width: 100%; box-sizing: border-box; padding: 9px; font-size: 15px; border: 1px solid #c7ccd4; border-radius: 4px; }
._msg_3kd9x { display: block; min-height: 18px; color: #c62828; font-size: 13px; }
._btn_2kf9s { margin-top: 8px; text-align: center; padding: 10px; background: #ff6f00; color: #fff; border-radius: 4px; cursor: pointer; user-select: none; }
._btn_2kf9s._busy_k2j1s { opacity: .6; pointer-events: none; }`;

const SCRIPT = String.raw`
const root = document.getElementById('root');
const row = (label, input) => '<div class="_row_7d8ka"><div class="_label_8d2kd">' + label + '</div>' + input + '</div>';

function screen(title, rows, buttonText, submit) {
  root.innerHTML = '<div class="_page_1m2xq"><div class="_card_9vk3a"><div class="_title_4hd7s">' + title + '</div>' +
    rows + '<span class="_msg_3kd9x"></span><div role="button" tabindex="0" class="_btn_2kf9s">' + buttonText + '</div></div></div>';
  const btn = root.querySelector('._btn_2kf9s');
  const msg = root.querySelector('._msg_3kd9x');
  const go = async () => {
    if (btn.getAttribute('aria-disabled') === 'true') return;
    btn.classList.add('_busy_k2j1s'); btn.setAttribute('aria-disabled', 'true');
    msg.textContent = '';
    try { await submit((text) => { msg.textContent = text; }); }
    finally { btn.classList.remove('_busy_k2j1s'); btn.removeAttribute('aria-disabled'); }
  };
  btn.addEventListener('click', go);
  btn.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); go(); } });
}
async function post(path, body) {
  const res = await fetch('/bare/api/' + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { ok: res.ok, data: await res.json().catch(() => ({ error: 'Something went wrong' })) };
}
const value = (name) => root.querySelector('input[name="' + name + '"]').value;

function loginScreen() {
  screen('Login to Demo Trade',
    row('Client Code', '<input class="_input_5js8d" name="clientCode" type="text" autocomplete="off" maxlength="20">') +
    row('Password', '<input class="_input_5js8d" name="pwd" type="password" autocomplete="off">'),
    'Login',
    async (fail) => {
      const { ok, data } = await post('login', { clientCode: value('clientCode'), pwd: value('pwd') });
      if (ok) totpScreen(); else fail(data.error);
    });
}
function totpScreen() {
  screen('Two Factor Authentication',
    row('TOTP', '<input class="_input_5js8d" name="totpToken" type="password" autocomplete="off" maxlength="6" inputmode="numeric">'),
    'Verify',
    async (fail) => {
      const { ok, data } = await post('totp', { totpToken: value('totpToken') });
      if (ok) location.href = data.next; else fail(data.error);
    });
}
loginScreen();`;

function flowToken(req: IncomingMessage): string {
  return readCookies(req).get(FLOW_COOKIE) ?? '';
}

/** Routes of the bare variant: page, password and TOTP endpoints, dashboard. */
export function bareRoutes(): Array<[string, Handler]> {
  return [
    ...entryRoutes(VARIANT),
    [`GET /${VARIANT}/login`, ({ res }) => sendHtml(res, 200, appDocument({ title: 'Demo Trade', css: CSS, body: '<div id="root"></div>', script: SCRIPT }))],
    [
      `POST /${VARIANT}/api/login`,
      async ({ state, req, res }) => {
        const body = await readJson(req);
        const result = passwordStep(state, VARIANT, jsonField(body, 'clientCode'), jsonField(body, 'pwd'));
        if (!result.ok) return sendFailure(res, result);
        setCookie(res, FLOW_COOKIE, result.value);
        sendJson(res, 200, { status: 'TOTP_REQUIRED' });
      },
    ],
    [
      `POST /${VARIANT}/api/totp`,
      async ({ state, req, res, clockMs }) => {
        const body = await readJson(req);
        const result = codeStep(state, VARIANT, flowToken(req), jsonField(body, 'totpToken'), clockMs);
        if (!result.ok) return sendFailure(res, result);
        setCookie(res, FLOW_COOKIE, '', { maxAgeSeconds: 0 });
        setSessionCookie(state, res, result.value);
        sendJson(res, 200, { next: `/${VARIANT}/dashboard` });
      },
    ],
    dashboardRoute(VARIANT),
  ];
}
