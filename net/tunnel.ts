/**
 * A TCP connection to host:port through the account's proxy: HTTP CONNECT
 * (over TLS for an https:// proxy) or SOCKS5 (RFC 1928, with RFC 1929
 * user/password). Node's fetch takes no proxy without undici's ProxyAgent,
 * which is not installed as a package here; these few lines are all the API
 * flow and the probe need.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { proxyPort, type Egress } from './egress.js';

export type ProxyEgress = Extract<Egress, { kind: 'proxy' }>;

/** A failure of the proxy itself (refused CONNECT, wrong credentials), told apart from the portal's answers. */
export class ProxyError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = 'ProxyError';
  }
}

/** The socket to the proxy itself (TLS for an https:// proxy). */
export function connectToProxy(proxy: ProxyEgress): Promise<Socket> {
  const host = proxy.server.hostname.replace(/^\[|\]$/g, '');
  const port = proxyPort(proxy);
  return new Promise((resolve, reject) => {
    const socket = proxy.protocol === 'https:' ? tlsConnect({ host, port, servername: host }, () => resolve(socket)) : netConnect({ host, port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Basic credentials for Proxy-Authorization, when the proxy has a user name. */
export function proxyAuthorization(proxy: ProxyEgress): string | undefined {
  if (proxy.username === undefined) return undefined;
  return `Basic ${Buffer.from(`${proxy.username}:${proxy.password ?? ''}`).toString('base64')}`;
}

/** A raw connection to host:port through the proxy; the caller speaks (or starts TLS) over it. */
export async function openTunnel(proxy: ProxyEgress, host: string, port: number): Promise<Socket> {
  const socket = await connectToProxy(proxy);
  try {
    await (proxy.protocol === 'socks5:' ? socksConnect(socket, proxy, host, port) : httpConnect(socket, proxy, host, port));
    return socket;
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

async function httpConnect(socket: Socket, proxy: ProxyEgress, host: string, port: number): Promise<void> {
  const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const auth = proxyAuthorization(proxy);
  socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ''}\r\n`);
  const head = await readUntil(socket, (buffer) => buffer.indexOf('\r\n\r\n') >= 0);
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.toString('latin1'))?.[1];
  if (status !== '200') throw new ProxyError(`the proxy answered ${status ?? 'something that is not HTTP'} to CONNECT ${target}${status === '407' ? ' (its user name or password was refused)' : ''}`, `PROXY_${status ?? 'BAD_REPLY'}`);
}

async function socksConnect(socket: Socket, proxy: ProxyEgress, host: string, port: number): Promise<void> {
  const withAuth = proxy.username !== undefined;
  socket.write(Buffer.from(withAuth ? [5, 2, 0, 2] : [5, 1, 0]));
  const method = await readBytes(socket, 2);
  if (method[0] !== 5 || (method[1] !== 0 && method[1] !== 2)) throw new ProxyError('the SOCKS5 proxy accepts none of our authentication methods', 'PROXY_SOCKS_AUTH');
  if (method[1] === 2) {
    const user = Buffer.from(proxy.username ?? '');
    const pass = Buffer.from(proxy.password ?? '');
    socket.write(Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([pass.length]), pass]));
    const answer = await readBytes(socket, 2);
    if (answer[1] !== 0) throw new ProxyError('the SOCKS5 proxy refused its user name or password', 'PROXY_SOCKS_AUTH');
  }
  const name = Buffer.from(host.replace(/^\[|\]$/g, ''));
  socket.write(Buffer.concat([Buffer.from([5, 1, 0, 3, name.length]), name, Buffer.from([port >> 8, port & 255])]));
  const reply = await readBytes(socket, 5);
  if (reply[1] !== 0) throw new ProxyError(`the SOCKS5 proxy could not connect to ${host}:${port} (reply ${reply[1]})`, 'PROXY_SOCKS_CONNECT');
  // The bound address that follows: IPv4 (4), a name (its length byte, already read, plus 2), IPv6 (16); then the port.
  const rest = reply[3] === 1 ? 5 : reply[3] === 4 ? 17 : (reply[4] ?? 0) + 2;
  await readBytes(socket, rest);
}

/** Reads from the socket until `done` holds; the bytes past the proxy's answer are put back for the HTTP client. */
function readUntil(socket: Socket, done: (buffer: Buffer) => boolean, exact?: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!done(buffer)) return;
      cleanup();
      const end = exact ?? buffer.indexOf('\r\n\r\n') + 4;
      if (end < buffer.length) socket.unshift(buffer.subarray(end));
      resolve(buffer.subarray(0, end));
    };
    const onEnd = () => (cleanup(), reject(new ProxyError('the proxy closed the connection', 'PROXY_CLOSED')));
    const onError = (error: Error) => (cleanup(), reject(error));
    const cleanup = () => {
      socket.pause(); // nothing may flow away unread before the HTTP client takes the socket
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onError);
    socket.resume(); // paused by the previous read: a new 'data' listener alone does not restart it
  });
}

const readBytes = (socket: Socket, count: number) => readUntil(socket, (buffer) => buffer.length >= count, count);
