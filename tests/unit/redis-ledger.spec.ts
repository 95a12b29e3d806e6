/**
 * The used-window ledger in Redis (two machines never submit the same code)
 * and the `store:` setting that selects it: claims are atomic SET NX per
 * (hash of the secret, window), a taken window makes `choose` pick again
 * with it as the last used one, keys never hold the secret and expire; the
 * config's store shapes and openStores' errors.
 */
import { expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../../config/load.js';
import type { ConfigInput } from '../../config/schema.js';
import { PortalLoginError } from '../../core/errors.js';
import { Redactor } from '../../core/redact.js';
import { openStores } from '../../session/open-store.js';
import { connectRedis, type RedisConnection } from '../../session/redis-connection.js';
import { chooseStep } from '../../totp/freshness.js';
import { redisStepLedger } from '../../totp/redis-step-ledger.js';
import { resolveTotpSpec, type TotpSpec } from '../../totp/spec.js';
import { secretKey } from '../../totp/step-ledger.js';
import { redisTest } from '../support/redis-fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'JBSWY3DPEHPK3PXPGEZDGNBVGY3TQOJQ';
const W = 56_666_666;
const START = W * 30_000;
const spec = (secret = SECRET): TotpSpec => resolveTotpSpec(secret, {}, 'test');
const choose = (nowMs: number) => (lastUsedStep: number | undefined) => chooseStep({ nowMs, periodSeconds: 30, minSecondsLeft: 5, lastUsedStep });

const test = redisTest.extend<{ connect: () => Promise<RedisConnection> }>({
  connect: async ({ redis }, use) => {
    const opened: RedisConnection[] = [];
    await use(async () => {
      const connection = await connectRedis(redis.url, { urlEnv: 'REDIS_URL', redactor: new Redactor() });
      opened.push(connection);
      return connection;
    });
    await Promise.all(opened.map((c) => c.close()));
  },
});

test('two machines claiming at the same moment get different windows; the second chooses again with the taken one as last used', async ({ connect, prefix }) => {
  const [a, b] = [redisStepLedger(await connect(), prefix), redisStepLedger(await connect(), prefix)];
  const seen: Array<number | undefined> = [];
  const first = await a.claim(spec(), (last) => (seen.push(last), choose(START + 1_000)(last)));
  const second = await b.claim(spec(), (last) => (seen.push(last), choose(START + 1_000)(last)));
  expect([first.step, second.step]).toEqual([W, W + 1]);
  expect(seen).toEqual([undefined, W]); // `last` told the second machine before it tried
});

test('a window taken without `last` being known (a claim racing this one) is skipped: choose is asked again with it', async ({ connect, prefix }) => {
  const connection = await connect();
  const key = `${prefix}totp:${secretKey(spec())}`;
  await connection.client.set(`${key}:${W}`, 'another machine', 'PX', 60_000); // taken, `last` not yet written
  const seen: Array<number | undefined> = [];
  const chosen = await redisStepLedger(connection, prefix).claim(spec(), (last) => (seen.push(last), choose(START + 1_000)(last)));
  expect(seen).toEqual([undefined, W]);
  expect(chosen.step).toBe(W + 1);
  expect(await connection.client.get(`${key}:last`)).toBe(String(W + 1));
});

test('keys name a hash of the secret, never the secret, and every claim expires a few periods after its window', async ({ connect, prefix }) => {
  const connection = await connect();
  await redisStepLedger(connection, prefix).claim(spec(), choose(START + 1_000));
  const keys = await connection.client.keys(`${prefix}*`);
  expect(keys.sort()).toEqual([`${prefix}totp:${secretKey(spec())}:${W}`, `${prefix}totp:${secretKey(spec())}:last`].sort());
  for (const key of keys) {
    expect(key).not.toContain(SECRET);
    expect(await connection.client.get(key)).not.toContain(SECRET);
    expect(await connection.client.pttl(key)).toBeGreaterThan(0);
  }
  // The window is long past (START is in 2023): kept 3 periods from now, no more.
  expect(await connection.client.pttl(`${prefix}totp:${secretKey(spec())}:${W}`)).toBeLessThanOrEqual(90_000);
});

test('secrets are tracked separately', async ({ connect, prefix }) => {
  const ledger = redisStepLedger(await connect(), prefix);
  await ledger.claim(spec(), choose(START + 1_000));
  expect((await ledger.claim(spec('GEZDGNBVGY3TQOJQJBSWY3DPEHPK3PXP'), choose(START + 1_000))).step).toBe(W);
});

test('4 processes claiming concurrently on one Redis never get the same window', async ({ redis, prefix }) => {
  test.setTimeout(60_000);
  const child = `
    import { connectRedis } from ${JSON.stringify(join(ROOT, 'dist/session/redis-connection.js'))};
    import { redisStepLedger } from ${JSON.stringify(join(ROOT, 'dist/totp/redis-step-ledger.js'))};
    import { resolveTotpSpec } from ${JSON.stringify(join(ROOT, 'dist/totp/spec.js'))};
    import { Redactor } from ${JSON.stringify(join(ROOT, 'dist/core/redact.js'))};
    const connection = await connectRedis(process.env.URL, { urlEnv: 'REDIS_URL', redactor: new Redactor() });
    const ledger = redisStepLedger(connection, process.env.PREFIX);
    const spec = resolveTotpSpec(process.env.SECRET, {}, 'child');
    while (Date.now() < Number(process.env.START_AT)) await new Promise((r) => setTimeout(r, 5));
    const current = Number(process.env.CURRENT);
    const steps = [];
    for (let i = 0; i < 5; i++) steps.push((await ledger.claim(spec, (last) => ({ step: Math.max(current, (last ?? -Infinity) + 1) }))).step);
    await connection.close();
    process.stdout.write(JSON.stringify(steps));
  `;
  const env = { ...process.env, URL: redis.url, PREFIX: prefix, SECRET, CURRENT: String(W), START_AT: String(Date.now() + 1_500) };
  const runs = Array.from({ length: 4 }, () => new Promise<number[]>((done, fail) => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', child], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    proc.on('close', (code) => (code === 0 ? done(JSON.parse(out) as number[]) : fail(new Error(`child exited ${code}: ${err}`))));
  }));
  const steps = (await Promise.all(runs)).flat();
  expect(new Set(steps).size).toBe(20);
  expect([...steps].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => W + i));
});

