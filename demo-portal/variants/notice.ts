/**
 * notice: the classic two steps as an Ant Design Pro app, with failures shown
 * the way antd's `message.error()` does: a toast the script adds after load
 * and removes 4 s later, with no role, no aria-live and no error class. The
 * server only puts the text in the page's initial state. The wording differs
 * from every other variant and warns as attempts run out.
 */
import { FAILURES, type AuthFailure } from '../auth.js';
import type { CodeView, LoginView } from '../pages/form-pages.js';
import { csrfInput } from '../pages/layout.js';
import { LOCKOUT_THRESHOLD } from '../sessions.js';
import { commonRoutes, type Route } from './kit.js';
import { escapeHtml, frameworkPage, scriptJson } from './markup.js';
import { codeScreenRoutes, passwordScreenRoutes, type DescribeFailure } from './screens.js';

const VARIANT = 'notice';
const CODE_PATH = '/notice/verify';
/** Failures after which the wrong-code text starts counting the chances left. */
const WARN_FROM_FAILURE = 3;
const LOCKED = 'Your account has been locked. 0 attempts remaining.';

function wrongCode(failures: number): string {
  const left = LOCKOUT_THRESHOLD - failures;
  if (left <= 0) return LOCKED;
  if (failures < WARN_FROM_FAILURE) return 'Wrong one-time password.';
  return `Wrong one-time password. Only ${left} more chance${left === 1 ? '' : 's'} before your account is locked.`;
}

const TEXTS: Record<AuthFailure, (failures: number) => string> = {
  'invalid-login': () => "The credentials you entered don't match our records.",
  'invalid-code': wrongCode,
  // Like many portals, a replayed code is simply "wrong" here.
  'replayed-code': wrongCode,
  locked: () => LOCKED,
};

/** Same statuses as everywhere else; only the words differ. */
const describeFailure: DescribeFailure = (outcome, failures) => ({
  status: FAILURES[outcome].status,
  message: TEXTS[outcome](failures),
});

/** Builds antd's message DOM once the page has loaded and takes it away after 4 s. */
const TOAST_SCRIPT = `
const flash = window.__INITIAL_STATE__ && window.__INITIAL_STATE__.flash;
if (flash) {
  window.addEventListener('load', () => setTimeout(() => {
    const holder = document.createElement('div');
    holder.className = 'ant-message';
    holder.innerHTML = '<div class="ant-message-notice"><div class="ant-message-notice-content"><span></span></div></div>';
    holder.querySelector('span').textContent = flash;
    document.body.appendChild(holder);
    setTimeout(() => holder.remove(), 4000);
  }, 300));
}`;

const CSS = `
.ant-pro-form-login-title { font-size: 26px; text-align: center; margin-bottom: 24px; }
.ant-form-item { margin-bottom: 18px; }
.ant-input-affix-wrapper { display: flex; align-items: center; gap: 6px; border: 1px solid #d9d9d9; border-radius: 8px; padding: 0 11px; }
.ant-input-affix-wrapper .ant-input { border: 0; margin: 0; }
.ant-btn-primary { background: #1677ff; border-radius: 8px; }
.ant-message { position: fixed; top: 8px; left: 0; right: 0; text-align: center; z-index: 2010; pointer-events: none; }
.ant-message-notice-content { display: inline-block; padding: 9px 12px; background: #fff; border-radius: 8px; box-shadow: 0 6px 16px #00000014, 0 3px 6px -4px #0000001f; }`;

const HASH = 'css-1x0dypw';

function antdPage(title: string, form: string, flash?: string): string {
  const state = `window.__INITIAL_STATE__ = ${scriptJson({ flash: flash ?? null })};`;
  return frameworkPage({
    title,
    css: CSS,
    body: `<div id="root"><div class="ant-pro-form-login-container ${HASH}"><div class="ant-pro-form-login-title ${HASH}">Demo Broker</div>\n${form}\n</div></div>`,
    script: `${state}\n${TOAST_SCRIPT}`,
  });
}

function antdInput(id: string, name: string, placeholder: string, type: string, icon: string, value = ''): string {
  return `<div class="ant-form-item ${HASH}"><div class="ant-row ant-form-item-row ${HASH}"><div class="ant-col ant-form-item-control ${HASH}"><div class="ant-form-item-control-input"><div class="ant-form-item-control-input-content">
<span class="ant-input-affix-wrapper ant-input-affix-wrapper-lg ant-input-outlined ${HASH}"><span class="ant-input-prefix"><span role="img" aria-label="${icon}" class="anticon anticon-${icon}"><svg viewBox="64 64 896 896" width="1em" height="1em" fill="currentColor" aria-hidden="true"></svg></span></span><input placeholder="${placeholder}" id="${id}" name="${name}" aria-required="true" class="ant-input ant-input-lg ${HASH}" type="${type}" value="${escapeHtml(value)}"></span>
</div></div></div></div></div>`;
}

const antdSubmit = (text: string) =>
  `<button type="submit" class="ant-btn ${HASH} ant-btn-primary ant-btn-color-primary ant-btn-variant-solid ant-btn-lg ant-btn-block"><span>${escapeHtml(text)}</span></button>`;

function loginPage({ csrf, action, error, username }: LoginView): string {
  return antdPage(
    'Login',
    `<form id="login" class="ant-form ant-form-horizontal ant-form-large ${HASH}" method="post" action="${action}" autocomplete="off">
${csrfInput(csrf)}
${antdInput('login_username', 'username', 'Username', 'text', 'user', username)}
${antdInput('login_password', 'password', 'Password', 'password', 'lock')}
${antdSubmit('Log in')}
</form>`,
    error,
  );
}

function codePage({ csrf, action, error }: CodeView): string {
  return antdPage(
    'Two-factor authentication',
    `<form id="mfa" class="ant-form ant-form-horizontal ant-form-large ${HASH}" method="post" action="${action}" autocomplete="off">
${csrfInput(csrf)}
<div class="ant-typography ${HASH}">Enter the one-time password from your authenticator app.</div>
${antdInput('mfa_code', 'code', 'One-time password', 'text', 'safety')}
${antdSubmit('Verify')}
</form>`,
    error,
  );
}

/** Routes of the notice variant. */
export function noticeRoutes(): Route[] {
  return [
    ...commonRoutes(VARIANT),
    ...passwordScreenRoutes({
      variant: VARIANT,
      render: loginPage,
      readLogin: (form) => ({ username: form.get('username') ?? '', password: form.get('password') ?? '' }),
      next: { path: CODE_PATH, step: 'code' },
      describeFailure,
    }),
    ...codeScreenRoutes({
      variant: VARIANT,
      path: CODE_PATH,
      render: codePage,
      readCode: (form) => (form.get('code') ?? '').trim(),
      describeFailure,
    }),
  ];
}
