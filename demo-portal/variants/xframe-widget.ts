/**
 * The cross-origin sign-in widget of the xframe variant, marked up the way
 * the Okta Sign-In Widget renders: o-form fieldsets with linked labels, an
 * `<input type="submit">` instead of a button, a "Remember me" checkbox, and
 * errors in an infobox that does carry role="alert". The page defines
 * PARENT_ORIGIN before this script runs.
 */

export const WIDGET_CSS = `
body { margin: 0; font-family: montserrat, Arial, Helvetica, sans-serif; color: #5e5e5e; }
.auth-container { max-width: 400px; margin: 0 auto; border: 1px solid #ddd; border-radius: 3px; }
.okta-sign-in-header { padding: 24px 90px; border-bottom: 1px solid #ddd; text-align: center; font-weight: bold; }
.auth-content { padding: 20px 42px; } .okta-form-title { font-size: 15px; text-align: center; }
.o-form-fieldset { margin-bottom: 15px; } .okta-form-label label { font-weight: bold; font-size: 14px; }
.o-form-input input[type=text], .o-form-input input[type=password] { width: 100%; box-sizing: border-box; height: 38px; border: 1px solid #8c8c96; border-radius: 3px; padding: 6px 8px; }
.o-form-button-bar .button { width: 100%; height: 50px; background: #1662dd; color: #fff; border: 0; border-radius: 3px; font-size: 14px; }
.infobox-error { border: 1px solid #e34843; padding: 12px 12px 12px 40px; border-radius: 3px; margin-bottom: 15px; } .infobox-error p { margin: 0; }`;

export const WIDGET_SCRIPT = String.raw`
const root = document.getElementById('okta-sign-in');
let seq = 40;
let stateToken = '';

function fieldset(label, input) {
  return '<div data-se="o-form-fieldset" class="o-form-fieldset o-form-label-top margin-btm-5">' + label +
    '<div data-se="o-form-input-container" class="o-form-input">' + input + '</div></div>';
}
function textInput(id, name, type, autocomplete, label) {
  return fieldset('<div data-se="o-form-label" class="okta-form-label o-form-label"><label for="' + id + '">' + label + '</label></div>',
    '<span data-se="o-form-input-' + name + '" class="o-form-input-name-' + name + ' o-form-control okta-form-input-field input-fix">' +
    '<input type="' + type + '" placeholder="" name="' + name + '" id="' + id + '" value="" aria-label="" autocomplete="' + autocomplete + '" aria-required="true" required=""></span>');
}
function render(kind, title, subtitle, fields, submitValue, onSubmit) {
  const formId = 'form' + (seq++);
  root.innerHTML = '<div class="okta-sign-in-header auth-header"><h1><span class="auth-org-logo">Demo Broker</span></h1></div>' +
    '<div class="auth-content"><div class="auth-content-inner"><div class="' + kind + '">' +
    '<form method="POST" action="/" data-se="o-form" slot="content" id="' + formId + '" class="' + kind + '-form o-form o-form-edit-mode">' +
    '<div data-se="o-form-content" class="o-form-content o-form-theme clearfix">' +
    '<h2 data-se="o-form-head" class="okta-form-title o-form-head">' + title + '</h2>' +
    (subtitle ? '<p class="okta-form-subtitle o-form-explain">' + subtitle + '</p>' : '') +
    '<div class="o-form-error-container" data-se="o-form-error-container"></div>' +
    '<div class="o-form-fieldset-container" data-se="o-form-fieldset-container">' + fields + '</div></div>' +
    '<div class="o-form-button-bar"><input class="button button-primary" type="submit" value="' + submitValue + '" data-type="save"></div>' +
    '</form></div></div></div>';
  const form = document.getElementById(formId);
  const submit = form.querySelector('input[type=submit]');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showError('');
    submit.disabled = true;
    try { await onSubmit(form); } finally { submit.disabled = false; }
  });
  form.querySelector('input').focus();
}
function showError(message) {
  const box = root.querySelector('.o-form-error-container');
  box.classList.toggle('o-form-has-errors', !!message);
  box.innerHTML = message ? '<div><div class="okta-form-infobox-error infobox infobox-error" role="alert"><span class="icon error-16"></span><p></p></div></div>' : '';
  if (message) box.querySelector('p').textContent = message;
}
async function api(path, body) {
  const res = await fetch('/xframe/api/' + path, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
  return { ok: res.ok, data: await res.json().catch(() => ({ errorSummary: 'There was an unexpected internal error. Please try again.' })) };
}
const rememberMe = fieldset('', '<span data-se="o-form-input-remember" class="o-form-input-name-remember"><div class="custom-checkbox">' +
  '<input type="checkbox" name="remember" id="input' + (seq++) + '"><label for="input' + (seq - 1) + '" data-se-for-name="remember">Keep me signed in</label></div></span>');

render('primary-auth', 'Sign In', '',
  textInput('okta-signin-username', 'username', 'text', 'username', 'Username') +
  textInput('okta-signin-password', 'password', 'password', 'current-password', 'Password') + rememberMe,
  'Sign In',
  async (form) => {
    const { ok, data } = await api('authn', { username: form.username.value, password: form.password.value });
    if (!ok) return showError(data.errorSummary);
    stateToken = data.stateToken;
    renderTotp();
  });

function renderTotp() {
  render('mfa-verify-totp', 'Authenticator app', 'Enter your authenticator app passcode',
    textInput('input' + (seq++), 'answer', 'text', 'off', 'Enter Code'), 'Verify',
    async (form) => {
      const { ok, data } = await api('factors/verify', { stateToken: stateToken, passCode: form.answer.value });
      if (!ok) return showError(data.errorSummary);
      root.querySelector('.auth-content-inner').textContent = 'Signing in…';
      parent.postMessage({ ticket: data.ticket }, PARENT_ORIGIN);
    });
}`;
