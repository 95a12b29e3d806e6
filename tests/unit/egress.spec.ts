/**
 * The egress of an account (net/): which proxy values are accepted and how
 * a refused one is reported, how the egress is named, and requests through
 * a real proxy: forward form and CONNECT (tests/support/http-proxy.ts), and
 * SOCKS5 through a minimal server here.
 */
import { createServer as createNetServer, connect, type AddressInfo, type Socket } from 'node:net';
import { expect, test } from '@playwright/test';
import { PortalLoginError } from '../../core/errors.js';
import { startDemoPortal, type DemoPortal } from '../../demo-portal/index.js';
import { describeEgress, DIRECT, playwrightProxy, proxyEgress, type Egress } from '../../net/egress.js';
import { fetchVia } from '../../net/http-fetch.js';
import { openTunnel, ProxyError } from '../../net/tunnel.js';
import { startTestProxy } from '../support/http-proxy.js';

const SOURCE = { serverVariable: 'MAIN_PROXY', where: 'cfg.yaml: accounts.main.proxy' };
const proxyOf = (server: string, credentials = {}) => proxyEgress(server, credentials, SOURCE) as Extract<Egress, { kind: 'proxy' }>;

test('proxy values: http, https and socks5 host:port are accepted and named with their port, never their credentials', () => {
  expect(describeEgress(proxyOf('http://10.0.0.5:3128', { username: 'u', password: 'p' }))).toBe('via proxy http://10.0.0.5:3128');
  expect(describeEgress(proxyOf(' https://proxy.example.com/ '))).toBe('via proxy https://proxy.example.com:443');
  expect(describeEgress(proxyOf('socks5://[::1]:1080'))).toBe('via proxy socks5://[::1]:1080');
  expect(describeEgress(DIRECT)).toBe('direct (no proxy configured for this account)');
  expect(playwrightProxy(proxyOf('http://10.0.0.5:3128', { username: 'u', password: 'p' }))).toEqual({ server: 'http://10.0.0.5:3128', username: 'u', password: 'p' });
  expect(playwrightProxy(DIRECT)).toBeUndefined();
});

