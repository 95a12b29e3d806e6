/**
 * Reveal variant: identifier first, Google/Apple style, on one page. The
 * password input is in the DOM from the start but collapsed to zero height,
 * aria-hidden and out of the tab order (password managers need it there);
 * Next's fetch accepting the identifier opens it and the button becomes
 * "Sign in". The code step then replaces the form in place. Responses carry
 * Google's `)]}'` anti-XSSI prefix, so they are not plain JSON.
 */
import type { ServerResponse } from 'node:http';
import { readJson, sendHtml } from '../http.js';
import type { Handler } from '../routes.js';
import { appDocument } from './app-document.js';
import { codeStep, dashboardRoute, entryRoutes, jsonField, passwordStep, setSessionCookie } from './scripted-steps.js';

const VARIANT = 'reveal';
const XSSI_PREFIX = ")]}'\n";

function sendGoogleJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(XSSI_PREFIX + JSON.stringify(body));
}

/** One floating-label text field as the page's widget library renders it. */
function field(input: string, label: string): string {
  return `<div class="rFrNMe" jscontroller="pxq3x"><div class="aCsJod"><div class="aXBtI"><div class="Xb9hP">
${input}
<div jsname="YRMmle" class="AxOyFc snByac" aria-hidden="true">${label}</div>
</div><div class="i9lrp"></div></div></div>
<div class="LXRPh"><div jsname="B34EJ" class="dEOOab" aria-atomic="true" aria-live="assertive"></div></div></div>`;
}

const CSS = `
body { margin: 0; font-family: Roboto, Arial, sans-serif; background: #f0f4f9; }
.nyoS7c { max-width: 420px; margin: 64px auto; background: #fff; border-radius: 28px; padding: 36px; }
.ahT6S { font-size: 32px; font-weight: 400; margin: 16px 0 8px; } .Y4dIwd { color: #444; margin-bottom: 24px; }
.Xb9hP { position: relative; } .whsOnd { width: 100%; box-sizing: border-box; font-size: 16px; padding: 16px 14px; border: 1px solid #747775; border-radius: 4px; }
.AxOyFc { position: absolute; top: -9px; left: 10px; background: #fff; padding: 0 4px; font-size: 12px; color: #444; }
.rFrNMe { margin: 12px 0; } .rFrNMe.k0tWj .whsOnd { border-color: #b3261e; } .dEOOab { color: #b3261e; font-size: 12px; min-height: 16px; }
.SdBahf { height: 0; overflow: hidden; opacity: 0; transition: opacity .2s; } .SdBahf.VKUE5 { height: auto; opacity: 1; }
.JYXaTc { display: flex; justify-content: flex-end; margin-top: 24px; }
.VfPpkd-LgbsSe { background: #0b57d0; color: #fff; border: 0; border-radius: 20px; padding: 10px 24px; font-size: 14px; }
.VfPpkd-LgbsSe:disabled { opacity: .6; } .VfPpkd-Jh9lGc { display: none; }`;

const BODY = `<div class="nyoS7c" id="initialView" jsname="WsjYwc">
<div class="Ih3FE" aria-hidden="true">Demo Broker</div>
<h1 class="ahT6S" id="headingText"><span jsslot="">Sign in</span></h1>
<div class="Y4dIwd" id="headingSubtext"><span jsslot="">to continue to Demo Broker</span></div>
<form action="" method="post" novalidate="" jsname="rEuO1b">
<div class="wQ9Xle" jsname="dWPKW">
${field('<input type="email" class="whsOnd zHQkBf" jsname="YPqjbf" autocomplete="username" spellcheck="false" tabindex="0" aria-label="Email or phone" name="identifier" autocapitalize="none" id="identifierId" dir="ltr" data-initial-value="">', 'Email or phone')}
</div>
<div class="SdBahf" jsname="xdJtEf" aria-hidden="true">
${field('<input type="password" class="whsOnd zHQkBf" jsname="YPqjbf" autocomplete="current-password" spellcheck="false" tabindex="-1" aria-label="Enter your password" name="Passwd" dir="ltr" data-initial-value="">', 'Enter your password')}
</div>
<div class="JYXaTc" jsname="DH6Rkf"><div class="O1Slxf"><div jsname="Njthtb" class="FliLIb">
<button class="VfPpkd-LgbsSe nCP5yc" jsname="LgbsSe" type="button"><div class="VfPpkd-Jh9lGc"></div><span jsname="V67aGc" class="VfPpkd-vQzf8d">Next</span></button>
</div></div></div>
</form>
</div>`;

