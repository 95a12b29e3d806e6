/**
 * Exports: each format as a pure function of a Session, with the clock
 * passed in. Cookie matching is checked against what the real clients
 * decide: Python's http.cookiejar (no network: its policy says what it would
 * send) and curl (against a local echo server, names resolved with --resolve).
 */
import { expect, test } from '@playwright/test';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PortalLoginError } from '../../core/errors.js';
import { cookieHeader } from '../../session/cookie-match.js';
import { envName, exportSession, shellQuote } from '../../session/export.js';
import type { Session, SessionCookie } from '../../session/model.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const IN_A_DAY = NOW.getTime() / 1000 + 86_400;
const AN_HOUR_AGO = NOW.getTime() / 1000 - 3_600;

function cookie(name: string, fields: Partial<SessionCookie> = {}): SessionCookie {
  return { name, value: `v-${name}`, domain: 'app.example.test', path: '/', expires: IN_A_DAY, httpOnly: false, secure: false, sameSite: 'Lax', ...fields };
}

/** One cookie per rule the matching must get right. */
const COOKIES: SessionCookie[] = [
  cookie('hostonly'),
  cookie('parent_hostonly', { domain: 'example.test' }),
  cookie('parent_domain', { domain: '.example.test', httpOnly: true }),
  cookie('api_path', { path: '/api' }),
  cookie('secure_only', { secure: true }),
  cookie('browser_session', { expires: -1, httpOnly: true }),
  cookie('expired', { expires: AN_HOUR_AGO }),
  cookie('other_site', { domain: 'other.test' }),
];

function session(cookies: SessionCookie[] = COOKIES, tokens: Record<string, string> = {}): Session {
  return {
    cookies,
    origins: [{ origin: 'http://app.example.test', localStorage: [{ name: 'ui', value: 'dark' }] }],
    tokens,
    info: { account: 'main', portal: 'demo', savedAt: NOW.toISOString(), obtainedBy: 'login', expiresAt: null, sessionCookies: [] },
  };
}

const names = (header: string) => (header === '' ? [] : header.split('; ').map((pair) => pair.split('=')[0]));

test.describe('cookie-header: tough-cookie decides which cookies a request carries', () => {
  const cases: Array<{ url: string; sent: string[] }> = [
    // Longest path first (RFC 6265 5.4); host-only cookies of the parent are not sent to a subdomain.
    { url: 'http://app.example.test/api/me', sent: ['api_path', 'hostonly', 'parent_domain', 'browser_session'] },
    { url: 'http://app.example.test/', sent: ['hostonly', 'parent_domain', 'browser_session'] },
    { url: 'http://app.example.test/apiary', sent: ['hostonly', 'parent_domain', 'browser_session'] },
    { url: 'https://app.example.test/', sent: ['hostonly', 'parent_domain', 'secure_only', 'browser_session'] },
    { url: 'http://example.test/', sent: ['parent_hostonly', 'parent_domain'] },
    { url: 'http://deep.app.example.test/', sent: ['parent_domain'] },
    { url: 'http://elsewhere.test/', sent: [] },
  ];
  for (const { url, sent } of cases) {
    test(`${url} → ${sent.join(', ') || '(empty)'}`, () => {
      const header = exportSession('cookie-header', session(), { url: new URL(url), now: NOW });
      // Same names, and as a set too: the order among equal paths is tough-cookie's (creation order).
      expect(new Set(names(header))).toEqual(new Set(sent));
      expect(names(header)[0]).toBe(sent[0]);
    });
  }

  test('a cookie is sent until its expiry and not after (clock passed in)', () => {
    const one = [cookie('sid', { expires: IN_A_DAY })];
    const url = new URL('http://app.example.test/');
    expect(cookieHeader(one, url, NOW)).toBe('sid=v-sid');
    expect(cookieHeader(one, url, new Date((IN_A_DAY + 1) * 1000))).toBe('');
  });
});

