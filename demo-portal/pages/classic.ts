/**
 * Classic variant (Pocketful style): labelled inputs with standard names and
 * autocomplete hints, a submit button, and one code input. This is the
 * easy case every field-detection heuristic must get right.
 */
import type { FormPages } from './form-pages.js';
import { alertBox, csrfInput, escapeHtml, pageShell } from './layout.js';

export const classicPages: FormPages = {
  loginPage: ({ csrf, action, error, username }) =>
    pageShell({
      title: 'Sign in',
      body: `<h1>Sign in to your account</h1>
${alertBox(error)}
<form method="post" action="${action}">
${csrfInput(csrf)}
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" value="${escapeHtml(username ?? '')}" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
    }),

  codePage: ({ csrf, action, error }) =>
    pageShell({
      title: 'Two-step verification',
      body: `<h1>Two-step verification</h1>
<p>Enter the 6-digit code from your authenticator app.</p>
${alertBox(error)}
<form method="post" action="${action}">
${csrfInput(csrf)}
<label for="totp">Authenticator code</label>
<input id="totp" name="code" type="text" autocomplete="one-time-code" inputmode="numeric" maxlength="6" pattern="[0-9]{6}" required>
<button type="submit">Verify code</button>
</form>`,
    }),

  readLogin: (form) => ({ username: form.get('username') ?? '', password: form.get('password') ?? '' }),
  readCode: (form) => (form.get('code') ?? '').trim(),
};
