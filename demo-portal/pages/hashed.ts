/**
 * Hashed variant: the classic form, except that the page's script sends a
 * SHA-256 of the password (hex, in `password_hash`) instead of the password,
 * as some portals do. Nothing in any earlier answer holds that value, so the
 * fast path must mark this portal browser-only and never replay it.
 */
import { createHash } from 'node:crypto';
import { classicPages } from './classic.js';
import type { FormPages } from './form-pages.js';
import { DEMO_PASSWORD } from '../users.js';

const HASH_SCRIPT = `
const form = document.querySelector('form');
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const password = document.getElementById('password');
  crypto.subtle.digest('SHA-256', new TextEncoder().encode(password.value)).then((bytes) => {
    form.elements.password_hash.value = [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
    password.removeAttribute('name');
    form.submit(); // fires no second submit event
  });
});`;

const DEMO_PASSWORD_HASH = createHash('sha256').update(DEMO_PASSWORD).digest('hex');

export const hashedPages: FormPages = {
  loginPage: (view) =>
    classicPages
      .loginPage(view)
      .replace('<button type="submit">', '<input type="hidden" name="password_hash" value="">\n<button type="submit">')
      .replace('</body>', `<script>${HASH_SCRIPT}</script>\n</body>`),
  codePage: (view) => classicPages.codePage(view),
  // Every demo user shares one password, so its hash stands for it; any other hash is a wrong password.
  readLogin: (form) => ({ username: form.get('username') ?? '', password: form.get('password_hash') === DEMO_PASSWORD_HASH ? DEMO_PASSWORD : 'not-the-password' }),
  readCode: (form) => classicPages.readCode(form),
};