test.describe('netscape: cookies.txt as curl writes it', () => {
  test('host-only vs domain cookies, session cookies, HttpOnly, secure; expired left out', () => {
    const text = exportSession('netscape', session([COOKIES[0]!, COOKIES[2]!, COOKIES[4]!, COOKIES[5]!, COOKIES[6]!, cookie('fractional', { expires: 1893456000.75 })]), { url: new URL('http://x.test/'), now: NOW });
    expect(text.split('\n')).toEqual([
      '# Netscape HTTP Cookie File',
      '# Written by portal-login export: a live session, keep it private.',
      '',
      'app.example.test\tFALSE\t/\tFALSE\t1893542400\thostonly\tv-hostonly',
      '#HttpOnly_.example.test\tTRUE\t/\tFALSE\t1893542400\tparent_domain\tv-parent_domain',
      'app.example.test\tFALSE\t/\tTRUE\t1893542400\tsecure_only\tv-secure_only',
      '#HttpOnly_app.example.test\tFALSE\t/\tFALSE\t0\tbrowser_session\tv-browser_session',
      'app.example.test\tFALSE\t/\tFALSE\t1893456000\tfractional\tv-fractional',
    ]);
  });

  test('--no-httponly-prefix (for wget) writes HttpOnly cookies as plain lines', () => {
    const text = exportSession('netscape', session([COOKIES[2]!]), { url: new URL('http://x.test/'), now: NOW, httpOnlyPrefix: false });
    expect(text.split('\n').at(-1)).toBe('.example.test\tTRUE\t/\tFALSE\t1893542400\tparent_domain\tv-parent_domain');
  });

  test('a tab in a value cannot be written (the format has no escaping): a usage error, not a shifted file', () => {
    expect(() => exportSession('netscape', session([cookie('bad', { value: 'a\tb' })]), { url: new URL('http://x.test/'), now: NOW })).toThrow(PortalLoginError);
  });
});

test.describe('netscape read by the real clients', () => {
  let dir: string;
  let file: string;
  test.beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portal-login-export-'));
    file = join(dir, 'cookies.txt');
    await writeFile(file, exportSession('netscape', session(), { url: new URL('http://x.test/'), now: NOW }) + '\n');
  });
  test.afterAll(async () => rm(dir, { recursive: true, force: true }));

  /**
   * What Python's MozillaCookieJar loads from `path` and would send to each
   * URL (its own policy, no network). `readme` applies the README's two
   * lines for session cookies: Python reads curl's expiry 0 as "expired in
   * 1970" and never sends them (curl and wget need the 0; an empty field
   * shifts their columns). It also uses the strict policy: by default
   * Python sends a host-only cookie of example.test to app.example.test too.
   */
  function python(path: string, urls: string[], readme = true): { ok: boolean; stdout: string; stderr: string } {
    const script = [
      'import http.cookiejar, json, sys, urllib.request',
      'strict = http.cookiejar.DefaultCookiePolicy(strict_ns_domain=http.cookiejar.DefaultCookiePolicy.DomainStrictNonDomain)',
      `jar = http.cookiejar.MozillaCookieJar(${readme ? 'policy=strict' : ''})`,
      ...(readme ? ['jar.load(sys.argv[1], ignore_expires=True)', 'for c in jar:', '    if c.expires == 0: c.expires = None'] : ['jar.load(sys.argv[1])']),
      'sent = {}',
      'for url in sys.argv[2:]:',
      '    req = urllib.request.Request(url)',
      '    jar.add_cookie_header(req)',
      "    sent[url] = req.get_header('Cookie') or ''",
      "print(json.dumps({'loaded': sorted(c.name for c in jar), 'sent': sent}))",
    ].join('\n');
    const run = spawnSync('python3', ['-c', script, path, ...urls], { encoding: 'utf8' });
    return { ok: run.status === 0, stdout: run.stdout, stderr: run.stderr };
  }

  const URLS = ['http://app.example.test/api/me', 'http://example.test/', 'https://app.example.test/', 'http://deep.app.example.test/', 'http://elsewhere.test/'];

  test('Python (the README\'s load) takes every live cookie and sends exactly what tough-cookie sends', () => {
    const run = python(file, URLS);
    expect(run.ok, run.stderr).toBe(true);
    const { loaded, sent } = JSON.parse(run.stdout) as { loaded: string[]; sent: Record<string, string> };
    expect(loaded).toEqual(['api_path', 'browser_session', 'hostonly', 'other_site', 'parent_domain', 'parent_hostonly', 'secure_only']);
    for (const url of URLS) expect(new Set(names(sent[url]!)), url).toEqual(new Set(names(cookieHeader(COOKIES, new URL(url), NOW))));
  });

  test('Python with a plain load() drops the session cookies (expiry 0) but keeps the dated ones', () => {
    const run = python(file, ['http://app.example.test/'], false);
    expect(run.ok, run.stderr).toBe(true);
    const { loaded, sent } = JSON.parse(run.stdout) as { loaded: string[]; sent: Record<string, string> };
    expect(loaded).not.toContain('browser_session');
    expect(names(sent['http://app.example.test/']!)).toContain('hostonly');
  });

  test('Python rejects a domain flag that disagrees with the leading dot: the rule our writer keeps', async () => {
    const bad = join(dir, 'bad.txt');
    await writeFile(bad, '# Netscape HTTP Cookie File\nexample.test\tTRUE\t/\tFALSE\t0\tx\ty\n');
    expect(python(bad, [], false).stderr).toContain('LoadError');
  });

  test('curl -b sends the same cookies as the cookie-header export', async () => {
    const echo = await echoServer();
    try {
      for (const host of ['app.example.test', 'example.test']) {
        const url = `http://${host}:${echo.port}/api/me`;
        const { stdout } = await promisify(execFile)('curl', ['-sS', '--resolve', `${host}:${echo.port}:127.0.0.1`, '-b', file, url]);
        expect(new Set(names(stdout)), host).toEqual(new Set(names(cookieHeader(COOKIES, new URL(url), NOW))));
        expect(stdout, host).not.toBe('');
      }
    } finally {
      await echo.close();
    }
  });
});