test('a proxy value that is not scheme://host:port is SECRET_INVALID naming the variable, never the value', () => {
  const rows: Array<[value: string, says: string]> = [
    ['hunter2', 'is not a URL'],
    ['ftp://files.example.com', 'is not an http://, https:// or socks5:// URL'],
    ['http://alice:s3cret@10.0.0.5:3128', 'holds a user name or password'],
    ['http://10.0.0.5:3128/path?token=abc', 'has a path, query or fragment'],
  ];
  for (const [value, says] of rows) {
    const error = (() => {
      try {
        proxyOf(value);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })() as PortalLoginError;
    expect(error, value).toBeInstanceOf(PortalLoginError);
    expect(error.code).toBe('SECRET_INVALID');
    expect(error.message).toBe(`The proxy server in MAIN_PROXY (cfg.yaml: accounts.main.proxy.serverEnv) ${says}; its value is not shown.`);
    for (const part of [value, 's3cret', 'token=abc']) expect(`${error.message} ${error.hint}`).not.toContain(part);
  }
});

test.describe('requests through a proxy', () => {
  let portal: DemoPortal;
  test.beforeEach(async () => {
    portal = await startDemoPortal();
  });
  test.afterEach(async () => portal.close());

  test('plain http goes in the forward form (the proxy sees it), with Basic credentials; a refused password is a ProxyError', async () => {
    const proxy = await startTestProxy({ egressIp: '127.0.0.9', credentials: { username: 'u', password: 'pw' } });
    try {
      const send = fetchVia(proxyOf(proxy.url, { username: 'u', password: 'pw' }));
      const answer = await send(new URL(`${portal.url}/api/me`), { method: 'GET', headers: {}, signal: AbortSignal.timeout(5000) });
      expect(answer.status).toBe(401);
      expect(await answer.json()).toEqual({ error: 'Not signed in.' });
      expect(proxy.requests).toEqual(['GET /api/me']);

      const wrong = await fetchVia(proxyOf(proxy.url, { username: 'u', password: 'nope' }))(new URL(`${portal.url}/api/me`), { method: 'GET', headers: {}, signal: AbortSignal.timeout(5000) }).catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(TypeError);
      expect((wrong as TypeError).cause).toBeInstanceOf(ProxyError);
      expect(proxy.refused).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  test('CONNECT opens a tunnel the proxy only relays', async () => {
    const proxy = await startTestProxy({ egressIp: '127.0.0.9' });
    try {
      const port = Number(new URL(portal.url).port);
      const socket = await openTunnel(proxyOf(proxy.url), '127.0.0.1', port);
      expect(await rawGet(socket, '/api/me')).toMatch(/^HTTP\/1\.1 401/);
      expect(proxy.tunnels).toEqual([`127.0.0.1:${port}`]);
      expect(proxy.requests).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  test('SOCKS5 with a user name and password carries fetchVia to the portal', async () => {
    const socks = await startSocks5({ username: 'u', password: 'pw' });
    try {
      const answer = await fetchVia(proxyOf(socks.url, { username: 'u', password: 'pw' }))(new URL(`${portal.url}/api/me`), { method: 'GET', headers: {}, signal: AbortSignal.timeout(5000) });
      expect(answer.status).toBe(401);
      expect(socks.connects).toEqual([`127.0.0.1:${new URL(portal.url).port}`]);
      const refused = await fetchVia(proxyOf(socks.url, { username: 'u', password: 'bad' }))(new URL(`${portal.url}/api/me`), { method: 'GET', headers: {}, signal: AbortSignal.timeout(5000) }).catch((e: unknown) => e);
      expect(((refused as TypeError).cause as ProxyError).message).toBe('the SOCKS5 proxy refused its user name or password');
    } finally {
      await socks.close();
    }
  });
});

function rawGet(socket: Socket, path: string): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.resume();
    socket.write(`GET ${path} HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n`);
  });
}

/** Just enough of RFC 1928/1929 to test the client: user/password auth, CONNECT by domain name. */
async function startSocks5(credentials: { username: string; password: string }) {
  const connects: string[] = [];
  const server = createNetServer((client) => {
    let step = 0;
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (step === 0 && buffer.length >= 2 + buffer[1]!) {
        buffer = buffer.subarray(2 + buffer[1]!);
        step = 1;
        client.write(Buffer.from([5, 2]));
      }
      if (step === 1 && buffer.length >= 2 && buffer.length >= 3 + buffer[1]! && buffer.length >= 3 + buffer[1]! + buffer[2 + buffer[1]!]!) {
        const user = buffer.subarray(2, 2 + buffer[1]!).toString();
        const passLength = buffer[2 + buffer[1]!]!;
        const pass = buffer.subarray(3 + buffer[1]!, 3 + buffer[1]! + passLength).toString();
        buffer = buffer.subarray(3 + buffer[1]! + passLength);
        const ok = user === credentials.username && pass === credentials.password;
        client.write(Buffer.from([1, ok ? 0 : 1]));
        if (!ok) return void client.end();
        step = 2;
      }
      if (step === 2 && buffer.length >= 7 && buffer.length >= 7 + buffer[4]!) {
        const host = buffer.subarray(5, 5 + buffer[4]!).toString();
        const port = buffer.readUInt16BE(5 + buffer[4]!);
        const rest = buffer.subarray(7 + buffer[4]!);
        step = 3;
        client.off('data', onData);
        connects.push(`${host}:${port}`);
        const upstream = connect(port, host, () => {
          client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
          if (rest.length > 0) upstream.write(rest);
          client.pipe(upstream).pipe(client);
        });
        upstream.on('error', () => client.destroy());
      }
    };
    client.on('data', onData);
    client.on('error', () => undefined);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `socks5://127.0.0.1:${(server.address() as AddressInfo).port}`, connects, close: () => new Promise<void>((done) => (server.close(() => done()), server.unref())) };
}
