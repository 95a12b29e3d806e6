/**
 * A real forward proxy on loopback for egress tests: plain http:// requests
 * in the proxy's absolute form (Chromium's and portal-login's for http
 * URLs) are forwarded with `X-Forwarded-For: <egressIp>` added, and every
 * upstream connection (CONNECT tunnels too) is made from egressIp, a
 * loopback address, so the demo portal can tell proxied from direct. It
 * counts what it carried and can require Basic credentials (407 without).
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TestProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  /** "GET /classic/login", one per forwarded request, in order. */
  requests: string[];
  /** host:port of every CONNECT tunnel. */
  tunnels: string[];
  /** Requests refused for want of the right credentials. */
  refused: number;
  close(): Promise<void>;
}

export interface TestProxyOptions {
  /** The address the proxy connects from and names in X-Forwarded-For (the account's "static IP"): a 127.x.y.z address. */
  egressIp: string;
  /** Required Proxy-Authorization credentials; none asked when absent. */
  credentials?: { username: string; password: string };
}

export async function startTestProxy(options: TestProxyOptions): Promise<TestProxy> {
  const requests: string[] = [];
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const state = { refused: 0 };
  const expected = options.credentials ? `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}` : undefined;
  const authorized = (req: IncomingMessage) => expected === undefined || req.headers['proxy-authorization'] === expected;

  const server = createServer((req, res) => {
    if (!authorized(req)) {
      state.refused += 1;
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test-proxy"', Connection: 'close' }).end();
      return;
    }
    const target = new URL(req.url ?? '/');
    requests.push(`${req.method} ${target.pathname}`);
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, 'x-forwarded-for': options.egressIp, via: '1.1 portal-login-test-proxy' };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = request(target, { method: req.method, headers, localAddress: options.egressIp }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    if (!authorized(req)) {
      state.refused += 1;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test-proxy"\r\n\r\n');
      return;
    }
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = connect({ port: Number(port), host, localAddress: options.egressIp }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    tunnels,
    get refused() {
      return state.refused;
    },
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
