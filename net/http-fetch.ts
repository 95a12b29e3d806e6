/**
 * One HTTP request from the account's egress, answered as a fetch
 * Response: node's fetch for a direct egress; through the proxy otherwise
 * (a plain http:// URL in the proxy's forward form, which lets the proxy
 * see and tag the request; https:// and SOCKS5 through a tunnel). Redirects
 * are never followed.
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Egress } from './egress.js';
import { connectToProxy, openTunnel, proxyAuthorization, ProxyError, type ProxyEgress } from './tunnel.js';

export interface HttpInit {
  method: string;
  headers: Headers | Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** Like fetch with `redirect: 'manual'`; fails as fetch does (a TypeError whose cause says why, or the signal's reason). */
export type HttpFetch = (url: URL, init: HttpInit) => Promise<Response>;

/** The fetch for this egress. */
export function fetchVia(egress: Egress): HttpFetch {
  if (egress.kind === 'direct') return (url, init) => fetch(url, { ...init, redirect: 'manual' });
  return (url, init) => viaProxy(egress, url, init);
}

async function viaProxy(proxy: ProxyEgress, url: URL, init: HttpInit): Promise<Response> {
  init.signal.throwIfAborted();
  const headers = Object.fromEntries(new Headers(init.headers));
  headers.host = url.host;
  headers.connection = 'close'; // one socket per request: nothing of this account's egress is pooled with another's
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  const forward = url.protocol === 'http:' && proxy.protocol !== 'socks5:';
  const auth = proxyAuthorization(proxy);
  const options: RequestOptions = forward
    ? { method: init.method, path: url.href, headers: auth ? { ...headers, 'proxy-authorization': auth } : headers }
    : { method: init.method, path: `${url.pathname}${url.search}`, headers };
  try {
    const socket = await untilAborted(forward ? connectToProxy(proxy) : tunnelTo(proxy, url), init.signal);
    const answer = await send(options, socket, init);
    if (forward && answer.statusCode === 407) throw new ProxyError('the proxy refused its user name or password (407)', 'PROXY_407');
    return await asResponse(answer);
  } catch (error) {
    if (init.signal.aborted) throw init.signal.reason;
    throw new TypeError('fetch failed', { cause: error });
  }
}

/** A tunnel to the URL's host, with TLS to the host itself for https://. */
async function tunnelTo(proxy: ProxyEgress, url: URL) {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const raw = await openTunnel(proxy, host, port);
  if (url.protocol !== 'https:') return raw;
  return new Promise<TLSSocket>((resolve, reject) => {
    const tls = tlsConnect({ socket: raw, servername: host }, () => resolve(tls));
    tls.once('error', reject);
  });
}

/** Sends the request over `socket` (already connected: to the proxy, or tunnelled to the host). */
function send(options: RequestOptions, socket: Socket, init: HttpInit): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // http.request over a socket made here: TLS, when there is any, was started on it already.
    const req = httpRequest({ ...options, createConnection: () => socket }, resolve);
    // The tunnel left the socket paused (nothing read past the proxy's answer); the client's listeners are on it now.
    req.once('socket', (s) => s.resume());
    const abort = () => req.destroy(init.signal.reason instanceof Error ? init.signal.reason : new Error('aborted'));
    init.signal.addEventListener('abort', abort, { once: true });
    req.once('close', () => init.signal.removeEventListener('abort', abort));
    req.once('error', reject);
    req.end(init.body);
  });
}

/** The node answer as a fetch Response: all Set-Cookie headers kept, the body decompressed as fetch would. */
async function asResponse(answer: IncomingMessage): Promise<Response> {
  const headers = new Headers();
  for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
    const name = answer.rawHeaders[i]!;
    if (!/^content-(?:encoding|length)$/i.test(name)) headers.append(name, answer.rawHeaders[i + 1]!);
  }
  const body = await readBody(answer).finally(() => answer.socket?.destroy());
  const status = answer.statusCode ?? 502;
  const empty = status === 204 || status === 205 || status === 304;
  return new Response(empty ? null : new Uint8Array(body), { status, statusText: answer.statusMessage ?? '', headers });
}

async function readBody(answer: IncomingMessage): Promise<Buffer> {
  const encoding = String(answer.headers['content-encoding'] ?? '').toLowerCase();
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined;
  const stream = decoder ? answer.pipe(decoder) : answer;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The socket, unless the signal fires first (a proxy that never answers must not outlast --timeout); a late one is closed. */
function untilAborted<T extends Socket>(opening: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    opening.then(
      (socket) => {
        signal.removeEventListener('abort', abort);
        if (signal.aborted) socket.destroy();
        else resolve(socket);
      },
      (error: unknown) => (signal.removeEventListener('abort', abort), reject(error)),
    );
  });
}
