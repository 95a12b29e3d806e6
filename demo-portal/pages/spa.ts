/**
 * Spa variant: one HTML shell whose script renders every screen. No <form>,
 * generated ids, placeholders instead of labels, type="button" buttons and a
 * bearer token in localStorage instead of cookies — like modern broker apps.
 */
import { pageShell } from './layout.js';

const APP_SCRIPT = `
const root = document.getElementById('app');
const uid = () => 'in-' + Math.random().toString(36).slice(2, 9);
const api = async (path, body, bearer) => {
  const headers = { 'Content-Type': 'application/json' };
  if (bearer) headers.Authorization = 'Bearer ' + bearer;
  const res = await fetch('/spa/api/' + path, { method: 'POST', headers, body: JSON.stringify(body) });
  return { ok: res.ok, data: await res.json().catch(() => ({ error: 'Unexpected server response.' })) };
};
const showError = (msg) => {
  const box = root.querySelector('[role="alert"]');
  box.textContent = msg; box.className = 'error';
};
const onEnter = (input, action) =>
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') action(); });

function renderLogin() {
  const u = uid(), p = uid();
  root.innerHTML = '<h1>Welcome back</h1><div role="alert"></div>' +
    '<div class="field"><input id="' + u + '" type="text" placeholder="Email or client ID"></div>' +
    '<div class="field"><input id="' + p + '" type="password" placeholder="Password"></div>' +
    '<button type="button">Continue</button>';
  const user = document.getElementById(u), pass = document.getElementById(p);
  const go = async () => {
    const { ok, data } = await api('login', { username: user.value, password: pass.value });
    if (ok) renderCode(data.interimToken, user.value); else showError(data.error);
  };
  root.querySelector('button').addEventListener('click', go);
  onEnter(pass, go);
}

function renderCode(interim, username) {
  const c = uid();
  root.innerHTML = '<h1>Two-factor authentication</h1><div role="alert"></div>' +
    '<div class="field"><input id="' + c + '" type="text" inputmode="numeric" placeholder="6-digit code"></div>' +
    '<button type="button">Confirm</button>';
  const code = document.getElementById(c);
  const go = async () => {
    const { ok, data } = await api('verify', { code: code.value.trim() }, interim);
    if (!ok) return showError(data.error);
    localStorage.setItem('demo_token', data.token);
    sessionStorage.setItem('demo_tab', 'signed-in');
    location.hash = '#/dashboard';
    renderDashboard(username);
  };
  root.querySelector('button').addEventListener('click', go);
  onEnter(code, go);
}

function renderDashboard(username) {
  const h1 = document.createElement('h1');
  h1.id = 'dashboard'; h1.textContent = 'Welcome, ' + username;
  root.replaceChildren(h1);
}

// A stored token resumes the session, which is what a saved storageState relies on.
async function boot() {
  const token = localStorage.getItem('demo_token');
  if (token) {
    const res = await fetch('/spa/api/me', { headers: { Authorization: 'Bearer ' + token } });
    if (res.ok) { location.hash = '#/dashboard'; return renderDashboard((await res.json()).username); }
    localStorage.removeItem('demo_token');
  }
  if (location.hash === '#/dashboard') location.hash = '#/login';
  renderLogin();
}
boot();`;

export function spaPage(): string {
  return pageShell({
    title: 'Demo Broker Web',
    body: '<div id="app"><p>Loading…</p></div>',
    script: APP_SCRIPT,
  });
}
