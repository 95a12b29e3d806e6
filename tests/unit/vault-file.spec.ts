/**
 * The team service's vault file and the pieces the server builds on: the
 * file is encrypted (no secret in it in any form), a wrong key or a changed
 * byte is refused without touching the file, concurrent updates lose
 * nothing, tokens are hashed and scoped, and `unused` never hands a window
 * out twice (clock injected: no waiting).
 */
import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import type { Clock } from '../../core/clock.js';
import { PortalLoginError, type ErrorCode } from '../../core/errors.js';
import { codeIssuer } from '../../service/code-issuer.js';
import { buildEntry } from '../../service/entry-input.js';
import { globMatches } from '../../service/glob.js';
import { tokenBucket } from '../../service/rate-limit.js';
import { fileStepStore } from '../../service/step-store.js';
import { createToken, findToken, mayRead, mayWrite, parseDuration } from '../../service/tokens.js';
import { vaultFile } from '../../service/vault-file.js';
import type { VaultKey } from '../../service/vault-key.js';
import { vaultKeyFrom } from '../../service/vault-key.js';

const SECRET = 'JBSWY3DPEHPK3PXPGEZDGNBVGY3TQOJQ'; // 20 bytes
const NOW = Date.UTC(2026, 0, 5, 9, 0, 10);
const passphrase = (text = 'correct horse battery staple'): VaultKey => ({ kind: 'passphrase', passphrase: text, source: 'TEST_PASSPHRASE' });
const rawKey = (): VaultKey => ({ kind: 'raw', key: randomBytes(32), source: 'TEST_KEY' });

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portal-login-vault-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<PortalLoginError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PortalLoginError);
  expect((error as PortalLoginError).code).toBe(code);
  return error as PortalLoginError;
}

const entry = (name: string, secret = SECRET) => buildEntry({ name, key: secret }, NOW, 'test');

