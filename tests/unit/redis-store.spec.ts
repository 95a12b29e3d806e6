/**
 * The Redis store against a real redis-server: one value per session (the
 * state-file JSON), a lock that excludes other runs, is renewed while held
 * and expires when its holder stops, a fenced save that a run whose lock
 * expired (and was taken) cannot make, and STORE_UNAVAILABLE naming host:port,
 * never the password, when Redis is not there or goes away.
 */
import { expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PortalLoginError } from '../../core/errors.js';
import { Redactor } from '../../core/redact.js';
import type { Session } from '../../session/model.js';
import { connectRedis, type RedisConnection } from '../../session/redis-connection.js';
import { toStateFile } from '../../session/state-file.js';
import { openSessionStore, type SessionStore } from '../../session/store.js';
import { freePort, startRedis, type RunningRedis } from '../support/redis.js';
import { redisTest } from '../support/redis-fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const test = redisTest.extend<{ connection: RedisConnection }>({
  connection: async ({ redis }, use) => {
    const connection = await connectRedis(redis.url, { urlEnv: 'REDIS_URL', redactor: new Redactor() });
    await use(connection);
    await connection.close();
  },
});

function session(savedAt = '2026-01-02T03:04:05.000Z', sid = 'sid-value'): Session {
  return {
    cookies: [{ name: 'sid', value: sid, domain: 'a.example', path: '/', expires: -1, httpOnly: true, secure: true, sameSite: 'Lax' }],
    origins: [{ origin: 'https://a.example', localStorage: [{ name: 'token', value: 'ls-token' }] }],
    sessionStorage: { 'https://a.example': { tab: 'signed-in' } },
    tokens: { MAIN_TOKEN: 'tok-1' },
    info: { account: 'main', portal: 'acme', savedAt, obtainedBy: 'login', expiresAt: null, sessionCookies: ['sid'] },
  };
}

const storeOf = (connection: RedisConnection, prefix: string, lockTtlMs?: number): SessionStore =>
  openSessionStore({ kind: 'redis', connection, keyPrefix: prefix, ...(lockTtlMs ? { lockTtlMs } : {}) });

async function thrownBy(promise: Promise<unknown>): Promise<PortalLoginError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PortalLoginError);
  return error as PortalLoginError;
}

test('a session is one value, the state-file JSON, and loads back equal; pathOf names host:port and key, not the password', async ({ redis, connection, prefix }) => {
  const store = storeOf(connection, prefix);
  expect(await store.load('main')).toBeUndefined();
  await store.save('main', session());
  expect(await store.load('main')).toEqual(session());
  expect(await connection.client.keys(`${prefix}*`)).toEqual([`${prefix}session:main`]);
  expect(JSON.parse((await connection.client.get(`${prefix}session:main`))!)).toEqual(toStateFile(session()));
  expect(store.pathOf('main')).toBe(`redis://127.0.0.1:${redis.port}/${prefix}session:main`);
  expect(store.pathOf('main')).not.toContain(redis.password);
});

test('a value that is not a session is CONFIG_INVALID naming its key', async ({ connection, prefix }) => {
  await connection.client.set(`${prefix}session:main`, 'not json');
  const error = await thrownBy(storeOf(connection, prefix).load('main'));
  expect(error.code).toBe('CONFIG_INVALID');
  expect(error.message).toContain(`${prefix}session:main is not a session portal-login can read`);
});

test('the lock excludes a second holder, who waits, then gets LOCK_HELD naming the lock; released, it is free at once', async ({ redis, connection, prefix }) => {
  const a = storeOf(connection, prefix);
  const b = storeOf(connection, prefix);
  let waits = 0;
  const held = await a.lock('main', async () => {
    const error = await thrownBy(b.lock('main', async () => 'never', { waitMs: 300, onWait: () => waits++ }));
    expect(error.code).toBe('LOCK_HELD');
    expect(error.message).toBe(`Account main is in use by another portal-login run (Redis lock ${prefix}lock:main at 127.0.0.1:${redis.port}); waited 0 s.`);
    expect(error.hint).toContain('expires 15 s after it stopped');
    return 'held';
  }, { waitMs: 0 });
  expect(held).toBe('held');
  expect(waits).toBe(1);
  expect(await connection.client.exists(`${prefix}lock:main`)).toBe(0);
  expect(await b.lock('main', async () => 'second', { waitMs: 0 })).toBe('second');
  // Every lock taken moved the fencing counter; the refused attempts did not.
  expect(await connection.client.get(`${prefix}fence:main`)).toBe('2');
});

