/**
 * The script of the page at `/` (service/web-page.ts), as the exact text its
 * CSP hash is taken from. Plain ES2020, no framework, no template literals
 * (this file holds it in one). It only calls the JSON API the page is served
 * with; the token lives in this tab's sessionStorage, never in a URL, a
 * cookie or localStorage, and is sent only in the X-Vault-Token header.
 */
export const PAGE_SCRIPT = String.raw`
'use strict';
const STORE = 'portal-login.token';
const $ = (id) => document.getElementById(id);
/** name -> { row, code, left, until, step, timer } */
const shown = new Map();
let token = sessionStorage.getItem(STORE);
let relist;

async function api(path) {
  const res = await fetch(path, { headers: { 'X-Vault-Token': token }, cache: 'no-store', credentials: 'omit' });
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  return { status: res.status, body: body, retryAfter: Math.max(1, Number(res.headers.get('retry-after')) || 1) };
}

function say(text, isError) {
  $('status').textContent = text;
  $('status').className = isError ? 'error' : '';
}

function signOut(message) {
  token = null;
  sessionStorage.removeItem(STORE);
  clearInterval(relist);
  for (const entry of shown.values()) clearTimeout(entry.timer);
  shown.clear();
  $('codes').replaceChildren();
  $('signed-in').hidden = true;
  $('sign-in').hidden = false;
  $('token').value = '';
  say(message || '', Boolean(message));
}

async function signIn(candidate) {
  token = candidate;
  const reply = await api('/v1/totp/keys?list=true').catch(() => null);
  if (!reply) return signOut('The service cannot be reached. Is portal-login serve running?');
  if (reply.status === 403) return signOut('That token was not accepted: it is unknown, revoked or expired. Ask whoever runs the vault for a new one (portal-login token create).');
  if (reply.status !== 200) return signOut('The service answered HTTP ' + reply.status + '. Try again in a moment.');
  sessionStorage.setItem(STORE, candidate);
  $('sign-in').hidden = true;
  $('signed-in').hidden = false;
  show(reply.body.data.keys);
  relist = setInterval(list, 30000);
}

async function list() {
  const reply = await api('/v1/totp/keys?list=true').catch(() => null);
  if (reply && reply.status === 403) return signOut('The token is no longer accepted (revoked or expired). Sign in with a new one.');
  if (reply && reply.status === 200) show(reply.body.data.keys);
}

function show(names) {
  for (const [name, entry] of shown) {
    if (!names.includes(name)) { clearTimeout(entry.timer); entry.row.remove(); shown.delete(name); }
  }
  for (const name of names) if (!shown.has(name)) add(name);
  say(names.length === 0 ? 'This token may read no entries.' : '', false);
}

function add(name) {
  const row = document.createElement('li');
  row.dataset.entry = name;
  const label = document.createElement('span');
  label.className = 'name';
  label.textContent = name;
  const code = document.createElement('output');
  code.className = 'code';
  const left = document.createElement('span');
  left.className = 'left';
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.textContent = 'Copy';
  copy.addEventListener('click', () => {
    navigator.clipboard.writeText(code.textContent).then(() => { copy.textContent = 'Copied'; setTimeout(() => (copy.textContent = 'Copy'), 1500); }, () => say('Copying needs clipboard permission; select the code instead.', true));
  });
  row.append(label, code, left, copy);
  $('codes').append(row);
  const entry = { row: row, code: code, left: left, until: 0, step: null, timer: 0 };
  shown.set(name, entry);
  refresh(name, entry);
}

/** A new code once the window ends; asked again shortly when the server is still in the old one. */
async function refresh(name, entry) {
  if (shown.get(name) !== entry || !token) return;
  const reply = await api('/v1/totp/code/' + encodeURIComponent(name)).catch(() => null);
  let next = 1000;
  if (!reply) say('The service cannot be reached; trying again.', true);
  else if (reply.status === 403) return signOut('The token is no longer accepted (revoked or expired). Sign in with a new one.');
  else if (reply.status === 404) { entry.row.remove(); shown.delete(name); return; }
  else if (reply.status === 429) next = reply.retryAfter * 1000;
  else if (reply.status === 200) {
    const data = reply.body.data;
    if (data.step === entry.step) next = 300;
    else {
      entry.step = data.step;
      entry.code.textContent = data.code;
      entry.row.dataset.step = String(data.step);
      entry.until = Date.now() + data.seconds_left * 1000;
      // seconds_left is rounded down: the window ends up to a second later, and then the step above tells.
      next = data.seconds_left * 1000 + 200;
      tick();
    }
  }
  entry.timer = setTimeout(() => refresh(name, entry), next);
}

function tick() {
  const now = Date.now();
  for (const entry of shown.values()) entry.left.textContent = entry.step === null ? '' : Math.max(0, Math.ceil((entry.until - now) / 1000)) + ' s';
}

$('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('token').value.trim();
  if (value === '') return say('Paste your token first.', true);
  signIn(value);
});
$('sign-out').addEventListener('click', () => signOut(''));
setInterval(tick, 250);
if (token) signIn(token);
`;
