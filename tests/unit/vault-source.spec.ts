/**
 * The vault code source against small Vault-shaped HTTP servers on loopback:
 * one that answers as HashiCorp Vault does (a code, no window), one as
 * `portal-login serve` does (seconds_left, step). Time is a clock whose
 * sleeps jump it forward at once, shared with the fake server, so window
 * waits cost nothing real.
 */
import { test, expect } from '@playwright/test';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Secret, TOTP } from 'otpauth';
import type { CodeSource } from '../../codes/code-source.js';
import { vaultCodeSource } from '../../codes/vault-source.js';
import { vaultCodeSchema, type VaultCodeConfigInput } from '../../config/vault-code-schema.js';
import type { Clock } from '../../core/clock.js';
import { PortalLoginError } from '../../core/errors.js';
import { Redactor } from '../../core/redact.js';
import { memoryStepLedger, type StepLedger } from '../../totp/step-ledger.js';

const SECRET = 'JBSWY3DPEHPK3PXPGEZDGNBVGY3TQOJQ';
const TOKEN = 'hvs.test-token-never-in-a-url';
/** 10 s into a 30 s window. */
const T0 = Date.UTC(2026, 0, 5, 9, 0, 10);
const STEP0 = Math.floor(T0 / 30_000);

const codeOf = (step: number) => TOTP.generate({ secret: Secret.fromBase32(SECRET), period: 30, digits: 6, timestamp: step * 30_000 });

/** now() in ms; a sleep moves it forward at once. */
function jumpingClock(startMs: number): Clock & { ms: number } {
  const clock = { ms: startMs, now: () => clock.ms, sleep: async (ms: number) => void (clock.ms += Math.max(0, ms)) };
  return clock;
}

interface Fake {
  url: string;
  requests: { url: string; token: string | undefined }[];
  close(): Promise<void>;
}

/** A Vault-shaped server; `answer` gives the status and body of each code request. */
async function fakeVault(answer: (req: IncomingMessage) => { status: number; body?: unknown } | 'hang'): Promise<Fake> {
  const requests: Fake['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', token: req.headers['x-vault-token'] as string | undefined });
    const reply = answer(req);
    if (reply === 'hang') return;
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((done) => (server.closeAllConnections(), server.close(() => done()))),
  };
}

/** HashiCorp Vault's reply: the code at its clock (which may lag ours by `lagMs`), nothing else. */
function hashicorp(clock: Clock, lagMs = 0) {
  return () => ({ status: 200, body: { data: { code: codeOf(Math.floor((clock.now() - lagMs) / 30_000)) } } });
}

function source(address: string, clock: Clock, options: { ledger?: StepLedger; redactor?: Redactor; config?: Partial<VaultCodeConfigInput> } = {}): CodeSource {
  const config = vaultCodeSchema.parse({ source: 'vault', address, tokenEnv: 'VAULT_TOKEN', key: 'acme', ...options.config });
  return vaultCodeSource({ config, token: TOKEN, ref: 'accounts.main.code', clock, ledger: options.ledger ?? memoryStepLedger(), redactor: options.redactor ?? new Redactor(), periodSeconds: 30, minSecondsLeft: 5 });
}

const first = { afterRejection: false, requestedAt: T0 };
const retry = { afterRejection: true, requestedAt: T0 };

test('Vault: the current window when fresh; after a rejection the next window, waited for; the token only in the header; every code redacted', async () => {
  const clock = jumpingClock(T0);
  const vault = await fakeVault(hashicorp(clock));
  const redactor = new Redactor();
  try {
    const codes = source(vault.url, clock, { redactor });
    await codes.opened!();
    const a = await codes.next(first);
    expect(a.code).toBe(codeOf(STEP0));
    expect(a.label).toBe(`vault key acme, window ${STEP0}`);
    const waits: number[] = [];
    const b = await codes.next({ ...retry, onWait: (s) => waits.push(s) });
    expect(b.code).toBe(codeOf(STEP0 + 1));
    expect(clock.ms).toBeGreaterThanOrEqual((STEP0 + 1) * 30_000);
    expect(waits).toEqual([20]);
    for (const r of vault.requests) {
      expect(r.url).toBe('/v1/totp/code/acme'); // no query to Vault, and never the token
      expect(r.token).toBe(TOKEN);
    }
    expect(redactor.redact(`${a.code} ${b.code}`)).toBe('[REDACTED] [REDACTED]'); // the token is the kind's to register (codes/kinds.ts), with the run's other secrets
  } finally {
    await vault.close();
  }
});

test('Vault: fewer than minSecondsLeft left → the next window; two accounts on one ledger never get the same window', async () => {
  const clock = jumpingClock(T0 + 17_000); // 3 s left
  const vault = await fakeVault(hashicorp(clock));
  const ledger = memoryStepLedger();
  try {
    const a = await source(vault.url, clock, { ledger }).next(first);
    expect(a.code).toBe(codeOf(STEP0 + 1));
    const b = await source(vault.url, clock, { ledger }).next(first);
    expect(b.code).toBe(codeOf(STEP0 + 2));
  } finally {
    await vault.close();
  }
});

