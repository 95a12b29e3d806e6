/**
 * The learner on recorded exchanges (no browser): a JSON login whose
 * interim token goes back as a Bearer header and whose token lands in
 * localStorage is learned with placeholders only; a value the page computed
 * makes the portal browser-only; the code split over fields is never replayed.
 */
import { test, expect } from '@playwright/test';
import type { Exchange } from '../../flows/fast-path/exchange.js';
import { learnRecipe } from '../../flows/fast-path/learn.js';

const typed = { username: 'alice@example.com', password: 'correct horse 9', code: '492039' };
const json = (status: number, body: unknown): Exchange['response'] => ({ status, headers: [{ name: 'content-type', value: 'application/json' }], text: JSON.stringify(body) });
const INTERIM = 'itk_5f2a9c81d3e44b0f';
const TOKEN = 'tok_8d0e1f2a3b4c5d6e7f';

function spaLogin(verifyBody: string): Exchange[] {
  return [
    { method: 'GET', url: 'https://app.example/login', headers: { accept: 'text/html' }, response: { status: 200, headers: [{ name: 'content-type', value: 'text/html' }], text: '<div id=app></div>' } },
    { method: 'POST', url: 'https://app.example/api/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: { name: typed.username }, password: typed.password, remember: true }), response: json(200, { data: { interimToken: INTERIM } }) },
    { method: 'POST', url: 'https://app.example/api/verify', headers: { 'content-type': 'application/json', authorization: `Bearer ${INTERIM}` }, body: verifyBody, response: json(200, { token: TOKEN }) },
  ];
}

const learn = (exchanges: Exchange[], localStorage = [{ origin: 'https://app.example', key: 'token', value: TOKEN }]) =>
  learnRecipe({ exchanges, typed, loginUrl: 'https://app.example/login', localStorage, now: new Date(0) });

test('a JSON login: typed values, the interim token (JSON field → Bearer header) and the localStorage token are placeholders; no value is kept', () => {
  const recipe = learn(spaLogin(JSON.stringify({ otp: Number(typed.code) })));
  expect(recipe.kind).toBe('replay');
  if (recipe.kind !== 'replay') return;
  expect(recipe.steps.map((s) => s.carries)).toEqual([[], ['username', 'password'], ['code']]);
  expect(recipe.steps[2]!.headers.find((h) => h.name === 'authorization')!.value).toEqual([{ text: 'Bearer ' }, { value: { from: 'json', step: 1, path: 'data.interimToken' } }]);
  expect(recipe.steps[2]!.body).toEqual({ kind: 'json', template: { o: [['otp', { n: [{ value: { from: 'typed', value: 'code' } }] }]] } });
  expect(recipe.steps[1]!.body).toMatchObject({ kind: 'json', template: { o: [['user', { o: [['name', { t: [{ value: { from: 'typed', value: 'username' } }] }]] }], ['password', { t: [{ value: { from: 'typed', value: 'password' } }] }], ['remember', true]] } });
  expect(recipe.storage).toEqual([{ origin: 'https://app.example', key: 'token', value: [{ value: { from: 'json', step: 2, path: 'token' } }] }]);
  const text = JSON.stringify(recipe);
  for (const value of [typed.password, typed.code, INTERIM, TOKEN]) expect(text).not.toContain(value);
});

test('a field the page computed (a signature over the code) makes the portal browser-only, and says which field', () => {
  const recipe = learn(spaLogin(JSON.stringify({ otp: typed.code, sig: 'a9f3c2e81b7d4f60a9f3c2e81b7d4f60' })));
  expect(recipe).toMatchObject({ kind: 'browser-only', reason: expect.stringContaining('JSON field sig of POST https://app.example/api/verify carries a value the page computed') });
});

test('a code sent one digit per field is not found, so the portal is browser-only (a replay would send a wrong code)', () => {
  const exchanges = spaLogin('');
  exchanges[2] = { ...exchanges[2]!, headers: { ...exchanges[2]!.headers, 'content-type': 'application/x-www-form-urlencoded' }, body: [...typed.code].map((d, i) => `d${i}=${d}`).join('&') };
  expect(learn(exchanges)).toMatchObject({ kind: 'browser-only', reason: expect.stringContaining('no request carried the code as it was typed') });
});

test('a localStorage value the page generated (a browser id) makes the portal browser-only', () => {
  const recipe = learn(spaLogin(JSON.stringify({ otp: typed.code })), [{ origin: 'https://app.example', key: 'deviceId', value: 'dev-7c1e9b2a4f5d8e03' }]);
  expect(recipe).toMatchObject({ kind: 'browser-only', reason: 'localStorage deviceId (https://app.example) holds a value the page generated, not one the portal handed out' });
});
