/** `explain`'s text for a recipe: every source in words, literal text quoted, JSON bodies and storage entries shown. */
import { test, expect } from '@playwright/test';
import { explainRecipe } from '../../flows/fast-path/explain.js';
import type { Recipe } from '../../flows/fast-path/recipe.js';

const spa: Recipe = {
  kind: 'replay',
  version: 1,
  loginUrl: 'http://127.0.0.1:1/spa/login',
  learnedAt: '2026-12-02T08:30:00.000Z',
  steps: [
    { method: 'GET', url: { fixed: 'http://127.0.0.1:1/spa/login' }, query: [], headers: [], expect: { status: 200 }, carries: [], setsCookies: ['xsrf'] },
    {
      method: 'POST',
      url: { fixed: 'http://127.0.0.1:1/spa/api/login' },
      query: [{ name: 'v', value: [{ text: '2' }] }],
      headers: [{ name: 'X-XSRF', value: [{ value: { from: 'cookie', name: 'xsrf' } }] }, { name: 'X-Csrf', value: [{ value: { from: 'meta', step: 0, name: 'csrf-token' } }] }],
      body: { kind: 'json', template: { o: [['user', { t: [{ value: { from: 'typed', value: 'username' } }] }], ['pass', { t: [{ value: { from: 'typed', value: 'password' } }] }], ['remember', true]] } },
      expect: { status: 200 },
      carries: ['username', 'password'],
      setsCookies: [],
    },
    {
      method: 'POST',
      url: { location: true },
      query: [],
      headers: [{ name: 'Authorization', value: [{ text: 'Bearer ' }, { value: { from: 'json', step: 1, path: 'data.interim' } }] }],
      body: { kind: 'json', template: { o: [['otp', { n: [{ value: { from: 'typed', value: 'code' } }] }], ['list', { a: [null, 1] }]] } },
      expect: { status: 302, location: '/spa/home' },
      carries: ['code'],
      setsCookies: ['sid'],
    },
  ],
  storage: [{ origin: 'http://127.0.0.1:1', key: 'token', value: [{ value: { from: 'json', step: 2, path: 'token' } }] }],
};

test('a replay recipe: each request with what it carries and where every value comes from', () => {
  expect(explainRecipe(spa, { portal: 'spa', fastPath: 'auto', path: '/s/recipes/spa.json' }).split('\n')).toEqual([
    'Portal spa (fastPath: auto), recipe /s/recipes/spa.json',
    'Learned 2026-12-02T08:30:00.000Z from http://127.0.0.1:1/spa/login.',
    'Replayable over HTTP: 3 requests.',
    '',
    '1. GET http://127.0.0.1:1/spa/login  → expects 200',
    '   sets cookies: xsrf',
    '2. POST http://127.0.0.1:1/spa/api/login  → expects 200',
    '   carries: username, password',
    '   query v = "2"',
    '   header X-XSRF: {cookie "xsrf"}',
    '   header X-Csrf: {meta "csrf-token" of step 1\'s page}',
    '   JSON body { "user": {username}, "pass": {password}, "remember": true }',
    '3. POST (the Location step 2 answered with)  → expects 302 to /spa/home',
    '   carries: code',
    '   header Authorization: "Bearer " + {data.interim of step 2\'s JSON reply}',
    '   JSON body { "otp": number({code}), "list": [null, 1] }',
    '   sets cookies: sid',
    '',
    'Storage the page writes (saved with a replayed session):',
    '   localStorage of http://127.0.0.1:1: token = {token of step 3\'s JSON reply}',
  ]);
});

test('a browser-only recipe says why', () => {
  const text = explainRecipe({ kind: 'browser-only', version: 1, loginUrl: 'http://x/login', learnedAt: '2026-12-02T08:30:00.000Z', reason: 'a captcha token' }, { portal: 'p', fastPath: 'learn', path: '/r.json' });
  expect(text).toBe('Portal p (fastPath: learn), recipe /r.json\nLearned 2026-12-02T08:30:00.000Z from http://x/login.\nBrowser-only: a captcha token\nEvery login of this portal uses the browser.');
});
