/**
 * The API flow's config branch: its two URLs are all an Autoshares-style
 * API needs (every other key has a default), and every mistake is named
 * by its path, all at once.
 */
import { expect, test } from '@playwright/test';
import { apiFlowSchema } from '../../config/api-flow-schema.js';

const URLS = { login: { url: 'https://api.example.com/auth/login' }, verify: { url: 'https://api.example.com/auth/verify' } };

/** Every problem as "path: message". */
function problems(input: unknown): string[] {
  const result = apiFlowSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

test('the two URLs alone: every other key gets its Autoshares-style default', () => {
  expect(apiFlowSchema.parse({ flow: 'api', ...URLS })).toEqual({
    flow: 'api',
    login: {
      method: 'POST',
      url: 'https://api.example.com/auth/login',
      appKey: { header: 'Et-App-Key' },
      username: { header: 'Username' },
      password: { header: 'Password' },
      headers: {},
      interimToken: 'data.token',
    },
    verify: {
      method: 'POST',
      url: 'https://api.example.com/auth/verify',
      appKey: { header: 'Et-App-Key' },
      interimToken: { header: 'Authorization', prefix: 'Bearer ' },
      code: { header: 'VerificationCode' },
      headers: {},
      tokens: { authToken: 'data.token' },
    },
    errors: [],
  });
});

test('another style: JSON body, a form body, a query value, several tokens, rules of its own', () => {
  const parsed = apiFlowSchema.parse({
    flow: 'api',
    appKeyEnv: 'BROKER_APP_KEY',
    login: { ...URLS.login, appKey: { query: 'api_key' }, username: { json: 'auth.user' }, password: { json: 'auth.pass' }, interimToken: 'result.0.requestToken', headers: { Accept: 'application/json' } },
    verify: { ...URLS.verify, method: 'PUT', interimToken: { form: 'request_token' }, code: { form: 'otp' }, tokens: { access: 'data.access', refresh_token: 'data.refresh' } },
    errors: [{ step: 'verify', status: 400, match: 'E_OTP', code: 'CODE_REJECTED' }],
  });
  expect(parsed.login.username).toEqual({ json: 'auth.user' });
  expect(parsed.verify.tokens).toEqual({ access: 'data.access', refresh_token: 'data.refresh' });
  expect(parsed.errors).toHaveLength(1);
});

test('missing keys: flow, and each request\'s url', () => {
  expect(problems({ login: {}, verify: {} })).toEqual([
    'flow: Invalid input: expected "api"',
    'login.url: must be an http:// or https:// URL (file:, javascript: and other schemes are refused)',
    'verify.url: must be an http:// or https:// URL (file:, javascript: and other schemes are refused)',
  ]);
  expect(problems({ flow: 'api', login: URLS.login })).toEqual(['verify: Invalid input: expected object, received undefined']);
});

test('bad URLs: only http(s)', () => {
  for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ftp://api.example.com/', 'not a url']) {
    expect(problems({ flow: 'api', login: { url }, verify: URLS.verify }), url).toEqual(['login.url: must be an http:// or https:// URL (file:, javascript: and other schemes are refused)']);
  }
});

test('every mistake at once, each at its path, no value echoed', () => {
  const found = problems({
    flow: 'api',
    appKeyEnv: 'sk-live-1234 5678',
    login: { ...URLS.login, username: { json: 'user' }, password: { form: 'pass' }, appKey: { header: 'Et App Key' }, headers: { 'Bad Header': 'x' }, interimToken: 'data..token' },
    verify: { ...URLS.verify, method: 'GET', code: { json: 'otp' }, interimToken: { cookie: 'x' }, tokens: { 'auth-token': 'data.token' }, headers: { 'X-Trace': 'a\nb' } },
    errors: [{ code: 'CODE_REJECTED' }, { status: 401, match: '(', code: 'NOPE' }],
  });
  expect(found).toEqual([
    'appKeyEnv: must be the NAME of the environment variable that holds the secret (letters, digits and _, not starting with a digit), not the secret itself; put the secret in .env or the environment',
    'login.appKey.header: must be an HTTP header name (letters, digits and - _ . ! # $ % & \' * + ^ ` | ~), e.g. "Et-App-Key"',
    'login.headers.Bad Header: is not an HTTP header name (letters, digits and - _ . ! # $ % & \' * + ^ ` | ~), e.g. "Et-App-Key"',
    'login.interimToken: must be a dot path into the JSON reply, e.g. "data.token" (names joined by dots, no spaces)',
    expect.stringMatching(/^verify\.interimToken: must say where the value goes: one of \{ header: NAME \}/),
    'verify.headers.X-Trace: must be one line: a header value cannot hold a line break',
    'verify.tokens.auth-token: token names may use letters, digits and _ (they become env var names: <ACCOUNT>_<NAME>)',
    'errors.0: say which replies this rule is for: set status, match (a regular expression on the body), or both',
    'errors.1.match: must be a valid (JavaScript) regular expression, e.g. "/api/verify$"; escape ( [ ? + with a backslash',
    'errors.1.code: must be one of APP_KEY_REJECTED, BAD_CREDENTIALS, INTERIM_TOKEN_REJECTED, CODE_REJECTED, RATE_LIMITED, ACCOUNT_LOCKED, IP_NOT_ALLOWED, PORTAL_ERROR',
    'login: a request body is JSON or a form, not both: put every body value under json, or every one under form',
    'verify.method: a GET request has no body: use POST, or send the values as header or query',
  ]);
  expect(found.join('\n')).not.toContain('sk-live');
});

test('two values in one place are refused', () => {
  expect(problems({ flow: 'api', login: { ...URLS.login, username: { header: 'X-Auth' }, password: { header: 'x-auth' } }, verify: URLS.verify })).toEqual([
    'login.password: goes to the same place as username (header x-auth): give each value its own',
  ]);
  expect(problems({ flow: 'api', login: { ...URLS.login, headers: { username: 'alice' } }, verify: URLS.verify })).toEqual(['login.headers.username: is also where username goes: remove it from headers']);
});

test('a key no request has is a misspelling', () => {
  expect(problems({ flow: 'api', login: { ...URLS.login, code: { header: 'Otp' } }, verify: { ...URLS.verify, tokenz: {} } })).toEqual([
    'login: Unrecognized key: "code"',
    'verify: Unrecognized key: "tokenz"',
  ]);
});