test('a lock held longer than its expiry is renewed, so nobody else gets it meanwhile', async ({ connection, prefix }) => {
  const a = storeOf(connection, prefix, 300);
  await a.lock('main', async () => {
    for (let i = 0; i < 4; i++) {
      await sleep(250); // four times in a row longer than most of the expiry: only the renewal keeps it
      expect((await thrownBy(storeOf(connection, prefix, 300).lock('main', async () => undefined, { waitMs: 0 }))).code).toBe('LOCK_HELD');
    }
    await a.save('main', session());
  }, { waitMs: 0 });
  expect(await a.load('main')).toEqual(session());
});

test('a lock whose holder was killed expires by itself, and the next run gets it', async ({ redis, connection, prefix }) => {
  const child = holder(redis, prefix);
  await child.line('locked');
  child.process.kill('SIGKILL');
  let waited = false;
  const got = await storeOf(connection, prefix).lock('main', async () => 'mine', { waitMs: 10_000, onWait: () => (waited = true) });
  expect(got).toBe('mine');
  expect(waited).toBe(true);
});

test('a run whose lock expired while it stalled, and was taken by another run, cannot save: the newer session stays', async ({ redis, connection, prefix }) => {
  const late = holder(redis, prefix);
  await late.line('locked');
  late.process.kill('SIGSTOP'); // a paused VM: no renewal, the lock's 600 ms expiry runs out
  while ((await connection.client.exists(`${prefix}lock:main`)) === 1) await sleep(50);
  const store = storeOf(connection, prefix);
  await store.lock('main', () => store.save('main', session('2026-02-02T00:00:00.000Z', 'newer')), { waitMs: 0 });
  late.process.kill('SIGCONT');
  late.process.stdin!.end('go\n');
  const out = await late.done;
  expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({
    code: 'LOCK_HELD',
    message: `Account main's lock (${prefix}lock:main at 127.0.0.1:${redis.port}) expired during this run and another run has taken the account since (fencing token 2 > this run's 1); this run's session was not saved, so the other run's stays.`,
  });
  expect((await store.load('main'))!.cookies[0]!.value).toBe('newer');
});

test('a lock that expired but nobody took: the late save still goes in (nothing newer to protect)', async ({ connection, prefix }) => {
  const store = storeOf(connection, prefix);
  await store.lock('main', async () => {
    await connection.client.del(`${prefix}lock:main`); // as if it had expired
    await store.save('main', session());
  }, { waitMs: 0 });
  expect(await store.load('main')).toEqual(session());
});

test('no Redis at the address: STORE_UNAVAILABLE naming host:port and the variable, never the password', async () => {
  const port = await freePort();
  const redactor = new Redactor();
  const error = await thrownBy(connectRedis(`redis://:hunter2-secret@127.0.0.1:${port}`, { urlEnv: 'DESK_REDIS', redactor }));
  expect(error.code).toBe('STORE_UNAVAILABLE');
  expect(error.exitStatus).toBe(24);
  expect(error.message).toBe(`Redis at 127.0.0.1:${port} (store.redis, DESK_REDIS) is unavailable while connecting: connect ECONNREFUSED 127.0.0.1:${port}.`);
  expect(error.hint).toContain(`redis-cli -h 127.0.0.1 -p ${port} ping`);
  expect(`${error.message} ${error.hint}`).not.toContain('hunter2');
  expect(redactor.redact('x hunter2-secret y')).not.toContain('hunter2-secret');
});

test('a wrong password is STORE_UNAVAILABLE saying so; a URL that is not redis:// is SECRET_INVALID without echoing it', async ({ redis }) => {
  const wrong = await thrownBy(connectRedis(`redis://:not-the-password@127.0.0.1:${redis.port}`, { urlEnv: 'REDIS_URL', redactor: new Redactor() }));
  expect(wrong.code).toBe('STORE_UNAVAILABLE');
  expect(wrong.message).toContain(`Redis at 127.0.0.1:${redis.port} (store.redis, REDIS_URL) refused the password while connecting: WRONGPASS`);
  const bad = await thrownBy(connectRedis('http://:pw-in-url@example.com', { urlEnv: 'REDIS_URL', redactor: new Redactor() }));
  expect(bad.code).toBe('SECRET_INVALID');
  expect(bad.message).toBe('REDIS_URL (store.redis.urlEnv) is not a redis:// or rediss:// URL with a host.');
});

