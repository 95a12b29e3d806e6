/**
 * What an API reply means, by status and body: a known-answer table of
 * phrasings real login APIs use (constants and sentences), the portal's
 * own rules first, and what a reply may show in a message.
 */
import { expect, test } from '@playwright/test';
import type { ApiErrorRule } from '../../config/api-flow-schema.js';
import type { ErrorCode } from '../../core/errors.js';
import { classifyReply, shownText, type ApiStep } from '../../flows/http-api/classify.js';

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);

function reply(status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers: new Headers(headers), text, json: typeof body === 'string' ? undefined : body };
}

const classify = (step: ApiStep, status: number, body: unknown, rules: ApiErrorRule[] = []) => classifyReply(step, reply(status, body), rules, NOW);

// [step, status, body, code, retried once?]
const TABLE: ReadonlyArray<[ApiStep, number, unknown, ErrorCode | undefined, boolean]> = [
  ['login', 401, { error: 'INVALID_APP_KEY' }, 'APP_KEY_REJECTED', false],
  ['login', 403, { message: 'API key is missing or invalid' }, 'APP_KEY_REJECTED', false],
  ['verify', 401, { errors: [{ code: 'InvalidApiKey' }] }, 'APP_KEY_REJECTED', false],
  ['login', 401, { error: 'INVALID_CREDENTIALS' }, 'BAD_CREDENTIALS', false],
  ['login', 400, { status: 'error', message: 'Invalid username or password' }, 'BAD_CREDENTIALS', false],
  ['login', 401, 'Incorrect password.', 'BAD_CREDENTIALS', false],
  ['verify', 401, { error: 'INVALID_TOKEN' }, 'INTERIM_TOKEN_REJECTED', false],
  ['verify', 401, { error: 'invalid_request', error_description: 'Token has expired' }, 'INTERIM_TOKEN_REJECTED', false],
  ['verify', 401, { message: 'Invalid or expired token' }, 'INTERIM_TOKEN_REJECTED', false],
  ['verify', 401, { message: 'Session expired, please log in again' }, 'INTERIM_TOKEN_REJECTED', false],
  ['verify', 401, { message: 'Authorization header is missing' }, 'INTERIM_TOKEN_REJECTED', false],
  ['verify', 401, { error: 'INVALID_OTP' }, 'CODE_REJECTED', true],
  ['verify', 400, { message: 'Invalid verification code' }, 'CODE_REJECTED', true],
  ['verify', 401, { error: 'OTP_EXPIRED' }, 'CODE_REJECTED', true],
  ['verify', 401, { message: 'Invalid OTP token' }, 'CODE_REJECTED', true],
  ['verify', 401, { message: 'The code has already been used' }, 'CODE_REJECTED', true],
  // Says how many tries are left: retrying only burns one of them.
  ['verify', 401, { message: 'Invalid OTP. 1 attempt left.' }, 'CODE_REJECTED', false],
  ['verify', 429, { error: 'TOO_MANY_REQUESTS' }, 'RATE_LIMITED', false],
  ['login', 400, { message: 'Too many requests, slow down' }, 'RATE_LIMITED', false],
  ['login', 423, { error: 'ACCOUNT_LOCKED' }, 'ACCOUNT_LOCKED', false],
  ['login', 403, { message: 'Your account has been locked' }, 'ACCOUNT_LOCKED', false],
  ['login', 423, {}, 'ACCOUNT_LOCKED', false],
  ['login', 403, { error: 'IP_NOT_ALLOWED', message: 'Request from an unregistered IP address.' }, 'IP_NOT_ALLOWED', false], // our demo
  ['login', 401, { errorCode: 'IP_NOT_WHITELISTED' }, 'IP_NOT_ALLOWED', false],
  ['verify', 403, { message: 'Request from unauthorised IP' }, 'IP_NOT_ALLOWED', false],
  ['login', 401, { error: 'API_KEY_NOT_ALLOWED_FROM_UNREGISTERED_IP' }, 'IP_NOT_ALLOWED', false], // the address, not the key
  ['login', 403, 'Access denied from this IP', 'IP_NOT_ALLOWED', false],
  ['login', 500, { error: 'INVALID_CREDENTIALS' }, 'PORTAL_ERROR', false], // a 5xx is the portal's failure, whatever its body
  ['verify', 503, '<html>Service Unavailable</html>', 'PORTAL_ERROR', false],
  ['login', 302, '', 'PORTAL_ERROR', false],
  // Nothing known: the flow decides (PORTAL_ERROR for a non-2xx).
  ['login', 401, { error: 'E1007' }, undefined, false],
  // An interim-token phrase means nothing on the first request.
  ['login', 401, { error: 'INVALID_TOKEN' }, undefined, false],
];

test('the phrasing table: status and body decide, in the documented order', () => {
  for (const [step, status, body, code, retryable] of TABLE) {
    const refusal = classify(step, status, body);
    expect(refusal?.code, `${step} ${status} ${JSON.stringify(body)}`).toBe(code);
    if (code) expect(refusal?.retryable, `${step} ${status} ${JSON.stringify(body)} retried?`).toBe(retryable);
  }
});

test('Retry-After is read as seconds or as a date; the text\'s own wait when it has none', () => {
  expect(classifyReply('login', reply(429, {}, { 'retry-after': '120' }), [], NOW)?.retryAfterSeconds).toBe(120);
  expect(classifyReply('login', reply(429, {}, { 'retry-after': new Date(NOW + 90_000).toUTCString() }), [], NOW)?.retryAfterSeconds).toBe(90);
  expect(classify('login', 400, { message: 'Too many attempts. Try again in 5 minutes.' })?.retryAfterSeconds).toBe(300);
});

test('the portal\'s own rules come first, by step, status and body', () => {
  const rules: ApiErrorRule[] = [
    { step: 'verify', status: 400, match: 'E_2FA', code: 'CODE_REJECTED' },
    { status: 401, code: 'BAD_CREDENTIALS' },
  ];
  expect(classify('verify', 400, { error: 'e_2fa_mismatch' }, rules)).toMatchObject({ code: 'CODE_REJECTED', retryable: true });
  expect(classify('login', 400, { error: 'E_2FA' }, rules)).toBeUndefined(); // another step
  expect(classify('verify', 401, { error: 'INVALID_OTP' }, rules)?.code).toBe('BAD_CREDENTIALS'); // before the table
});

test('what a reply shows: its message fields; never a value that looks like a token', () => {
  expect(shownText(reply(401, { error: 'INVALID_OTP', message: 'Invalid verification code.', data: { user: 'alice' } }))).toBe('INVALID_OTP · Invalid verification code.');
  expect(shownText(reply(200, { data: { jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abc123' }, user: { id: 7 } }))).toBe('a JSON reply with data.jwt, user.id');
  expect(shownText(reply(401, { message: 'token 3f9a0c2b7d4e8f1a6b5c9d0e2f3a4b5c rejected' }))).toBe('token [value] rejected');
  expect(shownText(reply(502, '<!doctype html><h1>Bad gateway</h1>'))).toBe('an HTML page');
  expect(shownText(reply(400, 'x'.repeat(300)))).toHaveLength(201);
});