test.describe('store: in the config', () => {
  const config = (store?: unknown): ConfigInput => ({ ...(store === undefined ? {} : { store: store as ConfigInput['store'] }), portals: {}, accounts: {} });
  const problems = (store: unknown) => {
    try {
      validateConfig(config(store), 'c.yaml');
    } catch (error) {
      return (error as PortalLoginError).message;
    }
    return 'valid';
  };

  test('default file; { file: {} }; { redis: { urlEnv } } with the default key prefix', () => {
    expect(validateConfig(config(), 'c.yaml').store).toEqual({ kind: 'file' });
    expect(validateConfig(config({ file: {} }), 'c.yaml').store).toEqual({ kind: 'file' });
    expect(validateConfig(config({ redis: { urlEnv: 'REDIS_URL' } }), 'c.yaml').store).toEqual({ kind: 'redis', urlEnv: 'REDIS_URL', keyPrefix: 'portal-login:' });
    expect(validateConfig(config({ redis: { urlEnv: 'R', keyPrefix: 'desk-a:' } }), 'c.yaml').store).toEqual({ kind: 'redis', urlEnv: 'R', keyPrefix: 'desk-a:' });
  });

  test('both kinds, none, a URL where the variable name belongs, an unknown key: each its own message at its path', () => {
    expect(problems({ file: {}, redis: { urlEnv: 'R' } })).toContain('  - store: name exactly one store kind: { file: {} } (the default) or { redis: { urlEnv: REDIS_URL } }');
    expect(problems({})).toContain('  - store: name exactly one store kind');
    const pasted = problems({ redis: { urlEnv: 'redis://:hunter2@10.0.0.5:6379' } });
    expect(pasted).toContain('  - store.redis.urlEnv: must be the NAME of the environment variable that holds the Redis URL');
    expect(pasted).not.toContain('hunter2');
    expect(problems({ redis: { urlEnv: 'R', url: 'x' } })).toContain('  - store.redis: Unrecognized key: "url"');
    expect(problems({ redis: { urlEnv: 'R', keyPrefix: 'has space' } })).toContain('  - store.redis.keyPrefix: may use letters, digits and : . _ -');
  });
});

test.describe('openStores', () => {
  const input = (env: Record<string, string>, redactor = new Redactor()) => ({
    store: { kind: 'redis' as const, urlEnv: 'DESK_REDIS_URL', keyPrefix: 'x:' },
    stateDir: '/nonexistent/state',
    ledgerDir: '/nonexistent/ledger',
    env,
    redactor,
    source: '/etc/portal-login.yaml',
  });

  test('the URL variable missing is MISSING_SECRET naming it and the config key', async () => {
    const error = await openStores(input({})).then(() => undefined, (e: unknown) => e as PortalLoginError);
    expect(error?.code).toBe('MISSING_SECRET');
    expect(error?.message).toBe('Missing environment variable:\n  - DESK_REDIS_URL (/etc/portal-login.yaml: store.redis.urlEnv)');
  });

  test('the URL\'s password is registered with the redactor before anything else happens', async ({ redis }) => {
    const redactor = new Redactor();
    const stores = await openStores(input({ DESK_REDIS_URL: redis.url }, redactor));
    await stores.close();
    expect(redactor.redact(`url ${redis.url}`)).not.toContain(redis.password);
  });
});