test('Redis going away mid-run: the next call is STORE_UNAVAILABLE (bounded, not a hang) and the saved session is intact after a restart', async () => {
  const redis = await startRedis({ appendOnly: true, keepDir: true });
  const connection = await connectRedis(redis.url, { urlEnv: 'REDIS_URL', redactor: new Redactor() });
  try {
    const store = storeOf(connection, 'p:');
    await store.save('main', session());
    await redis.kill();
    const error = await thrownBy(store.lock('main', () => store.save('main', session('2026-03-03T00:00:00.000Z')), { waitMs: 0 }));
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toMatch(new RegExp(`^Redis at 127\\.0\\.0\\.1:${redis.port} \\(store\\.redis, REDIS_URL\\) is unavailable while locking account main: `));
    expect(error.message).not.toContain(redis.password);
  } finally {
    await connection.close();
  }
  const again = await startRedis({ port: redis.port, password: redis.password, dir: redis.dir, appendOnly: true });
  const reconnected = await connectRedis(again.url, { urlEnv: 'REDIS_URL', redactor: new Redactor() });
  try {
    expect(await storeOf(reconnected, 'p:').load('main')).toEqual(session());
  } finally {
    await reconnected.close();
    await again.stop();
  }
});

test('a Redis that hangs (SIGSTOP) fails the call with STORE_UNAVAILABLE after the command timeout instead of waiting forever', async ({ connection, redis, prefix }) => {
  test.setTimeout(30_000);
  redis.pause();
  try {
    const error = await thrownBy(storeOf(connection, prefix).load('main'));
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toContain('Command timed out');
  } finally {
    redis.resume();
  }
});

/** A child process holding the lock of `main` (600 ms expiry) with the built store; it saves once its stdin says go, and prints what came of it. */
function holder(redis: RunningRedis, prefix: string) {
  expect(existsSync(join(ROOT, 'dist/session/redis-store.js'))).toBe(true); // children use the build: `npm test` builds first
  const script = `
    import { connectRedis } from ${JSON.stringify(join(ROOT, 'dist/session/redis-connection.js'))};
    import { redisSessionStore } from ${JSON.stringify(join(ROOT, 'dist/session/redis-store.js'))};
    import { Redactor } from ${JSON.stringify(join(ROOT, 'dist/core/redact.js'))};
    const connection = await connectRedis(process.env.URL, { urlEnv: 'REDIS_URL', redactor: new Redactor() });
    const store = redisSessionStore({ connection, keyPrefix: process.env.PREFIX, lockTtlMs: 600 });
    const go = new Promise((resolve) => process.stdin.once('data', resolve));
    try {
      await store.lock('main', async () => {
        process.stdout.write('locked\\n');
        await go;
        await store.save('main', JSON.parse(process.env.SESSION));
      }, { waitMs: 0 });
      process.stdout.write(JSON.stringify({ saved: true }) + '\\n');
    } catch (error) {
      process.stdout.write(JSON.stringify({ code: error.code, message: error.message }) + '\\n');
    }
    await connection.close();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, URL: redis.url, PREFIX: prefix, SESSION: JSON.stringify(session('2026-01-01T00:00:00.000Z', 'late')) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<string>((resolve) => child.on('close', () => resolve(out)));
  const line = async (text: string) => {
    while (!out.includes(`${text}\n`)) {
      if (child.exitCode !== null) throw new Error(`holder exited: ${err}`);
      await sleep(20);
    }
  };
  return { process: child, line, done };
}

test('the last login record is its own key, replaced by the next, and read back as stored; a foreign value is none', async ({ connection, prefix }) => {
  const store = storeOf(connection, prefix);
  expect(await store.lastLogin('main')).toBeUndefined();
  await store.recordLogin('main', { at: '2026-01-02T03:04:05.000Z', durationMs: 1200, ok: true });
  await store.recordLogin('main', { at: '2026-01-02T04:00:00.000Z', durationMs: 900, ok: false, code: 'BAD_CREDENTIALS' });
  expect(await store.lastLogin('main')).toEqual({ at: '2026-01-02T04:00:00.000Z', durationMs: 900, ok: false, code: 'BAD_CREDENTIALS' });
  expect(await connection.client.keys(`${prefix}*`)).toEqual([`${prefix}last-login:main`]);
  await connection.client.set(`${prefix}last-login:main`, '{"ok":"maybe"}');
  expect(await store.lastLogin('main')).toBeUndefined();
});
