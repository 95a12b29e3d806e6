/**
 * Small pure helpers: the redactor, clock-skew measurement, portal error
 * classification, browser discovery, Chromium flags and exit statuses.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBrowser, INSTALL_HINT } from '../../browser/find-browser.js';
import { chromiumArgs } from '../../browser/launch.js';
import { reportThrown } from '../../cli/report.js';
import { EXIT_INTERNAL_ERROR, EXIT_STATUS, PortalLoginError, type ErrorCode } from '../../core/errors.js';
import { REDACTED, Redactor } from '../../core/redact.js';
import { classifyMessage, errorCodeFor, isPlainCodeRejection } from '../../flows/messages.js';

/** What the screen loop ends with for a marked message at this stage (flows/browser/loop.ts falls back to the stage's usual failure). */
const classifyPortalError = (stage: 'credentials' | 'code', message: string): ErrorCode =>
  errorCodeFor(stage, classifyMessage(message)) ?? (stage === 'code' ? 'CODE_REJECTED' : 'BAD_CREDENTIALS');
const isRetryableCodeRejection = (message: string) => isPlainCodeRejection(classifyMessage(message));
import { measureSkew } from '../../flows/clock-skew.js';

const redactorFor = (...secrets: string[]) => {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return r;
};
/** What a browser puts in a form POST body (WHATWG application/x-www-form-urlencoded). */
const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

test.describe('Redactor', () => {
  test('redacts the raw, URL-encoded and JSON-escaped forms', () => {
    const password = 'p@ss/w0rd?&= "q" \\ end';
    const r = redactorFor(password);
    const text = [`raw ${password}`, `url ?pw=${encodeURIComponent(password)}`, `json ${JSON.stringify({ password })}`].join('\n');
    const out = r.redact(text);
    expect(out).toBe(['raw [REDACTED]', 'url ?pw=[REDACTED]', 'json {"password":"[REDACTED]"}'].join('\n'));
    expect(r.leaks(text)).toBe(true);
    expect(r.leaks(out)).toBe(false);
  });

  test('redacts the form-encoded form (space → +)', () => {
    const password = 'correct horse battery';
    expect(formEncode(password)).toBe('correct+horse+battery');
    expect(redactorFor(password).redact(`user=alice&password=${formEncode(password)}`)).toBe('user=alice&password=[REDACTED]');
  });

  for (const password of ['p@ss w0rd!', "it's (mine)", 'tilde~pass']) {
    test(`redacts a browser form body for ${JSON.stringify(password)}`, () => {
      const body = `user=alice&password=${formEncode(password)}`;
      expect(redactorFor(password).redact(body)).toBe(`user=alice&password=${REDACTED}`);
    });
  }

  // A portal reflecting the typed password back into its page, a URL or a JSON body escapes it; each spelling is redacted.
  const reflected: Array<[form: string, secret: string, spelled: string]> = [
    ['HTML named entity', 'S3cret&Pass', 'S3cret&amp;Pass'],
    ['HTML decimal entity', 'S3cret&Pass', 'S3cret&#38;Pass'],
    ['HTML hex entity', 'S3cret&Pass', 'S3cret&#x26;Pass'],
    ['HTML &quot;', 'S3cret"Pass', 'S3cret&quot;Pass'],
    ['HTML &lt; &gt;', 'a<b>cdef', 'a&lt;b&gt;cdef'],
    ['HTML upper-case hex entity', 'a<b>cdef', 'a&#x3C;b&#x3E;cdef'],
    ['HTML apostrophe as &#39;', "it's-mine", 'it&#39;s-mine'],
    ['HTML apostrophe as &#x27;', "it's-mine", 'it&#x27;s-mine'],
    ['HTML apostrophe as &apos;', "it's-mine", 'it&apos;s-mine'],
    ['DOM text node (" left as is)', 'S3cret&"Pass', 'S3cret&amp;"Pass'],
    ['DOM attribute value (< left as is)', 'S3cret&<Pass', 'S3cret&amp;<Pass'],
    ['URL-encoded', 'S3cret&Pass', 'S3cret%26Pass'],
    ['URL-encoded, lower-case hex', 'S3cret/Pass', 'S3cret%2fPass'],
    ['JSON \\u escape (HTML-safe JSON)', 'S3cret&Pass', 'S3cret\\u0026Pass'],
    ['JSON \\u escape (ASCII-only JSON)', 'S3crét-Pass', 'S3cr\\u00e9t-Pass'],
  ];
  for (const [form, secret, spelled] of reflected) {
    test(`redacts the ${form} form: ${spelled}`, () => {
      const page = `<input value="${spelled}"> <p>${spelled}</p>`;
      const r = redactorFor(secret);
      expect(r.redact(page)).toBe(`<input value="${REDACTED}"> <p>${REDACTED}</p>`);
      expect(r.leaks(page)).toBe(true);
    });
  }

  test('a secret of letters and digits adds no extra forms; one with & adds each distinct spelling once', () => {
    expect(redactorFor('JBSWY3DPEHPK3PXP').list()).toEqual(['JBSWY3DPEHPK3PXP']);
    expect(redactorFor('S3cret&Pass').list().sort()).toEqual(
      ['S3cret&Pass', 'S3cret%26Pass', 'S3cret\\u0026Pass', 'S3cret&amp;Pass', 'S3cret&#38;Pass', 'S3cret&#x26;Pass'].sort(),
    );
  });

  test('numeric codes are redacted only when not part of a longer number', () => {
    const r = redactorFor('123456');
    const cases: Array<[string, string]> = [
      ['code=123456', 'code=[REDACTED]'],
      ['{"otp":"123456"}', '{"otp":"[REDACTED]"}'],
      ['123456', '[REDACTED]'],
      ['x123456y', 'x[REDACTED]y'],
      ['91234567', '91234567'],
      ['1234567', '1234567'],
      ['0123456', '0123456'],
      ['order 9123456 and 123456', 'order 9123456 and [REDACTED]'],
    ];
    for (const [input, expected] of cases) expect(r.redact(input), input).toBe(expected);
    expect(r.leaks('91234567')).toBe(false);
    expect(r.leaks('code 123456.')).toBe(true);
  });

  test('the longest secret wins; tiny or missing secrets are ignored', () => {
    const r = redactorFor('abcd', 'abcdefgh');
    expect(r.redact('[abcdefgh] [abcd]')).toBe('[[REDACTED]] [[REDACTED]]');
    const none = redactorFor('abc', '');
    none.add(undefined);
    expect(none.redact('abc def')).toBe('abc def');
    expect(none.list()).toEqual([]);
  });
});