test.describe('vault file', () => {
  for (const [kind, key] of [['passphrase (scrypt)', passphrase()], ['32-byte key (HKDF)', rawKey()]] as const) {
    test(`${kind}: round trip, 0600, and no form of the secret in the file`, async () => {
      const path = join(dir, 'team.vault');
      await vaultFile(path, key, { create: true }).update((draft) => {
        draft.entries.push(entry('acme'));
      });
      const again = await vaultFile(path, key, { create: false }).read();
      expect(again.entries.map((e) => [e.name, e.secret])).toEqual([['acme', SECRET]]);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const bytes = await readFile(path);
      const raw = Buffer.from(new Secret({ buffer: Secret.fromBase32(SECRET).buffer }).bytes);
      for (const form of [Buffer.from(SECRET), Buffer.from(SECRET.toLowerCase()), raw, Buffer.from(raw.toString('base64')), Buffer.from(raw.toString('hex'))]) {
        expect(bytes.includes(form)).toBe(false);
      }
      expect(bytes.includes(Buffer.from('acme'))).toBe(false); // names are encrypted too
    });
  }

  test('a wrong passphrase is VAULT_LOCKED and neither read nor update changes the file', async () => {
    const path = join(dir, 'team.vault');
    await vaultFile(path, passphrase(), { create: true }).update((draft) => void draft.entries.push(entry('acme')));
    const before = await readFile(path);
    const wrong = vaultFile(path, passphrase('not the passphrase at all'), { create: true });
    const error = await expectCode(wrong.read(), 'VAULT_LOCKED');
    expect(error.message).toContain('TEST_PASSPHRASE');
    expect(error.message).not.toContain('not the passphrase');
    await expectCode(wrong.update((draft) => void draft.entries.push(entry('evil'))), 'VAULT_LOCKED');
    expect(await readFile(path)).toEqual(before);
    // A key file for a passphrase vault says which kind of key it needs.
    expect((await expectCode(vaultFile(path, rawKey(), { create: false }).read(), 'VAULT_LOCKED')).message).toContain('passphrase');
  });

  test('a changed byte in the ciphertext, tag or IV is VAULT_CORRUPT; a changed header is refused too', async () => {
    const path = join(dir, 'team.vault');
    const key = rawKey();
    await vaultFile(path, key, { create: true }).update((draft) => void draft.entries.push(entry('acme')));
    const original = JSON.parse(await readFile(path, 'utf8')) as Record<string, string | { salt: string }>;
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[bytes.length - 1]! ^= 1;
      return bytes.toString('base64');
    };
    for (const field of ['ciphertext', 'tag', 'iv'] as const) {
      await writeFile(path, JSON.stringify({ ...original, [field]: flip(original[field] as string) }));
      const error = await expectCode(vaultFile(path, key, { create: false }).read(), 'VAULT_CORRUPT');
      expect(error.message).toContain('authentication tag');
    }
    // The salt is authenticated data and feeds the key: a changed one never decrypts.
    const kdf = original.kdf as { salt: string };
    await writeFile(path, JSON.stringify({ ...original, kdf: { ...kdf, salt: flip(kdf.salt) } }));
    await expect(vaultFile(path, key, { create: false }).read()).rejects.toBeInstanceOf(PortalLoginError);
    await writeFile(path, '{"not":"a vault"}');
    await expectCode(vaultFile(path, key, { create: false }).read(), 'VAULT_CORRUPT');
  });

  test('20 concurrent updates in one process and 2 handles on one file lose nothing', async () => {
    const path = join(dir, 'team.vault');
    const key = rawKey();
    const a = vaultFile(path, key, { create: true });
    const b = vaultFile(path, key, { create: true });
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).update((draft) => void draft.entries.push(entry(`e${i}`)))));
    expect((await a.read()).entries.map((e) => e.name).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}`).sort());
  });

  test('a change that throws writes nothing; current() sees another writer\'s change', async () => {
    const path = join(dir, 'team.vault');
    const key = rawKey();
    const server = vaultFile(path, key, { create: false });
    const cli = vaultFile(path, key, { create: true });
    await cli.update((draft) => void draft.entries.push(entry('acme')));
    expect((await server.current()).entries).toHaveLength(1);
    const before = await readFile(path);
    await expect(cli.update(() => {
      throw new Error('changed my mind');
    })).rejects.toThrow('changed my mind');
    expect(await readFile(path)).toEqual(before);
    await cli.update((draft) => void draft.entries.push(entry('beta')));
    expect((await server.current()).entries.map((e) => e.name)).toEqual(['acme', 'beta']);
  });

  test('a missing vault is a USAGE error for reading; a short passphrase cannot create one', async () => {
    await expectCode(vaultFile(join(dir, 'none.vault'), rawKey(), { create: false }).read(), 'USAGE');
    await expectCode(vaultFile(join(dir, 'new.vault'), passphrase('short'), { create: true }).update(() => undefined), 'USAGE');
  });

  test('the key comes from --key-file (raw, hex or base64), then PORTAL_LOGIN_VAULT_KEY, then the passphrase', async () => {
    const bytes = randomBytes(32);
    for (const content of [bytes, bytes.toString('hex') + '\n', bytes.toString('base64')]) {
      await writeFile(join(dir, 'k'), content);
      const key = await vaultKeyFrom({ keyFile: join(dir, 'k'), env: { PORTAL_LOGIN_VAULT_PASSPHRASE: 'ignored passphrase' } });
      expect(key.kind === 'raw' && key.key.equals(bytes)).toBe(true);
    }
    await writeFile(join(dir, 'k'), 'too short');
    await expectCode(vaultKeyFrom({ keyFile: join(dir, 'k'), env: {} }), 'MISSING_SECRET');
    expect((await vaultKeyFrom({ env: { PORTAL_LOGIN_VAULT_KEY: bytes.toString('hex'), PORTAL_LOGIN_VAULT_PASSPHRASE: 'x' } })).kind).toBe('raw');
    expect((await vaultKeyFrom({ env: { PORTAL_LOGIN_VAULT_PASSPHRASE: 'a passphrase' } })).kind).toBe('passphrase');
    await expectCode(vaultKeyFrom({ env: {} }), 'MISSING_SECRET');
  });
});

test.describe('entries', () => {
  test('an otpauth URI gives issuer, account and parameters; explicit fields win', () => {
    const url = `otpauth://totp/ACME:bob%40example.com?secret=${SECRET}&issuer=ACME&digits=8&period=60&algorithm=SHA256`;
    expect(buildEntry({ name: 'acme', url }, NOW, 'test')).toMatchObject({ issuer: 'ACME', accountName: 'bob@example.com', digits: 8, period: 60, algorithm: 'SHA256', secret: SECRET });
    expect(buildEntry({ name: 'acme', url, period: 30, issuer: 'Other' }, NOW, 'test')).toMatchObject({ issuer: 'Other', period: 30 });
    expect(buildEntry({ name: 'acme', key: 'jbsw y3dp ehpk 3pxp gezd gnbv gy3t qojq' }, NOW, 'test').secret).toBe(SECRET);
  });

  test('bad base32, bad names, both or neither of url/key, and out-of-range parameters are refused without the secret', () => {
    const refused = (fn: () => unknown, code: ErrorCode) => {
      try {
        fn();
      } catch (error) {
        expect((error as PortalLoginError).code).toBe(code);
        expect((error as Error).message).not.toContain('JBSWY3DP');
        return;
      }
      throw new Error('not refused');
    };
    refused(() => buildEntry({ name: 'acme', key: 'JBSWY3DP0000111188889999' }, NOW, 'test'), 'SECRET_INVALID');
    for (const name of ['', '.', '..', 'a/b', 'a b', 'x'.repeat(65), 'é']) refused(() => buildEntry({ name, key: SECRET }, NOW, 'test'), 'USAGE');
    refused(() => buildEntry({ name: 'acme' }, NOW, 'test'), 'USAGE');
    refused(() => buildEntry({ name: 'acme', key: SECRET, url: `otpauth://totp/x?secret=${SECRET}` }, NOW, 'test'), 'USAGE');
    refused(() => buildEntry({ name: 'acme', key: SECRET, period: 5 }, NOW, 'test'), 'USAGE');
    refused(() => buildEntry({ name: 'acme', key: SECRET, digits: 11 }, NOW, 'test'), 'USAGE');
  });
});

