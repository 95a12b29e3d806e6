/**
 * `refresh` of 50 valid sessions from the Redis store (issue 9; target
 * < 0.5 s): the real CLI, a real redis-server on a loopback port, and a tiny
 * local probe endpoint that answers 200 to the session cookie, so what is
 * measured is start-up, 50 loads from Redis and 50 probes. No browser: a
 * refresh that keeps every session launches none. The same sessions from
 * the file store, in interleaved runs, show what Redis itself adds.
 *
 * Also runs on its own: node dist/bench/redis-refresh.js [--runs N]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Redactor } from '../core/redact.js';
import type { Session } from '../session/model.js';
import { fileSessionStore } from '../session/file-store.js';
import { connectRedis } from '../session/redis-connection.js';
import { redisSessionStore } from '../session/redis-store.js';
import { benchAccountNames, listen, sessionOf, sessionsConfig, startProbe } from './session-fixture.js';
import { summarize } from './stats.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'portal-login.js');
const REDIS_SERVER = '/usr/bin/redis-server';
const ACCOUNTS = 50;
const TARGET_MS = 500;

/** The report section; "skipped" with the reason when redis-server is not installed. */
export async function redisRefreshBench(runs: number): Promise<string> {
  if (!existsSync(REDIS_SERVER)) return `\nrefresh of ${ACCOUNTS} valid sessions from Redis: skipped (no ${REDIS_SERVER}; apt-get install redis-server)\n`;
  const work = await mkdtemp(join(tmpdir(), 'portal-login-bench-redis-'));
  const probe = await startProbe();
  const redis = await startRedis(work);
  try {
    const names = benchAccountNames(ACCOUNTS);
    const config = { store: { redis: { urlEnv: 'REDIS_URL' } }, ...sessionsConfig(probe.url, names) };
    const configPath = join(work, 'portal-login.json');
    const fileConfigPath = join(work, 'portal-login-file.json');
    const stateDir = join(work, 'state');
    await writeFile(configPath, JSON.stringify(config), { mode: 0o600 });
    await writeFile(fileConfigPath, JSON.stringify({ ...config, store: { file: {} }, stateDir }), { mode: 0o600 });
    const sessions = names.map(sessionOf);
    await saveSessions(redis.url, stateDir, sessions);
    const sides = { redis: () => timedRefresh(configPath, work, redis.url), file: () => timedRefresh(fileConfigPath, work, redis.url) };
    // Warm-up: the page cache and V8's code cache, as on every run after a machine's first.
    await sides.redis();
    await sides.file();
    const times = { redis: [] as number[], file: [] as number[] };
    for (let i = 0; i < runs; i++) for (const side of ['redis', 'file'] as const) times[side].push(await sides[side]());
    const [r, f] = [summarize(times.redis), summarize(times.file)];
    return [
      '',
      `refresh of ${ACCOUNTS} valid sessions (probe each, no browser), median of ${runs} interleaved runs:`,
      `  Redis store ${r.median.toFixed(0)} ms (min ${r.min.toFixed(0)}, max ${r.max.toFixed(0)}); target < ${TARGET_MS} ms: ${r.median < TARGET_MS ? 'met' : 'NOT met'}`,
      `  file store  ${f.median.toFixed(0)} ms (min ${f.min.toFixed(0)}, max ${f.max.toFixed(0)}); Redis adds ${(r.median - f.median).toFixed(0)} ms (loading ioredis, connecting)`,
      '',
    ].join('\n');
  } finally {
    redis.stop();
    probe.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** The same sessions into Redis and into the file store's folder. */
async function saveSessions(url: string, stateDir: string, sessions: readonly Session[]): Promise<void> {
  const connection = await connectRedis(url, { urlEnv: 'REDIS_URL', redactor: new Redactor() });
  const redis = redisSessionStore({ connection, keyPrefix: 'portal-login:' });
  const files = fileSessionStore(stateDir);
  await Promise.all(sessions.flatMap((s) => [redis.save(s.info.account, s), files.save(s.info.account, s)]));
  await connection.close();
}

/** One `portal-login refresh` (all kept, or it throws), wall time in ms. */
function timedRefresh(configPath: string, cwd: string, redisUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, 'refresh', '--config', configPath], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', REDIS_URL: redisUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const kept = out.split('\n').filter((line) => / kept \(/.test(line)).length;
      if (code === 0 && kept === ACCOUNTS) resolve(ms);
      else reject(new Error(`refresh exited ${code} with ${kept}/${ACCOUNTS} kept:\n${out}`));
    });
  });
}

async function startRedis(dir: string): Promise<{ url: string; stop: () => void }> {
  const probe = await listen(createServer());
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  const password = randomBytes(12).toString('hex');
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--requirepass', password], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d: Buffer) => ((text += d.toString()), text.includes('Ready to accept connections') && resolve()));
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}:\n${text}`)));
  });
  child.stdout.resume();
  return { url: `redis://:${password}@127.0.0.1:${port}`, stop: () => void child.kill('SIGTERM') };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
  process.stdout.write(await redisRefreshBench(Number(values.runs)));
}