test.describe('measureSkew', () => {
  const SENT = Date.UTC(2026, 0, 5, 9, 0, 10) + 123;
  const RECEIVED = SENT + 250;
  const MID = (SENT + RECEIVED) / 2;
  /** The Date header a portal whose clock is `offsetMs` off would send, at sub-second phase `phaseMs`. */
  const header = (offsetMs: number, phaseMs = 0) => new Date(MID + offsetMs + phaseMs).toUTCString();

  test('missing or unparseable header → 0', () => {
    for (const h of [undefined, '', 'garbage', 'Mon, 99 Foo 2026']) expect(measureSkew(h, SENT, RECEIVED), String(h)).toBe(0);
  });

  test('within 2 s → 0 (header resolution is one second)', () => {
    for (const offset of [0, 900, -900, 1_400, -1_400]) expect(measureSkew(header(offset), SENT, RECEIVED), `${offset}`).toBe(0);
  });

  test('45 s ahead → about +45000 ms, 45 s behind → about -45000 ms', () => {
    for (let phase = 0; phase < 1_000; phase += 97) {
      const ahead = measureSkew(header(45_000, phase), SENT + phase, RECEIVED + phase);
      expect(Math.abs(ahead - 45_000), `phase ${phase}: ${ahead}`).toBeLessThanOrEqual(600);
      const behind = measureSkew(header(-45_000, phase), SENT + phase, RECEIVED + phase);
      expect(behind).toBeLessThan(0);
      expect(Math.abs(behind + 45_000), `phase ${phase}: ${behind}`).toBeLessThanOrEqual(600);
    }
  });
});

