/**
 * One API request on the wire: each value where its placement says
 * (header with prefix, JSON dot path, form field, query), the static
 * headers, the cookie jar between requests, no redirect followed, and a
 * value a header cannot carry refused before anything is sent.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CookieJar } from 'tough-cookie';
import { expect, test } from '@playwright/test';
import { loginRequestSchema, verifyRequestSchema } from '../../config/api-flow-schema.js';
import { systemClock } from '../../core/clock.js';
import { PortalLoginError } from '../../core/errors.js';
import { Redactor } from '../../core/redact.js';
import { sendRequest } from '../../flows/http-api/request.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A server that records each request and answers with what `answer` says. */
async function echoServer(answer: (seen: Seen) => { status: number; headers?: Record<string, string>; body?: string }) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(request);
      const { status, headers = {}, body = '{}' } = answer(request);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}

const context = (jar = new CookieJar(), redactor = new Redactor()) => ({ jar, timeoutMs: 5000, clock: systemClock, redactor, specRef: 'test.yaml: portals.api.login' });

test('JSON body by dot path, a query value, a header with its prefix, the static headers', async () => {
  const server = await echoServer(() => ({ status: 200, body: '{"ok":true}' }));
  try {
    const spec = loginRequestSchema.parse({ url: `${server.url}/auth?lang=en`, appKey: { query: 'api_key' }, username: { json: 'auth.user' }, password: { json: 'auth.secret' }, headers: { 'X-Client': 'portal-login' } });
    const reply = await sendRequest(spec, { appKey: 'k-1', username: 'alice', password: 'p w"1' }, context());
    expect(reply).toMatchObject({ status: 200, json: { ok: true } });
    const [request] = server.seen;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/auth?lang=en&api_key=k-1');
    expect(JSON.parse(request!.body)).toEqual({ auth: { user: 'alice', secret: 'p w"1' } });
    expect(request!.headers).toMatchObject({ 'content-type': 'application/json', 'x-client': 'portal-login', accept: 'application/json' });
  } finally {
    await server.close();
  }
});

test('a form body, the interim token under its header prefix, and the cookie the first reply set', async () => {
  const server = await echoServer((r) => (r.url === '/login' ? { status: 200, headers: { 'set-cookie': 'pending=abc123; Path=/; HttpOnly' } } : { status: 200 }));
  try {
    const jar = new CookieJar();
    const redactor = new Redactor();
    await sendRequest(loginRequestSchema.parse({ url: `${server.url}/login` }), { username: 'alice', password: 'pw' }, context(jar, redactor));
    expect(redactor.leaks('pending=abc123'), 'the cookie value is a secret as soon as it is set').toBe(true);
    const verify = verifyRequestSchema.parse({ url: `${server.url}/verify`, code: { form: 'otp' }, interimToken: { header: 'X-Session', prefix: 'Token ' }, username: { form: 'user' } });
    await sendRequest(verify, { interimToken: 'interim-1', code: '123456', username: 'alice' }, context(jar));
    const second = server.seen[1]!;
    expect(second.headers).toMatchObject({ 'x-session': 'Token interim-1', cookie: 'pending=abc123', 'content-type': 'application/x-www-form-urlencoded' });
    expect(Object.fromEntries(new URLSearchParams(second.body))).toEqual({ otp: '123456', user: 'alice' });
    // No app key in the run: none is sent, not even an empty header.
    expect(second.headers['et-app-key']).toBeUndefined();
  } finally {
    await server.close();
  }
});

test('a redirect is not followed (it would carry the password headers along)', async () => {
  const server = await echoServer((r) => (r.url === '/login' ? { status: 302, headers: { location: '/elsewhere' } } : { status: 200 }));
  try {
    const reply = await sendRequest(loginRequestSchema.parse({ url: `${server.url}/login` }), { username: 'alice', password: 'pw' }, context());
    expect(reply.status).toBe(302);
    expect(server.seen.map((r) => r.url)).toEqual(['/login']);
  } finally {
    await server.close();
  }
});

test('a password a header cannot carry: SECRET_INVALID before anything is sent, naming the header, not the value', async () => {
  const server = await echoServer(() => ({ status: 200 }));
  try {
    const thrown = await sendRequest(loginRequestSchema.parse({ url: `${server.url}/login` }), { username: 'alice', password: 'line\nbreak-sëcret-ü€' }, context()).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(PortalLoginError);
    expect((thrown as PortalLoginError).code).toBe('SECRET_INVALID');
    expect((thrown as PortalLoginError).message).toBe('The password cannot be sent in the Password header: it holds a line break or characters outside Latin-1.');
    expect((thrown as PortalLoginError).hint).toContain('test.yaml: portals.api.login.password: { json: "…" }');
    expect(server.seen).toEqual([]);
  } finally {
    await server.close();
  }
});

test('nothing listening: PORTAL_ERROR naming the address and the reason', async () => {
  const server = await echoServer(() => ({ status: 200 }));
  await server.close();
  const thrown = (await sendRequest(loginRequestSchema.parse({ url: `${server.url}/login?k=v` }), { username: 'a', password: 'b' }, context()).catch((e: unknown) => e)) as PortalLoginError;
  expect(thrown.code).toBe('PORTAL_ERROR');
  expect(thrown.message).toBe(`Could not reach POST ${server.url}/login: ECONNREFUSED.`);
});
