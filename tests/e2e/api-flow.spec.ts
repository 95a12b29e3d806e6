/**
 * The HTTP two-step API login against the demo's real login API over
 * loopback: success leaves a token and a cookie that the probe accepts;
 * every documented failure ends with its own code and exit status; a
 * wrong code is retried exactly once with a different code. The demo runs
 * on an injected clock, so no test waits for a TOTP window.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import { expect } from '@playwright/test';
import type { CodeSource } from '../../codes/code-source.js';
import { PortalLoginError, type ErrorCode } from '../../core/errors.js';
import { API_BROKEN_USER, DEMO_PASSWORD, demoUser } from '../../demo-portal/index.js';
import type { ApiLoginResult } from '../../flows/http-api.js';
import { apiRun, settle, type ApiRun } from '../support/api-login.js';
import { it, STEP_MS } from '../support/clocked-demo.js';
import { test } from '../support/fixtures.js';
import { lockUser, useWindowElsewhere } from '../support/portal-http.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const EXIT: Partial<Record<ErrorCode, number>> = {
  BAD_CREDENTIALS: 4, CODE_REJECTED: 5, ACCOUNT_LOCKED: 6, TIMEOUT: 9, RATE_LIMITED: 13, CLOCK_SKEW: 14,
  APP_KEY_REJECTED: 21, INTERIM_TOKEN_REJECTED: 22, PORTAL_ERROR: 23,
};

/** The error apiLogin ended with, checked for its code, exit status and a hint; secrets never in its text. */
async function failure(run: ApiRun, code: ErrorCode): Promise<PortalLoginError> {
  const thrown = await settle(run);
  expect(thrown, `expected ${code}`).toBeInstanceOf(PortalLoginError);
  const error = thrown as PortalLoginError;
  expect(error.code, error.message).toBe(code);
  expect(error.exitStatus).toBe(EXIT[code]);
  expect(error.hint).toBeTruthy();
  expect(run.input.redactor.leaks(`${error.message}\n${error.hint}`)).toBe(false);
  return error;
}

const codeAt = (username: string, atMs: number) => TOTP.generate({ secret: Secret.fromBase32(demoUser(username).totpSecret), timestamp: atMs });