test('Vault a little behind our clock: after a rejection it asks again until the code differs, never returning the rejected one', async () => {
  const clock = jumpingClock(T0);
  const vault = await fakeVault(hashicorp(clock, 2500));
  try {
    const codes = source(vault.url, clock);
    const a = await codes.next(first);
    const asked = vault.requests.length;
    const b = await codes.next(retry);
    expect(b.code).not.toBe(a.code);
    expect(b.code).toBe(codeOf(STEP0 + 1));
    expect(vault.requests.length - asked).toBe(4); // at the window's start, +1 s, +2 s still the old code; +3 s the new one
  } finally {
    await vault.close();
  }
});

test('portal-login serve: detected by seconds_left, then asked for unused=true and the portal\'s min_seconds_left', async () => {
  const clock = jumpingClock(T0);
  let step = STEP0;
  const ours = await fakeVault(() => ({ status: 200, body: { data: { code: codeOf(step), seconds_left: 20, step: step++ } } }));
  try {
    const codes = source(ours.url, clock);
    await codes.opened!();
    const a = await codes.next(first);
    const b = await codes.next(retry);
    expect([a.code, b.code]).toEqual([codeOf(STEP0 + 1), codeOf(STEP0 + 2)]);
    expect(ours.requests.map((r) => r.url)).toEqual(['/v1/totp/code/acme', '/v1/totp/code/acme?min_seconds_left=5&unused=true', '/v1/totp/code/acme?min_seconds_left=5&unused=true']);
  } finally {
    await ours.close();
  }
});

test('refusals and failures: 403, 404, 503, not a code, unreachable (CODE_SOURCE_FAILED); too slow (CODE_TIMEOUT); the token in none of them', async () => {
  const clock = jumpingClock(T0);
  const cases: Array<[{ status: number; body?: unknown } | 'hang', string, RegExp, RegExp]> = [
    [{ status: 403, body: { errors: ['permission denied'] } }, 'CODE_SOURCE_FAILED', /^permission denied: the token cannot read codes for acme/, /token create .*--read 'acme'.*"totp\/code\/acme" \{ capabilities = \["read"\] \}/],
    [{ status: 404, body: { errors: ['unknown key'] } }, 'CODE_SOURCE_FAILED', /^unknown key acme at the vault .*it says: unknown key/, /accounts\.main\.code\.key/],
    [{ status: 503, body: { errors: ['Vault is sealed'] } }, 'CODE_SOURCE_FAILED', /answered HTTP 503 \(Vault is sealed\)/, /sealed Vault/],
    [{ status: 200, body: { data: { keys: [] } } }, 'CODE_SOURCE_FAILED', /not a TOTP code/, /\.mount/],
    ['hang', 'CODE_TIMEOUT', /gave no code for acme within 0\.3 s/, /timeoutSeconds/],
  ];
  for (const [reply, code, message, hint] of cases) {
    const vault = await fakeVault(() => reply);
    try {
      const error = await source(vault.url, clock, { config: { timeoutSeconds: 0.3 } }).opened!().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortalLoginError);
      const e = error as PortalLoginError;
      expect([e.code, e.message, e.hint], JSON.stringify(reply)).toEqual([code, expect.stringMatching(message), expect.stringMatching(hint)]);
      expect(`${e.message} ${e.hint}`).not.toContain(TOKEN);
    } finally {
      await vault.close();
    }
  }
  const gone = await fakeVault(() => ({ status: 200 }));
  await gone.close();
  const error = (await source(gone.url, clock).opened!().catch((e: unknown) => e)) as PortalLoginError;
  expect([error.code, error.message]).toEqual(['CODE_SOURCE_FAILED', `Could not reach the vault at ${gone.url} (ECONNREFUSED); no code was sent to the portal.`]);
});

test('config: address https (http only to this machine), no credentials or query in it; key and mount checked; url: is said to be address:', () => {
  const problems = (input: Record<string, unknown>) => {
    const result = vaultCodeSchema.safeParse({ source: 'vault', tokenEnv: 'VAULT_TOKEN', key: 'acme', ...input });
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  expect(problems({ address: 'https://vault.example.com:8200/' })).toEqual([]);
  expect(vaultCodeSchema.parse({ source: 'vault', address: 'http://[::1]:8200/', tokenEnv: 'T', key: 'k' })).toEqual({ source: 'vault', address: 'http://[::1]:8200', tokenEnv: 'T', key: 'k', mount: 'totp', timeoutSeconds: 60 });
  expect(problems({ address: 'http://vault.example.com' })).toEqual([expect.stringMatching(/^address: http sends the token and the codes unencrypted.*not "vault.example.com"/)]);
  expect(problems({ address: 'https://me:pw@vault.example.com' })).toEqual([expect.stringMatching(/^address: must not contain a user or password/)]);
  expect(problems({ address: `https://vault.example.com/?token=${TOKEN}` })).toEqual([expect.stringMatching(/^address: must not contain a query/)]);
  expect(problems({ address: 'vault:8200' })).toEqual([expect.stringMatching(/^address: must be an https:/)]);
  expect(problems({ address: 'https://v.example', key: 'a/b', mount: '/totp/' })).toEqual([expect.stringMatching(/^key: must be the key's name/), expect.stringMatching(/^mount: must be the TOTP engine's mount path/)]);
  expect(problems({ address: 'https://v.example', tokenEnv: TOKEN })).toEqual([expect.stringMatching(/^tokenEnv: must be the NAME of the environment variable/)]);
  expect(problems({ url: 'https://v.example' })).toContain(": the vault source takes the server's base URL as address: (as in VAULT_ADDR), not url:");
});
