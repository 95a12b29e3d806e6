/**
 * success.probeAuth: the probe sends captured tokens as headers
 * (`Authorization: Bearer <token>` by default), names a token the session
 * lacks without ever printing a value, and the config refuses a token
 * name the portal does not save.
 */
import { expect, test } from '@playwright/test';
import { validateConfig } from '../../config/load.js';
import { portalSchema, type PortalConfig } from '../../config/schema.js';
import type { PortalLoginError } from '../../core/errors.js';
import type { Session } from '../../session/model.js';
import { judge, type Probe, type ProbeRequest } from '../../session/validity.js';

const NOW = new Date('2026-01-05T09:00:00Z');

function session(tokens: Record<string, string>): Session {
  return {
    cookies: [{ name: 'sid', value: 'v-sid', domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }],
    origins: [],
    tokens,
    info: { account: 'main', portal: 'broker', savedAt: '2026-01-05T08:00:00.000Z', obtainedBy: 'login', expiresAt: null, sessionCookies: ['sid'] },
  };
}

function portal(probeAuth: unknown): PortalConfig {
  return portalSchema.parse({
    loginUrl: 'http://127.0.0.1:9/login',
    success: { url: '/dashboard', probeUrl: 'http://127.0.0.1:9/api/me', probeAuth },
    capture: { API: { from: 'localStorage', key: 'jwt' }, XAUTH: { from: 'cookie', name: 'x' } },
  });
}

function fakeProbe(status: number): Probe & { sent: ProbeRequest[] } {
  const sent: ProbeRequest[] = [];
  return Object.assign(async (request: ProbeRequest) => (sent.push(request), { status, body: async () => '', setCookies: [] }), { sent });
}

test('one entry with the defaults: Authorization: Bearer <token>, next to the cookies', async () => {
  const probe = fakeProbe(200);
  expect((await judge(session({ API: 'tok-123' }), portal({ token: 'API' }), NOW, { probe })).valid).toBe('yes');
  expect(probe.sent[0]!.headers).toEqual({ cookie: 'sid=v-sid', authorization: 'Bearer tok-123' });
});

test('a list, with its own header and prefix each', async () => {
  const probe = fakeProbe(200);
  await judge(session({ API: 'a1', XAUTH: 'x2' }), portal([{ token: 'API', header: 'X-Api-Token', prefix: '' }, { token: 'XAUTH', header: 'Authorization', prefix: 'Token ' }]), NOW, { probe });
  expect(probe.sent[0]!.headers).toEqual({ cookie: 'sid=v-sid', 'x-api-token': 'a1', authorization: 'Token x2' });
});

test('a token the session lacks (or one a header cannot carry) is left out and named in the reason, never its value', async () => {
  const missing = fakeProbe(401);
  const verdict = await judge(session({}), portal({ token: 'API' }), NOW, { probe: missing });
  expect(missing.sent[0]!.headers).toEqual({ cookie: 'sid=v-sid' });
  expect(verdict).toMatchObject({ valid: 'no', reason: 'probe http://127.0.0.1:9/api/me answered 401 (sent without token API: not in the saved session)' });

  const broken = fakeProbe(401);
  const withBreak = await judge(session({ API: 'line\r\nX-Evil: 1' }), portal({ token: 'API' }), NOW, { probe: broken });
  expect(broken.sent[0]!.headers).toEqual({ cookie: 'sid=v-sid' });
  expect(withBreak.reason).not.toContain('Evil');
});

test('config: probeAuth must name a token the portal saves, and may not set Cookie', () => {
  const problem = (portals: unknown) => {
    try {
      validateConfig({ portals, accounts: {} }, 'c.yaml');
      return 'accepted';
    } catch (error) {
      return (error as PortalLoginError).message;
    }
  };
  const browser = (probeAuth: unknown) => ({ broker: { loginUrl: 'https://x.test/login', success: { url: '/home', probeUrl: 'https://x.test/me', probeAuth }, capture: { API: { from: 'localStorage', key: 'jwt' } } } });
  expect(problem(browser({ token: 'API' }))).toBe('accepted');
  expect(problem(browser({ token: 'APII' }))).toContain('portals.broker.success.probeAuth: token "APII" is not a token this portal saves; capture names API');
  expect(problem(browser([{ token: 'API' }, { token: 'NOPE' }]))).toContain('portals.broker.success.probeAuth: token "NOPE" is not a token');
  expect(problem(browser({ token: 'API', header: 'Cookie' }))).toContain("cannot be Cookie");
  const api = (probeAuth: unknown, tokens?: Record<string, string>) => ({
    broker: { flow: 'api', login: { url: 'https://x.test/login' }, verify: { url: 'https://x.test/verify', ...(tokens ? { tokens } : {}) }, success: { probeUrl: 'https://x.test/me', probeAuth } },
  });
  expect(problem(api({ token: 'authToken' }))).toBe('accepted'); // verify.tokens' default
  expect(problem(api({ token: 'authToken' }, { access: 'data.access' }))).toContain('portals.broker.success.probeAuth: token "authToken" is not a token this portal saves; verify.tokens names access');
});