it('success: the auth token and the session cookie, both accepted by /api/me, all registered as secrets and never logged', async ({ demo }) => {
  const run = apiRun(demo);
  const result = (await settle(run)) as ApiLoginResult;
  expect(result.tokens.authToken).toMatch(/^[0-9a-f]{32}$/);
  expect(result.cookies.map((c) => c.name)).toEqual(['demo_session']);
  expect(result.cookies[0]).toMatchObject({ domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' });
  expect(result.skewMs).toBe(0);
  const bearer = await fetch(`${demo.portal.url}/api/me`, { headers: { authorization: `Bearer ${result.tokens.authToken}` } });
  expect(await bearer.json()).toEqual({ username: 'demo01' });
  const cookie = await fetch(`${demo.portal.url}/api/me`, { headers: { cookie: `demo_session=${result.cookies[0]!.value}` } });
  expect(cookie.status).toBe(200);
  const [code] = demo.portal.submittedCodes('demo01');
  const secrets = [result.tokens.authToken!, result.cookies[0]!.value, code!, DEMO_PASSWORD];
  for (const secret of secrets) expect(run.input.redactor.leaks(secret), 'registered').toBe(true);
  const logged = run.lines.join('\n');
  for (const secret of secrets) expect(logged).not.toContain(secret);
  expect(logged).toContain('Submitted the verification code (TOTP window');
});

it('a wrong app key and a missing one: APP_KEY_REJECTED, no password check, no code', async ({ demo }) => {
  const wrong = await failure(apiRun(demo, { appKey: 'not-the-key' }), 'APP_KEY_REJECTED');
  expect(wrong.message).toContain('answered 401: "INVALID_APP_KEY · Invalid app key."');
  const missing = await failure(apiRun(demo, { appKey: null }), 'APP_KEY_REJECTED');
  expect(missing.message).toContain('MISSING_APP_KEY');
  expect(missing.hint).toContain('test.yaml: portals.api.appKeyEnv');
  expect(demo.portal.submittedCodes('demo01')).toEqual([]);
});

it('wrong credentials: BAD_CREDENTIALS after one login request, never retried, no code asked for', async ({ demo }) => {
  const asked: boolean[] = [];
  const run = apiRun(demo, { password: 'wrong-password', codeSource: () => ({ method: 'totp', rejectedHint: 'test', next: async () => (asked.push(true), { code: '000000', label: 'never' }) }) });
  const error = await failure(run, 'BAD_CREDENTIALS');
  expect(error.message).toContain('INVALID_CREDENTIALS');
  expect(demo.portal.loginAttempts('demo01')).toBe(1);
  expect(asked).toEqual([]);
});

it('a wrong code twice: one retry with a code from a new window, two different codes sent, then CODE_REJECTED', async ({ demo }) => {
  const run = apiRun(demo, { username: 'demo02', totpSecret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' });
  const started = demo.clock.ms;
  const error = await failure(run, 'CODE_REJECTED');
  expect(error.message).toContain('INVALID_OTP');
  expect(error.hint).toContain('Two codes were refused, the second a new one.');
  const codes = demo.portal.submittedCodes('demo02');
  expect(codes).toHaveLength(2);
  expect(codes[0]).not.toBe(codes[1]);
  expect(demo.clock.ms).toBeGreaterThanOrEqual(Math.floor(started / STEP_MS + 1) * STEP_MS); // the retry waited for the next window
  expect(run.lines.some((l) => l.includes('retrying once with a new code'))).toBe(true);
  expect(demo.portal.loginAttempts('demo02')).toBe(1); // the retry reused the interim token
});

it('a code already used elsewhere is refused, and the retry from the next window logs in', async ({ demo }) => {
  const elsewhere = await useWindowElsewhere(demo.portal, 'demo03', demo.clock.ms);
  const result = (await settle(apiRun(demo, { username: 'demo03' }))) as ApiLoginResult;
  expect(result.tokens.authToken).toBeTruthy();
  const [first, sent, retry, ...more] = demo.portal.submittedCodes('demo03');
  expect([first, sent]).toEqual([elsewhere, elsewhere]);
  expect(retry).not.toBe(elsewhere);
  expect(more).toEqual([]);
});

it('an expired code is CODE_REJECTED (the portal says OTP_EXPIRED) after one retry', async ({ demo }) => {
  let n = 0;
  const stale: CodeSource = { method: 'totp', rejectedHint: 'test', next: async () => ({ code: codeAt('demo04', demo.clock.ms - (3 + n++) * STEP_MS), label: `stale ${n}` }) };
  const error = await failure(apiRun(demo, { username: 'demo04', codeSource: () => stale }), 'CODE_REJECTED');
  expect(error.message).toContain('OTP_EXPIRED');
  const codes = demo.portal.submittedCodes('demo04');
  expect(codes).toHaveLength(2);
  expect(codes[0]).not.toBe(codes[1]);
});

it('interim token: missing, wrong and expired each end INTERIM_TOKEN_REJECTED, with the portal\'s own words', async ({ demo }) => {
  const missing = await failure(apiRun(demo, { username: 'demo05', edit: (c) => void (c.verify.interimToken = { header: 'X-Interim' }) }), 'INTERIM_TOKEN_REJECTED');
  expect(missing.message).toContain('MISSING_TOKEN');
  const wrong = await failure(apiRun(demo, { username: 'demo06', edit: (c) => void (c.verify.interimToken = { header: 'Authorization', prefix: 'Bearer x' }) }), 'INTERIM_TOKEN_REJECTED');
  expect(wrong.message).toContain('INVALID_TOKEN');
  // A code source that takes longer than the interim token lives (an email that came late).
  const slow: CodeSource = { method: 'totp', rejectedHint: 'test', next: async () => ((demo.clock.ms += 301_000), { code: codeAt('demo07', demo.clock.ms), label: 'late' }) };
  const expired = await failure(apiRun(demo, { username: 'demo07', codeSource: () => slow }), 'INTERIM_TOKEN_REJECTED');
  expect(expired.message).toContain('TOKEN_EXPIRED');
  expect(expired.hint).toContain('login.interimToken');
});

it('429 after repeated failures: RATE_LIMITED naming Retry-After; nothing else is sent', async ({ demo }) => {
  for (let i = 0; i < 3; i++) await failure(apiRun(demo, { username: 'demo08', password: 'wrong-password' }), 'BAD_CREDENTIALS');
  const error = await failure(apiRun(demo, { username: 'demo08' }), 'RATE_LIMITED');
  expect(error.message).toContain('answered 429 (Retry-After: 60 s)');
  expect(error.hint).toContain('Wait 60 s');
  expect(demo.portal.submittedCodes('demo08')).toEqual([]);
});

it('a locked account: ACCOUNT_LOCKED from the 423', async ({ demo }) => {
  await lockUser(demo.portal, 'demo09');
  const error = await failure(apiRun(demo, { username: 'demo09' }), 'ACCOUNT_LOCKED');
  expect(error.message).toContain('answered 423');
});

it('a 500 with an HTML page: PORTAL_ERROR, "try again later"', async ({ demo }) => {
  const error = await failure(apiRun(demo, { username: API_BROKEN_USER }), 'PORTAL_ERROR');
  expect(error.message).toContain('answered 500: "an HTML page"');
  expect(error.hint).toContain('try again later');
});

it('a 200 without the token where the config says: PORTAL_ERROR naming the fields there are, never their values', async ({ demo }) => {
  const run = apiRun(demo, { username: 'demo10', edit: (c) => void (c.verify.tokens = { authToken: 'data.jwt' }) });
  const error = await failure(run, 'PORTAL_ERROR');
  expect(error.message).toContain('without authToken at data.jwt: a JSON reply with data.token, data.expiresIn');
  expect(error.message).not.toMatch(/[0-9a-f]{32}/);
});

it('clock skew from the first reply\'s Date header: codes on the portal\'s clock; an unbelievable skew sends no code', async ({ demo }) => {
  const ahead = apiRun(demo, { username: 'demo11', localOffsetMs: -45_000 });
  const result = (await settle(ahead)) as ApiLoginResult;
  // The portal's clock is 45 s ahead; its Date header is whole seconds, read as their midpoint.
  expect(result.skewMs).toBe(45_500);
  expect(demo.portal.submittedCodes('demo11')).toEqual([codeAt('demo11', demo.clock.ms)]);
  expect(ahead.lines.some((l) => l.startsWith("warning: The portal's clock is 45.5 s ahead"))).toBe(true);
  await failure(apiRun(demo, { username: 'demo12', localOffsetMs: -10 * 60_000 }), 'CLOCK_SKEW');
  expect(demo.portal.submittedCodes('demo12')).toEqual([]);
});

it('a request that gets no answer within timeoutMs: TIMEOUT', async ({ demo }) => {
  const silent = createServer(() => {}); // accepts, never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api/auth/login`;
  try {
    await failure(apiRun(demo, { timeoutMs: 300, edit: (c) => void (c.login.url = url) }), 'TIMEOUT');
  } finally {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  }
});

/** A whole API login in a fresh node process, from the built modules, on the real clock. */
const CHILD_LOGIN = `
const dist = (path) => import(process.env.DIST + path);
const { apiLogin } = await dist('/flows/http-api.js');
const { apiFlowSchema } = await dist('/config/api-flow-schema.js');
const { demoApiFlowInput } = await dist('/demo-portal/api-config.js');
const { totpCodeSource } = await dist('/codes/totp-source.js');
const { memoryStepLedger } = await dist('/totp/step-ledger.js');
const { resolveTotpSpec } = await dist('/totp/spec.js');
const { Redactor } = await dist('/core/redact.js');
const { offsetClock, systemClock } = await dist('/core/clock.js');
const { DEMO_APP_KEY, DEMO_PASSWORD, demoUser } = await dist('/demo-portal/users.js');
const quiet = { info() {}, warn() {}, debug() {} };
const spec = resolveTotpSpec(demoUser('demo14').totpSecret, {}, 'the test');
const result = await apiLogin({
  portal: apiFlowSchema.parse(demoApiFlowInput(process.env.PORTAL_URL)), portalRef: 'portals.api', username: 'demo14', password: DEMO_PASSWORD, appKey: DEMO_APP_KEY,
  codeSource: (skew) => totpCodeSource({ spec, ledger: memoryStepLedger(), clock: offsetClock(systemClock, skew), minSecondsLeft: 0 }),
  redactor: new Redactor(), log: quiet, timeoutMs: 10000,
});
process.stdout.write(Object.keys(result.tokens).join(','));
`;

test('an API login loads no Playwright', async ({ portal, tempDir }) => {
  const log = join(await tempDir('portal-login-api-imports-'), 'imports.log');
  // Not spawnSync: the portal answers from this process's event loop.
  const child = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    const args = ['--import', join(ROOT, 'tests/support/import-log-hooks.mjs'), '--input-type=module', '-e', CHILD_LOGIN];
    const env = { PATH: process.env.PATH, IMPORT_LOG: log, DIST: `file://${join(ROOT, 'dist')}`, PORTAL_URL: portal.url };
    execFile(process.execPath, args, { env, encoding: 'utf8' }, (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
  expect(child.status, child.stderr).toBe(0);
  expect(child.stdout).toBe('authToken');
  const imported = await readFile(log, 'utf8');
  expect(imported).toContain('dist/flows/http-api.js');
  expect(imported).toContain('tough-cookie');
  expect(imported).not.toMatch(/playwright/);
});
