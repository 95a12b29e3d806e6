/**
 * session/capture.ts without a browser: a fake context emits responses as
 * Playwright's does. A response capture reads the first matching response,
 * and its value is a registered secret as soon as it arrived, before the
 * login ends (a failure's trace and logs are redacted with it); captures
 * that find nothing are named, with no value.
 */
import { expect, test } from '@playwright/test';
import { EventEmitter } from 'node:events';
import type { BrowserContext, Page, Response } from 'playwright';
import type { CaptureSpec } from '../../config/schema.js';
import { Redactor } from '../../core/redact.js';
import { startCapture, type AfterLogin } from '../../session/capture.js';

function fakeResponse(url: string, body: unknown, headers: Record<string, string> = {}): Response {
  return { url: () => url, json: async () => body, headerValue: async (name: string) => headers[name.toLowerCase()] ?? null } as unknown as Response;
}

function fakePage(url: string, session: Record<string, string> = {}): Page {
  const frame = { url: () => url, evaluate: async (_fn: unknown, key: string) => session[key] ?? null };
  return { url: () => url, frames: () => [frame] } as unknown as Page;
}

const settle = () => new Promise((done) => setImmediate(done));

test('each kind reads its value; the first matching response wins; a capture that finds nothing is named', async () => {
  const context = new EventEmitter();
  const specs: Record<string, CaptureSpec> = {
    API: { from: 'response', url: '/api/verify$', json: 'data.token' },
    HDR: { from: 'response', url: '/api/login$', header: 'X-Auth' },
    LS: { from: 'localStorage', key: 'tok' },
    SS: { from: 'sessionStorage', key: 'jwt' },
    CK: { from: 'cookie', name: 'XSRF' },
    NONE: { from: 'localStorage', key: 'absent', origin: 'https://other.example' },
  };
  const capture = startCapture(specs, context as unknown as BrowserContext, new Redactor());
  context.emit('response', fakeResponse('https://p.example/api/login', {}, { 'x-auth': 'header-value-1' }));
  context.emit('response', fakeResponse('https://p.example/api/verify?x=1', { data: { token: 'not-this-one' } })); // no match: $ anchors the path
  context.emit('response', fakeResponse('https://p.example/api/verify', { data: { token: 'first-token' } }));
  context.emit('response', fakeResponse('https://p.example/api/verify', { data: { token: 'second-token' } }));
  const after: AfterLogin = {
    page: fakePage('https://p.example/home', { jwt: 'session-jwt' }),
    cookies: [{ name: 'XSRF', value: 'xsrf-value', domain: 'p.example', path: '/', expires: -1, httpOnly: false, secure: true, sameSite: 'Lax' }],
    origins: [{ origin: 'https://p.example', localStorage: [{ name: 'tok', value: 'stored-token' }] }],
  };
  expect(await capture.finish(after)).toEqual({
    tokens: { API: 'first-token', HDR: 'header-value-1', LS: 'stored-token', SS: 'session-jwt', CK: 'xsrf-value' },
    missing: ['NONE'],
  });
});

test('a response token is a registered secret as soon as it arrived, before finish', async () => {
  const context = new EventEmitter();
  const redactor = new Redactor();
  startCapture({ API: { from: 'response', url: '/verify', json: 'token' } }, context as unknown as BrowserContext, redactor);
  context.emit('response', fakeResponse('https://p.example/verify', { token: 'abcdef0123456789' }));
  await settle();
  expect(redactor.redact('body {"t":"abcdef0123456789"}')).toBe('body {"t":"[REDACTED]"}');
});

test('a body that cannot be read is "nothing found", not a failure', async () => {
  const context = new EventEmitter();
  const capture = startCapture({ API: { from: 'response', url: '/verify', json: 'token' } }, context as unknown as BrowserContext, new Redactor());
  context.emit('response', { url: () => 'https://p.example/verify', json: async () => Promise.reject(new Error('No resource with given identifier found')) } as unknown as Response);
  expect(await capture.finish({ page: fakePage('https://p.example/'), cookies: [], origins: [] })).toEqual({ tokens: {}, missing: ['API'] });
});