const SCRIPT = String.raw`
const view = document.getElementById('initialView');
const form = view.querySelector('form');
const button = view.querySelector('button[jsname="LgbsSe"]');
const idInput = document.getElementById('identifierId');
const pwBlock = view.querySelector('[jsname="xdJtEf"]');
const pwInput = pwBlock.querySelector('input');
let stage = 'identifier';
let flow = '';

async function call(path, body) {
  button.disabled = true;
  try {
    const res = await fetch('/reveal/api/' + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    try { return { ok: res.ok, data: JSON.parse(text.replace(")]}'\n", '')) }; }
    catch (e) { return { ok: false, data: { error: 'Something went wrong. Try again.' } }; }
  } finally { button.disabled = false; }
}
function showError(input, message) {
  const wrap = input.closest('.rFrNMe');
  wrap.classList.toggle('k0tWj', !!message);
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  wrap.querySelector('[jsname="B34EJ"]').textContent = message || '';
}
function setLabel(text) { button.querySelector('[jsname="V67aGc"]').textContent = text; }

async function next() {
  if (stage === 'identifier') {
    const { ok, data } = await call('identifier', { identifier: idInput.value });
    if (!ok) return showError(idInput, data.error);
    showError(idInput, '');
    pwBlock.classList.add('VKUE5');
    pwBlock.removeAttribute('aria-hidden');
    pwInput.tabIndex = 0;
    setLabel('Sign in');
    stage = 'password';
    pwInput.focus();
  } else if (stage === 'password') {
    const { ok, data } = await call('password', { identifier: idInput.value, password: pwInput.value });
    if (!ok) { pwInput.value = ''; return showError(pwInput, data.error); }
    flow = data.flow;
    showChallenge();
  } else {
    const pin = document.getElementById('totpPin');
    const { ok, data } = await call('challenge', { flow: flow, code: pin.value.replace(/\s/g, '') });
    if (!ok) return showError(pin, data.error);
    location.assign(data.redirect);
  }
}

function showChallenge() {
  stage = 'challenge';
  view.querySelector('#headingText span').textContent = '2-Step Verification';
  view.querySelector('#headingSubtext span').textContent = 'To help keep your account safe, Demo Broker wants to make sure it is really you trying to sign in';
  const block = view.querySelector('[jsname="dWPKW"]');
  block.innerHTML = '<div class="PrDSKc">Get a verification code from the <strong>Authenticator</strong> app</div>' +
    document.getElementById('totp-field').innerHTML;
  pwBlock.remove();
  setLabel('Next');
  document.getElementById('totpPin').focus();
}

button.addEventListener('click', next);
form.addEventListener('submit', (e) => { e.preventDefault(); next(); });
form.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && e.target.tagName === 'INPUT') { e.preventDefault(); next(); }
});`;

/** The code field arrives with the app bundle; a <template> keeps it out of the page until used. */
const CODE_TEMPLATE = `<template id="totp-field">${field(
  '<input type="tel" class="whsOnd zHQkBf" jsname="YPqjbf" autocomplete="off" tabindex="0" aria-label="Enter code" name="totpPin" id="totpPin" dir="ltr" pattern="[0-9 ]*" data-initial-value="">',
  'Enter code',
)}</template>`;

function revealPage(): string {
  return appDocument({ title: 'Sign in - Demo Broker Accounts', css: CSS, body: BODY + CODE_TEMPLATE, script: SCRIPT });
}

/** Routes of the reveal variant: page, the three JSON steps, dashboard. */
export function revealRoutes(): Array<[string, Handler]> {
  return [
    ...entryRoutes(VARIANT),
    [`GET /${VARIANT}/login`, ({ res }) => sendHtml(res, 200, revealPage())],
    // Any non-empty identifier is accepted: refusing unknown names here would let anyone list accounts.
    [
      `POST /${VARIANT}/api/identifier`,
      async ({ req, res }) => {
        const identifier = jsonField(await readJson(req), 'identifier').trim();
        if (identifier) sendGoogleJson(res, 200, { next: 'password' });
        else sendGoogleJson(res, 400, { error: 'Enter an email or phone number' });
      },
    ],
    [
      `POST /${VARIANT}/api/password`,
      async ({ state, req, res }) => {
        const body = await readJson(req);
        const result = passwordStep(state, VARIANT, jsonField(body, 'identifier'), jsonField(body, 'password'));
        if (result.ok) sendGoogleJson(res, 200, { flow: result.value });
        else sendGoogleJson(res, result.status, { error: result.error });
      },
    ],
    [
      `POST /${VARIANT}/api/challenge`,
      async ({ state, req, res, clockMs }) => {
        const body = await readJson(req);
        const result = codeStep(state, VARIANT, jsonField(body, 'flow'), jsonField(body, 'code'), clockMs);
        if (!result.ok) return sendGoogleJson(res, result.status, { error: result.error });
        setSessionCookie(state, res, result.value);
        sendGoogleJson(res, 200, { redirect: `/${VARIANT}/dashboard` });
      },
    ],
    dashboardRoute(VARIANT),
  ];
}