test('classifyPortalError: locks, throttles, captchas and named codes win at any stage; otherwise the stage decides', () => {
  const rows: Array<[message: string, credentials: ErrorCode, code: ErrorCode]> = [
    ['Your account is locked. Contact support.', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED'],
    ['Account locked after failed attempts', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED'],
    ['Too many attempts, try again in 30 minutes', 'RATE_LIMITED', 'RATE_LIMITED'],
    ['TOO MANY REQUESTS', 'RATE_LIMITED', 'RATE_LIMITED'],
    ['Too many failed attempts. Your account is locked', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED'],
    ['Invalid password. 2 attempts left before your account is locked.', 'BAD_CREDENTIALS', 'CODE_REJECTED'],
    ['Invalid username or password', 'BAD_CREDENTIALS', 'CODE_REJECTED'],
    ['Incorrect password. Please try again.', 'BAD_CREDENTIALS', 'CODE_REJECTED'],
    ['Invalid TOTP. Check your authenticator clock.', 'CODE_REJECTED', 'CODE_REJECTED'],
    ['Something went wrong', 'BAD_CREDENTIALS', 'CODE_REJECTED'],
    ['You are already logged in elsewhere', 'BAD_CREDENTIALS', 'CODE_REJECTED'],
    ['Please complete the CAPTCHA', 'CAPTCHA', 'CAPTCHA'],
    ["Confirm you're not a robot", 'CAPTCHA', 'CAPTCHA'],
    ['Verify you are human', 'CAPTCHA', 'CAPTCHA'],
  ];
  for (const [message, credentials, code] of rows) {
    expect(classifyPortalError('credentials', message), `credentials: ${message}`).toBe(credentials);
    expect(classifyPortalError('code', message), `code: ${message}`).toBe(code);
  }
});

test.describe('findBrowser', () => {
  let dir: string;
  test.beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portal-login-browser-'));
  });
  test.afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const script = async (name: string, mode: number) => {
    const path = join(dir, name);
    await writeFile(path, '#!/bin/sh\nexit 0\n');
    await chmod(path, mode);
    return path;
  };

  test('PORTAL_LOGIN_BROWSER pointing at a non-executable → BROWSER_NOT_FOUND with the install hint', async () => {
    for (const path of [await script('not-exec', 0o644), join(dir, 'missing')]) {
      let caught: unknown;
      try {
        findBrowser({ PORTAL_LOGIN_BROWSER: path, PATH: '' }, undefined);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(PortalLoginError);
      expect((caught as PortalLoginError).code).toBe('BROWSER_NOT_FOUND');
      expect((caught as PortalLoginError).message).toContain(path);
      expect((caught as PortalLoginError).hint).toBe(INSTALL_HINT);
    }
  });

  test('PORTAL_LOGIN_BROWSER at an executable is used, before Playwright\'s browser', async () => {
    const path = await script('my-chrome', 0o755);
    expect(findBrowser({ PORTAL_LOGIN_BROWSER: path }, path)).toEqual({ executablePath: path, source: 'PORTAL_LOGIN_BROWSER' });
  });

  test('Playwright\'s browser when it is installed, else a chromium on PATH', async () => {
    const pw = await script('pw-chromium', 0o755);
    expect(findBrowser({ PATH: '' }, pw)).toEqual({ executablePath: undefined, source: 'playwright' });
    const onPath = await script('chromium', 0o755);
    expect(findBrowser({ PATH: dir }, join(dir, 'not-installed'))).toEqual({ executablePath: onPath, source: 'system' });
  });

  test('empty PATH (cron), no Playwright browser: the system folders are still searched', async () => {
    const system = await script('chromium-browser', 0o755);
    expect(findBrowser({ PATH: '' }, undefined, [join(dir, 'empty'), dir])).toEqual({ executablePath: system, source: 'system' });
    expect(() => findBrowser({ PATH: '' }, undefined, [join(dir, 'empty')])).toThrow(PortalLoginError);
  });

  test('the install hint says how to get a browser', () => {
    expect(INSTALL_HINT).toContain('npx playwright install chromium');
    expect(INSTALL_HINT).toContain('apt-get install');
    expect(INSTALL_HINT).toContain('PORTAL_LOGIN_BROWSER');
  });
});

test('chromiumArgs: network flags always, --no-sandbox only as root', () => {
  const network = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  expect(chromiumArgs(true)).toEqual(expect.arrayContaining(['--no-sandbox', ...network]));
  expect(chromiumArgs(false)).toEqual(expect.arrayContaining(network));
  expect(chromiumArgs(false)).not.toContain('--no-sandbox');
});

test('EXIT_STATUS: the failures a user acts on have distinct statuses, none 0 or 1', () => {
  const codes: ErrorCode[] = ['BAD_CREDENTIALS', 'CODE_REJECTED', 'ACCOUNT_LOCKED', 'CAPTCHA', 'TIMEOUT', 'BROWSER_NOT_FOUND', 'STATE_WRITE_FAILED', 'BROWSER_CLOSED', 'MISSING_SECRET', 'CONFIG_INVALID'];
  const statuses = codes.map((c) => EXIT_STATUS[c]);
  expect(new Set(statuses).size).toBe(codes.length);
  for (const [i, s] of statuses.entries()) {
    expect(Number.isInteger(s) && s > 1 && s < 126, `${codes[i]} → ${s}`).toBe(true);
  }
  // A bug exits 1 whether it ends the run (cli/report.ts) or one account (app/login.ts).
  expect(EXIT_INTERNAL_ERROR).toBe(1);
  expect(new PortalLoginError('CAPTCHA', 'x').exitStatus).toBe(7);
});

/** status per code from README.md's "Exit codes" table (`| 2 | \`USAGE\`, \`CONFIG_INVALID\` | ... |`). */
function documentedExitStatuses(): Record<string, number> {
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.split(/^## Exit codes$/m)[1]?.split(/^## /m)[0] ?? '';
  const documented: Record<string, number> = {};
  for (const line of section.split('\n')) {
    const row = /^\| (\d+) \| ([^|]+) \|/.exec(line);
    if (!row) continue;
    for (const [, code] of row[2]!.matchAll(/`([A-Z_]+)`/g)) documented[code!] = Number(row[1]);
  }
  return documented;
}

test('every error code\'s exit status is the one README.md documents, and the README lists no other codes', () => {
  const documented = documentedExitStatuses();
  expect(documented).toEqual({ ...EXIT_STATUS });
  // Through the error boundary too: what a user sees as $? for each code.
  const ctx = { cwd: '/', env: {}, stdin: process.stdin, out: () => {}, err: () => {}, redactor: new Redactor() };
  for (const code of Object.keys(EXIT_STATUS) as ErrorCode[]) {
    expect(reportThrown(ctx, new PortalLoginError(code, 'x')), code).toBe(documented[code]);
  }
});

test('anything thrown that is not a PortalLoginError exits 1 as error [INTERNAL], also with --json', () => {
  const thrownValues: unknown[] = [new TypeError('x is undefined'), new Error('plain'), 'a string', undefined, null, 42, { not: 'an error' }, Symbol('s')];
  for (const thrown of thrownValues) {
    const out: string[] = [];
    const err: string[] = [];
    const ctx = { cwd: '/', env: {}, stdin: process.stdin, out: (t: string) => out.push(t), err: (t: string) => err.push(t), redactor: new Redactor() };
    expect(reportThrown(ctx, thrown, true), String(thrown)).toBe(1);
    expect(err.join('\n'), String(thrown)).toMatch(/^error \[INTERNAL\]: internal error: /);
    expect(JSON.parse(out.join('\n')), String(thrown)).toMatchObject({ ok: false, error: { code: 'INTERNAL', exitStatus: 1 } });
  }
});

test('a rejected code is retried only when the portal plainly says the code was wrong', () => {
  const rows: Array<[string, boolean]> = [
    ['Invalid verification code. Please try again.', true],
    ['This code has already been used. Wait for the next code.', true],
    ['Incorrect OTP', true],
    ['The code has expired', true],
    ['Too many login attempts, please wait 15 minutes', false],
    ['1 attempt remaining before your account is locked', false],
    ['Invalid OTP. Your account will be locked after 1 more failed attempt.', false],
    ['Invalid TOTP. Please try again after some time.', false],
    ['Account locked: too many failed attempts. Contact support.', false],
    ['Something went wrong', false],
    ['Invalid username or password.', false], // not about the code: a second code would not help
  ];
  for (const [message, retry] of rows) expect(isRetryableCodeRejection(message), message).toBe(retry);
});

test('a bug that escapes every command is reported as error [INTERNAL], exit 1, secrets redacted', () => {
  const lines: string[] = [];
  const redactor = redactorFor('s3cret-pass');
  const ctx = { cwd: '/', env: {}, stdin: process.stdin, out: () => {}, err: (t: string) => lines.push(t), redactor };
  expect(reportThrown(ctx, new TypeError('x is undefined near s3cret-pass'))).toBe(EXIT_INTERNAL_ERROR);
  const said = lines.join('\n');
  expect(said).toMatch(/^error \[INTERNAL\]: internal error: TypeError: x is undefined near \[REDACTED\]/);
  expect(said).toContain('what to do: This is a bug in portal-login');
  expect(said).not.toContain('s3cret-pass');
});