/** A local server that answers every request with the Cookie header it got. */
async function echoServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => res.end(req.headers.cookie ?? ''));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((done) => server.close(() => done())) };
}

test.describe('env: KEY=value lines a shell can eval', () => {
  test('cookie and tokens under the account\'s prefix, quoted so $, quotes and ; stay literal', () => {
    const tricky = `it's $HOME; \`id\` "x"`;
    const text = exportSession('env', session([cookie('sid', { value: 'a$b' })], { 'api-token': tricky, bearer: 'plain' }), { url: new URL('http://app.example.test/'), now: NOW });
    expect(text.split('\n').map((l) => l.split('=')[0])).toEqual(['MAIN_COOKIE', 'MAIN_API_TOKEN', 'MAIN_BEARER']);
    const run = spawnSync('sh', ['-c', 'eval "$EXPORTED"; printf "%s\\n%s\\n%s" "$MAIN_COOKIE" "$MAIN_API_TOKEN" "$MAIN_BEARER"'], { env: { PATH: process.env.PATH, EXPORTED: text }, encoding: 'utf8' });
    expect(run.stdout).toBe(`sid=a$b\n${tricky}\nplain`);
  });

  test('names become valid variable names; two that collide are an error, not a silent overwrite', () => {
    expect(envName('demo-01.x')).toBe('DEMO_01_X');
    expect(envName('7days')).toBe('_7DAYS');
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    expect(() => exportSession('env', session([], { cookie: 'x' }), { url: new URL('http://app.example.test/'), now: NOW })).toThrow(/MAIN_COOKIE/);
  });
});

test.describe('storage-state and json', () => {
  test('storage-state is Playwright\'s shape with live cookies and the origins', () => {
    const state = JSON.parse(exportSession('storage-state', session(), { url: new URL('http://x.test/'), now: NOW })) as { cookies: SessionCookie[]; origins: unknown };
    expect(state.cookies.map((c) => c.name)).not.toContain('expired');
    expect(state.cookies).toHaveLength(COOKIES.length - 1);
    expect(state.cookies[0]).toEqual(COOKIES[0]);
    expect(state.origins).toEqual(session().origins);
    expect(Object.keys(state)).toEqual(['cookies', 'origins']);
  });

  test('json is the whole session: every cookie attribute, origins, tokens and info', () => {
    const whole = session(COOKIES, { bearer: 'tok' });
    const out = JSON.parse(exportSession('json', whole, { url: new URL('http://x.test/'), now: NOW })) as Session;
    expect(out).toEqual({ ...whole, cookies: COOKIES.filter((c) => c.name !== 'expired') });
  });
});
