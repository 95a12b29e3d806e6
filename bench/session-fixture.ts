/**
 * Saved sessions for the no-browser benches (`status`, `refresh`, `export`,
 * from the file store or Redis): N accounts on a tiny local portal whose
 * probe answers 200 to the session cookie, so what is timed is the CLI's
 * start-up, the store and the probes, not a portal.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Session } from '../session/model.js';

/** bench01..benchNN */
export function benchAccountNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `bench${String(i + 1).padStart(2, '0')}`);
}

/** A session the probe endpoint accepts, valid for a day. */
export function sessionOf(account: string): Session {
  const expires = Math.floor(Date.now() / 1000) + 86_400;
  return {
    cookies: [{ name: 'sid', value: randomBytes(16).toString('hex'), domain: '127.0.0.1', path: '/', expires, httpOnly: true, secure: false, sameSite: 'Lax' }],
    origins: [],
    tokens: {},
    info: { account, portal: 'local', savedAt: new Date().toISOString(), obtainedBy: 'login', expiresAt: new Date(expires * 1000).toISOString(), sessionCookies: ['sid'] },
  };
}

export function listen(server: Server): Promise<Server> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The probe: 200 with a `sid` cookie, else 401. Resolves to its base URL and a close(). */
export async function startProbe(): Promise<{ url: string; close: () => void }> {
  const server = await listen(createServer((req, res) => res.writeHead(/(^|; )sid=/.test(req.headers.cookie ?? '') ? 200 : 401).end()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => void server.close() };
}

/** A config with `names` on the local portal; no secret is needed, since no account logs in. */
export function sessionsConfig(probeUrl: string, names: readonly string[]) {
  return {
    portals: { local: { loginUrl: `${probeUrl}/login`, success: { probeUrl: `${probeUrl}/api/me` } } },
    accounts: Object.fromEntries(names.map((n) => [n, { portal: 'local', username: n, passwordEnv: 'UNUSED_PASSWORD', totpSecretEnv: 'UNUSED_TOTP_SECRET' }])),
  };
}
