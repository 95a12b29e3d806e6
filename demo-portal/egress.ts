/**
 * IP-bound demo users, like a broker account that accepts logins only from
 * the static IP registered for it. The demo runs on loopback, and its
 * "static IP" is another loopback address: the test proxy
 * (tests/support/http-proxy.ts) connects to the portal from it, so even a
 * CONNECT tunnel (Playwright's own request API tunnels plain http:// too)
 * arrives from there, and it also says so in X-Forwarded-For on the
 * requests it forwards. The address a request came from is the first
 * X-Forwarded-For entry, else the socket's.
 */
import type { IncomingMessage } from 'node:http';

/** `static01`..`static04`: the same password as every demo user, accepted only from REGISTERED_IP. */
export const IP_BOUND_USERNAMES: readonly string[] = Object.freeze(['static01', 'static02', 'static03', 'static04']);

/** The address registered for the IP-bound users: a loopback address other than 127.0.0.1, which direct requests come from. */
export const REGISTERED_IP = '127.0.0.7';

/** What the login page says to a request from another address; the API's own body is in api-replies.ts. */
export const IP_REFUSED_MESSAGE = 'Access denied: requests from this IP address are not allowed for this account.';

/** The address the request came from, as the portal judges it. */
export function clientAddress(req: IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || (req.socket.remoteAddress ?? '');
}

/** Whether `username` may log in (or use its session) from this request's address: always, unless it is IP-bound. */
export function addressAllowed(username: string, req: IncomingMessage): boolean {
  return !IP_BOUND_USERNAMES.includes(username) || clientAddress(req) === REGISTERED_IP;
}