test.describe('tokens', () => {
  test('stored as a SHA-256 only; found by value; revoked and expired ones are not', () => {
    const { value, record } = createToken({ name: 'ci', read: ['acme-*'], write: false, expiresAtMs: NOW + parseDuration('1h') }, NOW);
    expect(Buffer.from(value, 'base64url')).toHaveLength(32);
    expect(JSON.stringify(record)).not.toContain(value);
    const other = createToken({ name: 'ops', read: ['*'], write: true, expiresAtMs: null }, NOW);
    expect(findToken([other.record, record], value, NOW)?.id).toBe(record.id);
    expect(findToken([other.record, record], value + 'x', NOW)).toBeUndefined();
    expect(findToken([record], value, NOW + 3_600_000)).toBeUndefined();
    expect(findToken([{ ...record, revoked: true }], value, NOW)).toBeUndefined();
  });

  test('scopes: globs match whole names; write needs the flag and a matching glob', () => {
    const { record } = createToken({ name: 'ci', read: ['acme-*', 'b?ta'], write: true, expiresAtMs: null }, NOW);
    expect([mayRead(record, 'acme-prod'), mayRead(record, 'beta'), mayRead(record, 'xacme-prod'), mayRead(record, 'acme')]).toEqual([true, true, false, false]);
    expect([mayWrite(record, 'acme-prod'), mayWrite(record, 'other')]).toEqual([true, false]);
    expect(mayWrite({ ...record, write: false }, 'acme-prod')).toBe(false);
    expect(globMatches('a.b', 'axb')).toBe(false);
    expect(() => createToken({ name: 'ci', read: ['a/b'], write: false, expiresAtMs: null }, NOW)).toThrow(PortalLoginError);
    expect(() => parseDuration('30 days')).toThrow(PortalLoginError);
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
  });

  test('rate limit: a burst, then one request per 1/rate seconds, with Retry-After', () => {
    let now = NOW;
    const limiter = tokenBucket({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('t').ok)).toEqual([true, true, true, false]);
    expect(limiter.take('t')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('other').ok).toBe(true);
    now += 500;
    expect([limiter.take('t').ok, limiter.take('t').ok]).toEqual([true, false]);
  });
});

