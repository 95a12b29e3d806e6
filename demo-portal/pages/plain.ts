/**
 * Plain variant: no submit button, no labels, no autocomplete hints, odd ids
 * and names. Fields are identifiable only by aria-label, and the form is sent
 * by pressing Enter — the hard case for field detection.
 */
import type { FormPages } from './form-pages.js';
import { alertBox, csrfInput, escapeHtml, pageShell } from './layout.js';

/**
 * Browsers only submit on Enter by themselves when a form has a single text
 * field; the two-field login needs this nudge (many real portals ship one).
 */
const ENTER_SUBMITS = `
document.querySelectorAll('form[data-enter-submit] input').forEach((input) => {
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); input.form.requestSubmit(); }
  });
});`;

export const plainPages: FormPages = {
  loginPage: ({ csrf, action, error, username }) =>
    pageShell({
      title: 'Client login',
      body: `<h2>Client login</h2>
${alertBox(error)}
<form method="post" action="${action}" data-enter-submit>
${csrfInput(csrf)}
<input id="f_9x2k" name="q_a1" type="text" aria-label="Client ID" value="${escapeHtml(username ?? '')}">
<input id="f_7mz0" name="q_b2" type="password" aria-label="PIN">
<p><small>Press Enter to continue.</small></p>
</form>`,
      script: ENTER_SUBMITS,
    }),

  codePage: ({ csrf, action, error }) =>
    pageShell({
      title: 'Security check',
      body: `<h2>Security check</h2>
<p>Open your authenticator app and type the current code, then press Enter.</p>
${alertBox(error)}
<form method="post" action="${action}">
${csrfInput(csrf)}
<input id="f_3qv8" name="q_c3" type="text" aria-label="Authenticator code">
</form>`,
    }),

  readLogin: (form) => ({ username: form.get('q_a1') ?? '', password: form.get('q_b2') ?? '' }),
  readCode: (form) => (form.get('q_c3') ?? '').replace(/\s/g, ''),
};
