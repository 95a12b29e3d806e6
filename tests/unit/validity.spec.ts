/**
 * Validity without a browser: the daily cutoff as instants (a table over a
 * zone without DST and one with it, across both changes), judge()'s order
 * (no session, expiry, cutoff, probe) with the probe injected, the real
 * fetch probe against a local server (redirects not followed), and the
 * rotation merge.
 */
import { expect, test } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateConfig } from '../../config/load.js';
import { portalSchema, type DailyCutoff, type PortalConfig } from '../../config/schema.js';
import { PortalLoginError } from '../../core/errors.js';
import { lastCutoff, nextCutoff } from '../../session/daily-cutoff.js';
import type { Session, SessionCookie } from '../../session/model.js';
import { httpProbe, judge, type Probe, type ProbeRequest } from '../../session/validity.js';
import { mergeRotation } from '../../session/write-back.js';

const cutoff = (hour: number, minute: number, timeZone: string): DailyCutoff => ({ text: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')} ${timeZone}`, hour, minute, timeZone });
const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

// [cutoff, now, last cutoff at or before now, next cutoff after now]
const CUTOFFS: Array<[DailyCutoff, string, string, string]> = [
  // Asia/Kolkata: UTC+05:30 all year, 06:00 IST is 00:30Z.
  [cutoff(6, 0, 'Asia/Kolkata'), '2026-01-05T00:29:59.999Z', '2026-01-04T00:30:00.000Z', '2026-01-05T00:30:00.000Z'],
  [cutoff(6, 0, 'Asia/Kolkata'), '2026-01-05T00:30:00.000Z', '2026-01-05T00:30:00.000Z', '2026-01-06T00:30:00.000Z'],
  // 23:45 IST is 18:15Z the same day: the zone's calendar day, not UTC's, picks the day.
  [cutoff(23, 45, 'Asia/Kolkata'), '2026-01-05T20:00:00.000Z', '2026-01-05T18:15:00.000Z', '2026-01-06T18:15:00.000Z'],
  // America/New_York in winter (EST, UTC−5) and summer (EDT, UTC−4).
  [cutoff(6, 0, 'America/New_York'), '2026-01-05T12:00:00.000Z', '2026-01-05T11:00:00.000Z', '2026-01-06T11:00:00.000Z'],
  [cutoff(6, 0, 'America/New_York'), '2026-07-01T09:59:00.000Z', '2026-06-30T10:00:00.000Z', '2026-07-01T10:00:00.000Z'],
  // Clocks go forward on 2026-03-08 at 02:00 EST: the cutoff before is EST, the one after EDT.
  [cutoff(6, 0, 'America/New_York'), '2026-03-08T09:59:00.000Z', '2026-03-07T11:00:00.000Z', '2026-03-08T10:00:00.000Z'],
  // 02:30 does not exist that day: it is read as 03:30 EDT (07:30Z), as Temporal's "compatible" does.
  [cutoff(2, 30, 'America/New_York'), '2026-03-08T12:00:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z'],
  // Clocks go back on 2026-11-01 at 02:00 EDT: 01:30 happens twice, the earlier (EDT, 05:30Z) counts.
  [cutoff(1, 30, 'America/New_York'), '2026-11-01T12:00:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'],
  [cutoff(1, 30, 'America/New_York'), '2026-11-01T06:00:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'],
];

for (const [c, now, last, next] of CUTOFFS) {
  test(`daily cutoff ${c.text} at ${now}: last ${last}, next ${next}`, () => {
    expect(iso(lastCutoff(c, at(now)))).toBe(last);
    expect(iso(nextCutoff(c, at(now)))).toBe(next);
  });
}

const NOW = new Date('2026-01-05T09:00:00Z');
const IN_A_DAY = NOW.getTime() / 1000 + 86_400;

function cookie(name: string, fields: Partial<SessionCookie> = {}): SessionCookie {
  return { name, value: `v-${name}`, domain: '127.0.0.1', path: '/', expires: IN_A_DAY, httpOnly: true, secure: false, sameSite: 'Lax', ...fields };
}

function session(fields: { cookies?: SessionCookie[]; savedAt?: string; expiresAt?: string | null } = {}): Session {
  const cookies = fields.cookies ?? [cookie('sid'), cookie('theme', { expires: -1 })];
  return {
    cookies,
    origins: [],
    tokens: {},
    info: { account: 'main', portal: 'broker', savedAt: fields.savedAt ?? '2026-01-05T08:00:00.000Z', obtainedBy: 'login', expiresAt: fields.expiresAt === undefined ? new Date(IN_A_DAY * 1000).toISOString() : fields.expiresAt, sessionCookies: ['sid'] },
  };
}

/** A portal with the probe http://127.0.0.1:9/api/me unless `success` says otherwise. */
function portal(success: Record<string, unknown> = {}, sessionConfig: Record<string, unknown> = {}): PortalConfig {
  return portalSchema.parse({ loginUrl: 'http://127.0.0.1:9/login', success: { url: '/dashboard', probeUrl: 'http://127.0.0.1:9/api/me', ...success }, session: sessionConfig });
}

/** A probe that answers `status` (and `body`, Set-Cookie) and remembers what it was sent. */
function fakeProbe(status: number, body = '', setCookies: string[] = []): Probe & { sent: ProbeRequest[] } {
  const sent: ProbeRequest[] = [];
  return Object.assign(async (request: ProbeRequest) => (sent.push(request), { status, body: async () => body, setCookies }), { sent });
}

test('no session: no, without asking the portal', async () => {
  const probe = fakeProbe(200);
  expect(await judge(undefined, portal(), NOW, { probe })).toEqual({ valid: 'no', reason: 'no saved session', expiresAt: null, nextCutoffAt: null });
  expect(probe.sent).toHaveLength(0);
});

test('the session\'s own expiry passed: no, before the probe', async () => {
  const probe = fakeProbe(200);
  const verdict = await judge(session({ expiresAt: '2026-01-05T08:59:59.000Z' }), portal(), NOW, { probe });
  expect(verdict).toMatchObject({ valid: 'no', reason: 'the session expired at 2026-01-05T08:59:59.000Z' });
  expect(probe.sent).toHaveLength(0);
});

test('its session cookies expired (the date in info aside): no', async () => {
  const verdict = await judge(session({ cookies: [cookie('sid', { expires: NOW.getTime() / 1000 - 1 })], expiresAt: null }), portal(), NOW, { probe: fakeProbe(200) });
  expect(verdict).toMatchObject({ valid: 'no', reason: 'its session cookie sid is missing or expired' });
});

test('saved just before the last daily cutoff: no; just after: judged by the probe', async () => {
  const kolkata = portal({}, { dailyCutoff: '06:00 Asia/Kolkata' });
  const now = new Date('2026-01-05T03:00:00Z'); // 08:30 IST; the last cutoff was 00:30Z
  const before = await judge(session({ savedAt: '2026-01-05T00:29:59.000Z' }), kolkata, now, { probe: fakeProbe(200) });
  expect(before).toEqual({ valid: 'no', reason: 'past the daily cutoff 06:00 Asia/Kolkata', expiresAt: new Date(IN_A_DAY * 1000).toISOString(), nextCutoffAt: '2026-01-06T00:30:00.000Z' });
  const after = await judge(session({ savedAt: '2026-01-05T00:30:00.000Z' }), kolkata, now, { probe: fakeProbe(200) });
  expect(after).toMatchObject({ valid: 'yes', nextCutoffAt: '2026-01-06T00:30:00.000Z' });
});

test('no probe configured: unknown, saying what to add', async () => {
  expect(await judge(session(), portal({ probeUrl: undefined }), NOW)).toMatchObject({ valid: 'unknown', reason: 'no probe configured; add success.probeUrl' });
});

test('the probe is sent the matching cookies only, and its answer decides', async () => {
  const probe = fakeProbe(200);
  const verdict = await judge(session({ cookies: [cookie('sid'), cookie('other', { domain: 'elsewhere.test' }), cookie('deep', { path: '/admin' })] }), portal(), NOW, { probe });
  expect(verdict).toMatchObject({ valid: 'yes', reason: 'probe http://127.0.0.1:9/api/me answered 200' });
  expect(probe.sent[0]!.headers).toEqual({ cookie: 'sid=v-sid' });
  expect(verdict.rotation).toBeUndefined();
});

for (const [status, expected] of [[401, 'no'], [302, 'no'], [500, 'no'], [204, 'yes']] as const) {
  test(`the probe answers ${status}: ${expected}`, async () => {
    expect((await judge(session(), portal(), NOW, { probe: fakeProbe(status) })).valid).toBe(expected);
  });
}

test('probeExpect: the configured status and text, not just any 2xx', async () => {
  const expecting = portal({ probeExpect: { status: 200, contains: '"loggedIn":true' } });
  expect(await judge(session(), expecting, NOW, { probe: fakeProbe(204) })).toMatchObject({ valid: 'no', reason: 'probe http://127.0.0.1:9/api/me answered 204, not 200' });
  expect(await judge(session(), expecting, NOW, { probe: fakeProbe(200, '{"loggedIn":false}') })).toMatchObject({ valid: 'no', reason: expect.stringContaining('without the expected text') });
  expect((await judge(session(), expecting, NOW, { probe: fakeProbe(200, '{"loggedIn":true}') })).valid).toBe('yes');
});

test('a probe that cannot reach the portal: unknown with the reason, never the query', async () => {
  const refused: Probe = async () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
  };
  const verdict = await judge(session(), portal({ probeUrl: 'http://127.0.0.1:9/api/me?token=s3cr3t' }), NOW, { probe: refused });
  expect(verdict).toMatchObject({ valid: 'unknown', reason: 'probe http://127.0.0.1:9/api/me could not be reached (ECONNREFUSED)' });
});

test('a valid answer that sets cookies is handed back as a rotation', async () => {
  const verdict = await judge(session(), portal(), NOW, { probe: fakeProbe(200, '', ['sid=new; Path=/; HttpOnly']) });
  expect(verdict.rotation).toEqual({ url: 'http://127.0.0.1:9/api/me', setCookies: ['sid=new; Path=/; HttpOnly'] });
});

test.describe('httpProbe (node fetch) against a local server', () => {
  let server: Server;
  let base: string;
  test.beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/redirect') res.writeHead(302, { Location: '/ok' }).end();
      else if (req.url === '/ok') res.writeHead(200, { 'Set-Cookie': ['a=1; Path=/', 'b=2; Path=/'] }).end(`cookie=${req.headers.cookie ?? ''}`);
      else res.writeHead(404).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  test.afterAll(() => new Promise<void>((done) => server.close(() => done())));

  test('sends the headers, returns every Set-Cookie, and does not follow a redirect', async () => {
    const ok = await httpProbe({ url: new URL(`${base}/ok`), headers: { cookie: 'sid=x' }, timeoutMs: 5000 });
    expect(ok.status).toBe(200);
    expect(ok.setCookies).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(await ok.body()).toBe('cookie=sid=x');
    expect((await httpProbe({ url: new URL(`${base}/redirect`), headers: {}, timeoutMs: 5000 })).status).toBe(302);
  });
});

test('mergeRotation: replaces by name, domain and path, deletes on Max-Age=0, ignores foreign domains, marks a write-back', () => {
  const before = session({ cookies: [cookie('sid'), cookie('theme', { expires: -1 }), cookie('gone')] });
  const merged = mergeRotation(before, { url: 'http://127.0.0.1:9/api/me', setCookies: ['sid=rotated; Path=/; HttpOnly; Max-Age=600', 'gone=; Path=/; Max-Age=0', 'evil=1; Domain=elsewhere.test; Path=/'] }, NOW);
  expect(merged.cookies.map((c) => [c.name, c.value, c.domain])).toEqual([
    ['theme', 'v-theme', '127.0.0.1'],
    ['sid', 'rotated', '127.0.0.1'],
  ]);
  expect(merged.cookies[1]).toMatchObject({ path: '/', httpOnly: true, expires: NOW.getTime() / 1000 + 600 });
  expect(merged.info).toMatchObject({ obtainedBy: 'write-back', savedAt: NOW.toISOString(), expiresAt: new Date(NOW.getTime() + 600_000).toISOString(), sessionCookies: ['sid'] });
  expect(before.cookies.map((c) => c.value)).toEqual(['v-sid', 'v-theme', 'v-gone']); // the input is not changed
});

test('config: session.dailyCutoff is parsed once, and a bad time or zone fails at load with its path', () => {
  const config = (dailyCutoff: string) => ({ portals: { broker: { loginUrl: 'https://x.test/login', success: { url: '/home' }, session: { dailyCutoff } } }, accounts: {} });
  expect(validateConfig(config(' 06:00 Asia/Kolkata'), 'c.yaml').portals.broker!.session.dailyCutoff).toEqual({ text: '06:00 Asia/Kolkata', hour: 6, minute: 0, timeZone: 'Asia/Kolkata' });
  const problem = (value: string) => {
    try {
      validateConfig(config(value), 'c.yaml');
      return 'accepted';
    } catch (error) {
      return (error as PortalLoginError).message;
    }
  };
  expect(problem('6am Asia/Kolkata')).toContain('portals.broker.session.dailyCutoff: must be "HH:MM Zone"');
  expect(problem('24:00 UTC')).toContain('must be "HH:MM Zone"');
  expect(problem('06:00 Asia/Kolkatta')).toContain('portals.broker.session.dailyCutoff: "Asia/Kolkatta" is not an IANA time zone');
});
