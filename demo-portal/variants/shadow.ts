/**
 * Shadow variant: the login is a web component, as Lit and Salesforce LWC
 * build them. `<acme-login>` has an OPEN shadow root holding `<acme-input>`
 * and `<acme-button>` elements, each with its own open shadow root, so every
 * input sits two shadow boundaries deep (labels are linked, but only inside
 * their own root). Field names follow Salesforce (username, pw, emc), the
 * form-level error is a polite live region without a role, and the code step
 * re-renders inside the same component.
 */
import { readJson, sendHtml, sendJson } from '../http.js';
import type { Handler } from '../routes.js';
import { appDocument } from './app-document.js';
import { codeStep, dashboardRoute, entryRoutes, jsonField, passwordStep, sendFailure, setSessionCookie } from './scripted-steps.js';

const VARIANT = 'shadow';

const CSS = `
body { margin: 0; font-family: "Salesforce Sans", Arial, sans-serif; background: #f3f3f3; }
.slds-scope { display: flex; justify-content: center; padding-top: 64px; }`;

const SCRIPT = String.raw`
const INPUT_STYLE = '<style>:host{display:block;margin-bottom:12px}.slds-form-element__label{display:block;font-size:12px;color:#444;margin-bottom:2px}' +
  '.slds-required{color:#ba0517;margin-right:2px;text-decoration:none}.slds-input{width:100%;box-sizing:border-box;padding:8px 12px;border:1px solid #c9c9c9;border-radius:4px;font-size:14px}</style>';
const BUTTON_STYLE = '<style>:host{display:block;margin-top:16px}.slds-button_brand{width:100%;padding:10px;border:0;border-radius:4px;background:#0176d3;color:#fff;font-size:14px}</style>';
let uid = 40;

class AcmeInput extends HTMLElement {
  constructor() { super(); this.attachShadow({ mode: 'open' }); }
  connectedCallback() {
    const id = 'input-' + (uid++);
    this.shadowRoot.innerHTML = INPUT_STYLE + '<!--?lit$41720681$--><div class="slds-form-element">' +
      '<label class="slds-form-element__label slds-no-flex" for="' + id + '"><abbr class="slds-required" title="required">*</abbr>' + this.getAttribute('label') + '</label>' +
      '<div class="slds-form-element__control slds-grow"><input type="' + (this.getAttribute('type') || 'text') + '" id="' + id + '" name="' + this.getAttribute('name') + '"' +
      ' class="slds-input" autocomplete="' + (this.getAttribute('autocomplete') || 'off') + '" required=""></div></div>';
  }
  get value() { return this.shadowRoot.querySelector('input').value; }
  focus() { this.shadowRoot.querySelector('input').focus(); }
}
class AcmeButton extends HTMLElement {
  constructor() { super(); this.attachShadow({ mode: 'open' }); }
  connectedCallback() {
    this.shadowRoot.innerHTML = BUTTON_STYLE + '<!--?lit$41720681$--><button class="slds-button slds-button_brand" type="button" part="button"></button>';
    this.shadowRoot.querySelector('button').textContent = this.getAttribute('label');
  }
  set busy(on) { this.shadowRoot.querySelector('button').disabled = on; }
}
class AcmeLogin extends HTMLElement {
  #flow = '';
  #step = null;
  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    // Clicks from the inner <button> are retargeted to <acme-button>; Enter from any inner input bubbles out as well.
    this.shadowRoot.addEventListener('click', (e) => { if (e.target.localName === 'acme-button') this.#submit(); });
    this.shadowRoot.addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.target.localName === 'acme-input') this.#submit(); });
  }
  connectedCallback() { this.#renderLogin(); }
  #render(title, fields, buttonLabel, step) {
    this.shadowRoot.innerHTML = '<style>.card{width:360px;background:#fff;border:1px solid #ddd;border-radius:4px;padding:24px}h2{font-weight:400;font-size:20px;margin:0 0 16px}' +
      '.slds-text-color_error{color:#ba0517;font-size:13px;min-height:18px;margin-bottom:8px}</style>' +
      '<!--?lit$41720681$--><div class="card"><h2 part="title">' + title + '</h2><div class="slds-text-color_error" part="error" aria-live="polite"></div>' +
      fields + '<acme-button label="' + buttonLabel + '"></acme-button></div>';
    this.#step = step;
    this.shadowRoot.querySelector('acme-input').focus();
  }
  #renderLogin() {
    this.#render('Log In to Acme',
      '<acme-input label="Username" name="username" type="email" autocomplete="username"></acme-input>' +
      '<acme-input label="Password" name="pw" type="password" autocomplete="current-password"></acme-input>',
      'Log In', (values) => this.#call('login', { username: values.username, pw: values.pw }, (data) => { this.#flow = data.flow; this.#renderCode(); }));
  }
  #renderCode() {
    this.#render('Verify Your Identity',
      '<acme-input label="Verification Code" name="emc" type="text"></acme-input>',
      'Verify', (values) => this.#call('verify', { flow: this.#flow, emc: values.emc }, (data) => location.assign(data.redirect)));
  }
  async #submit() {
    const values = {};
    this.shadowRoot.querySelectorAll('acme-input').forEach((el) => { values[el.getAttribute('name')] = el.value; });
    const button = this.shadowRoot.querySelector('acme-button');
    button.busy = true;
    try { await this.#step(values); } finally { button.busy = false; }
  }
  async #call(path, body, onOk) {
    this.shadowRoot.querySelector('[part="error"]').textContent = '';
    const res = await fetch('/shadow/api/' + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const data = await res.json().catch(() => ({ error: 'An unexpected error occurred.' }));
    if (res.ok) onOk(data); else this.shadowRoot.querySelector('[part="error"]').textContent = data.error;
  }
}
customElements.define('acme-input', AcmeInput);
customElements.define('acme-button', AcmeButton);
customElements.define('acme-login', AcmeLogin);`;

function shadowPage(): string {
  return appDocument({ title: 'Login | Acme', css: CSS, body: '<div class="slds-scope"><acme-login></acme-login></div>', script: SCRIPT });
}

/** Routes of the shadow variant: page, login and verify endpoints, dashboard. */
export function shadowRoutes(): Array<[string, Handler]> {
  return [
    ...entryRoutes(VARIANT),
    [`GET /${VARIANT}/login`, ({ res }) => sendHtml(res, 200, shadowPage())],
    [
      `POST /${VARIANT}/api/login`,
      async ({ state, req, res }) => {
        const body = await readJson(req);
        const result = passwordStep(state, VARIANT, jsonField(body, 'username'), jsonField(body, 'pw'));
        if (!result.ok) return sendFailure(res, result);
        sendJson(res, 200, { flow: result.value });
      },
    ],
    [
      `POST /${VARIANT}/api/verify`,
      async ({ state, req, res, clockMs }) => {
        const body = await readJson(req);
        const result = codeStep(state, VARIANT, jsonField(body, 'flow'), jsonField(body, 'emc'), clockMs);
        if (!result.ok) return sendFailure(res, result);
        setSessionCookie(state, res, result.value);
        sendJson(res, 200, { redirect: `/${VARIANT}/dashboard` });
      },
    ],
    dashboardRoute(VARIANT),
  ];
}
