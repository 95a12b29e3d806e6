import { isIP } from 'node:net';
import { PortalLoginError } from '../core/errors.js';

/** Loopback names and addresses: only this machine can connect. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * Tokens travel in headers: on a reachable address without TLS anyone on the
 * path reads them. So a non-loopback host needs TLS, or an explicit
 * `--insecure-listen` (behind a TLS-terminating proxy on the same host).
 */
export function assertListenAllowed(host: string, tls: boolean, insecureListen: boolean): void {
  if (tls || insecureListen || isLoopback(host)) return;
  throw new PortalLoginError('USAGE', `Refusing to listen on ${host} without TLS: tokens would cross the network in clear text.`, {
    hint: 'Give --tls-cert F --tls-key F, listen on 127.0.0.1 behind a TLS proxy, or pass --insecure-listen if the network is trusted.',
  });
}

/** `http://127.0.0.1:8200`, with IPv6 hosts in brackets. */
export function serviceUrl(host: string, port: number, tls: boolean): string {
  return `${tls ? 'https' : 'http'}://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