test.describe('code issuer', () => {
  const fakeClock = (start: number): Clock & { t: number } => {
    const clock = { t: start, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
    return clock;
  };
  const expected = (step: number, period: number) => TOTP.generate({ secret: Secret.fromBase32(SECRET), period, timestamp: step * period * 1000 });

  test('unused=true: concurrent requests never get the same window; beyond one period they are refused (429)', async () => {
    const clock = fakeClock(Date.UTC(2026, 0, 5, 9, 0, 1)); // 9 s left in a 10 s window
    const issuer = codeIssuer(await fileStepStore(join(dir, 'steps.json')), clock, new Promise(() => {}));
    const acme = { ...entry('acme'), period: 10 };
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => issuer.issue(acme, { minSecondsLeft: 5, unused: true })));
    const served = outcomes.filter((o) => o.ok);
    expect(served.map((o) => o.step)).toEqual([...new Set(served.map((o) => o.step))]);
    expect(served.length).toBeGreaterThanOrEqual(2);
    for (const o of served) expect(o.code).toBe(expected(o.step, 10));
    for (const o of outcomes.filter((x) => !x.ok)) expect(o).toMatchObject({ status: 429 });
    // A restart (a new store on the same file) continues after the last window handed out.
    const restarted = codeIssuer(await fileStepStore(join(dir, 'steps.json')), clock, new Promise(() => {}));
    const next = await restarted.issue(acme, { minSecondsLeft: 0, unused: true });
    expect(next.ok && next.step).toBe(Math.max(...served.map((o) => o.step)) + 1);
  });

  test('an entry replaced with another period neither reuses a handed-out time nor gets stuck', async () => {
    const clock = fakeClock(Date.UTC(2026, 0, 5, 9, 0, 1));
    const issuer = codeIssuer(await fileStepStore(join(dir, 'steps.json')), clock, new Promise(() => {}));
    const short = await issuer.issue({ ...entry('acme'), period: 10 }, { minSecondsLeft: 0, unused: true });
    expect(short.ok).toBe(true);
    const usedUntil = short.ok ? (short.step + 1) * 10_000 : 0;
    const longer = await issuer.issue({ ...entry('acme'), period: 30 }, { minSecondsLeft: 0, unused: true });
    expect(longer.ok).toBe(true); // not 429: the history is kept in time, not in the other period's step numbers
    expect(longer.ok && longer.step * 30_000).toBeGreaterThanOrEqual(usedUntil);
  });

  test('min_seconds_left waits for the next window when the current one is too old', async () => {
    const clock = fakeClock(Date.UTC(2026, 0, 5, 9, 0, 8)); // 2 s left
    const issuer = codeIssuer(await fileStepStore(join(dir, 'steps.json')), clock, new Promise(() => {}));
    const acme = { ...entry('acme'), period: 10 };
    const now = await issuer.issue(acme, { minSecondsLeft: 0, unused: false });
    const fresh = await issuer.issue(acme, { minSecondsLeft: 5, unused: false });
    expect(now.ok && fresh.ok && fresh.step - now.step).toBe(1);
    expect(fresh.ok && fresh.secondsLeft).toBe(10);
  });
});
