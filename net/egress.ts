/**
 * Where an account's requests leave from: directly, or through the proxy
 * its config names (`accounts.NAME.proxy`), for brokers that accept logins
 * only from the static IP registered for the account. The browser context,
 * the API flow's requests and the session probe all use the same egress, so
 * a session bound to that IP is also checked from it.
 */
import { PortalLoginError } from '../core/errors.js';

export type ProxyProtocol = 'http:' | 'https:' | 'socks5:';

export type Egress =
  | { kind: 'direct' }
  | {
      kind: 'proxy';
      /** scheme://host:port only: never a user name, password, path or query. */
      server: URL;
      protocol: ProxyProtocol;
      username?: string;
      password?: string;
    };

export const DIRECT: Egress = { kind: 'direct' };

const PROTOCOLS: readonly string[] = ['http:', 'https:', 'socks5:'] satisfies ProxyProtocol[];
const DEFAULT_PORTS: Readonly<Record<ProxyProtocol, string>> = { 'http:': '80', 'https:': '443', 'socks5:': '1080' };

/** Where the proxy's values came from, for messages: the variable names and the config key. */
export interface ProxySource {
  serverVariable: string;
  /** e.g. "portal-login.yaml: accounts.main.proxy". */
  where: string;
}

/**
 * The proxy egress from the values of its variables. The server must be
 * an http://, https:// or socks5:// URL of a host and port; anything else
 * is SECRET_INVALID naming the variable, never showing the value (it may be
 * a password pasted into the wrong variable).
 */
export function proxyEgress(server: string, credentials: { username?: string; password?: string }, source: ProxySource): Egress {
  const refuse = (problem: string, hint: string) =>
    new PortalLoginError('SECRET_INVALID', `The proxy server in ${source.serverVariable} (${source.where}.serverEnv) ${problem}; its value is not shown.`, { hint });
  const shape = 'Set it to the proxy as scheme://host:port, e.g. http://10.0.0.5:3128, https://proxy.example.com:8443 or socks5://10.0.0.5:1080.';
  let url: URL;
  try {
    url = new URL(server.trim());
  } catch {
    throw refuse('is not a URL', shape);
  }
  if (!PROTOCOLS.includes(url.protocol)) throw refuse('is not an http://, https:// or socks5:// URL', shape);
  if (url.hostname === '') throw refuse('names no host', shape);
  // In the URL they would be shown wherever the egress is named; their own variables keep them secret.
  if (url.username !== '' || url.password !== '') throw refuse('holds a user name or password', `Put them in the variables named by ${source.where}.usernameEnv and .passwordEnv, and set ${source.serverVariable} to scheme://host:port only.`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') throw refuse('has a path, query or fragment', shape);
  const protocol = url.protocol as ProxyProtocol;
  return {
    kind: 'proxy',
    server: new URL(`${protocol}//${url.host}`),
    protocol,
    ...(credentials.username === undefined ? {} : { username: credentials.username }),
    ...(credentials.password === undefined ? {} : { password: credentials.password }),
  };
}

/** "via proxy http://10.0.0.5:3128" (never its credentials), or "direct (no proxy configured for this account)". */
export function describeEgress(egress: Egress): string {
  return egress.kind === 'direct' ? 'direct (no proxy configured for this account)' : `via proxy ${proxyAddress(egress)}`;
}

/** scheme://host:port with the scheme's default port written out, so the message says exactly where the requests went. */
function proxyAddress(egress: Extract<Egress, { kind: 'proxy' }>): string {
  return `${egress.protocol}//${egress.server.hostname}:${proxyPort(egress)}`; // an IPv6 hostname keeps its brackets
}

/** The proxy's port, its scheme's default when the URL names none. */
export function proxyPort(egress: Extract<Egress, { kind: 'proxy' }>): number {
  return Number(egress.server.port || DEFAULT_PORTS[egress.protocol]);
}

/** What Playwright's `browser.newContext({ proxy })` takes; undefined for a direct egress. */
export function playwrightProxy(egress: Egress): { server: string; username?: string; password?: string } | undefined {
  if (egress.kind === 'direct') return undefined;
  return {
    server: proxyAddress(egress),
    ...(egress.username === undefined ? {} : { username: egress.username }),
    ...(egress.password === undefined ? {} : { password: egress.password }),
  };
}

export const IP_NOT_ALLOWED_HINT =
  'Not retried: the same address gets the same answer. Register this egress\'s public IP with the portal, or give the account the proxy of its registered static IP (accounts.NAME.proxy: { serverEnv: … }); check the proxy with: curl -x "$PROXY" https://api.ipify.org';

/**
 * An IP_NOT_ALLOWED from a flow, its message completed with the egress
 * the login used: the flows know what the portal said, the account knows
 * where its requests left from.
 */
export function namingEgress(error: PortalLoginError, egress: Egress, accountRef: string): PortalLoginError {
  if (error.code !== 'IP_NOT_ALLOWED') return error;
  const where = egress.kind === 'direct' ? `${accountRef} has no proxy:` : `${accountRef}.proxy:`;
  const said = /[.!?"]$/.test(error.message) ? error.message : `${error.message}.`;
  const named = new PortalLoginError('IP_NOT_ALLOWED', `${said} The portal refused the address this login came from: it went ${describeEgress(egress)}.`, {
    hint: `${IP_NOT_ALLOWED_HINT} (${where} ${describeEgress(egress)}).`,
    cause: error,
  });
  named.artifacts = error.artifacts;
  return named;
}
