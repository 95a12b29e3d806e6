/**
 * Many machines, one Redis, through the real CLI against the demo portal:
 * two sharded refreshes and an unsharded one at once log every account in
 * exactly once and submit no code twice; every session is readable by
 * `export` from another process; Redis killed mid-run is STORE_UNAVAILABLE
 * (exit 24) and the last good session is still there once it is back; the
 * README's Kubernetes and CI examples are parsed and their command run.
 */
import { test, expect } from '../support/fixtures.js';
import { stateEntries } from '../support/state-dir.js';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { inShard, parseShard } from '../../app/shard.js';
import { CLI, ROOT, runCli, type CliRun, type Workspace } from '../support/cli.js';
import { startRedis, type RunningRedis } from '../support/redis.js';

const redisStore = (config: { store?: unknown }) => void (config.store = { redis: { urlEnv: 'REDIS_URL' } });

/** Starts the CLI without waiting for it; `until` waits for its stderr to show `text`. */
function start(args: string[], ws: Workspace, env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ws.dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORTAL_LOGIN_LEDGER_DIR: join(ws.dir, '.ledger'), ...ws.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: CliRun = { status: null, stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (run.stdout += d));
  child.stderr.on('data', (d) => (run.stderr += d));
  const done = new Promise<CliRun>((resolve) => child.on('close', (status) => resolve({ ...run, status })));
  const until = async (text: string) => {
    while (!run.stderr.includes(text)) {
      if (child.exitCode !== null) throw new Error(`exited before "${text}":\n${run.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { run, done, until };
}

const exportJson = async (ws: Workspace, redis: RunningRedis, account: string) => {
  const run = await runCli(['export', account, '--format', 'json', '--config', ws.configPath], { cwd: ws.dir, env: { REDIS_URL: redis.url } });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
};

test('two sharded refreshes and an unsharded one at once: each account logged in once, no code twice, every session exported by another process', async ({ portal, demoWorkspace }) => {
  test.setTimeout(240_000);
  const users = ['demo21', 'demo22', 'demo23', 'demo24', 'demo25', 'demo26'];
  const redis = await startRedis();
  try {
    const ws = await demoWorkspace(portal.url, ['classic'], users, redisStore);
    const env = { REDIS_URL: redis.url };
    const runs = await Promise.all([start(['refresh', '--shard', '1/2', '--config', ws.configPath], ws, env), start(['refresh', '--shard', '2/2', '--config', ws.configPath], ws, env), start(['refresh', '--config', ws.configPath], ws, env)].map((r) => r.done));
    for (const run of runs) expect(run.status, run.stderr).toBe(0);
    // The sharded runs took their own shard's accounts only; together, every account.
    const mentioned = (run: CliRun) => users.filter((u) => new RegExp(`^${u}: `, 'm').test(run.stdout));
    expect(mentioned(runs[0]!)).toEqual(inShard(users, parseShard('1/2')));
    expect(mentioned(runs[1]!)).toEqual(inShard(users, parseShard('2/2')));
    expect(mentioned(runs[2]!)).toEqual(users);
    const loggedIn = runs.flatMap((run) => users.filter((u) => new RegExp(`^${u}: logged in `, 'm').test(run.stdout)));
    expect(loggedIn.sort()).toEqual(users);
    for (const u of users) {
      expect(portal.loginAttempts(u), u).toBe(1);
      expect(portal.submittedCodes(u), u).toHaveLength(1);
    }
    for (const run of runs) expect(run.stdout + run.stderr).not.toContain(redis.password);
    // No session on this machine's disk: the sessions are in Redis (the fast path's learned recipes stay local, in recipes/).
    expect(existsSync(ws.stateDir) ? await stateEntries(ws.stateDir) : []).toEqual([]);
    for (const u of users) {
      const exported = JSON.parse(await exportJson(ws, redis, u)) as { cookies: Array<{ name: string }> };
      expect(exported.cookies.map((c) => c.name), u).toContain('demo_session');
    }
    const status = await runCli(['status', '--json', '--shard', '2/2', '--config', ws.configPath], { cwd: ws.dir, env });
    expect(status.status, status.stderr).toBe(0);
    const accounts = (JSON.parse(status.stdout) as { accounts: Array<{ account: string; valid: string }> }).accounts;
    expect(accounts).toEqual(inShard(users, parseShard('2/2')).map((account) => expect.objectContaining({ account, valid: 'yes' })));
  } finally {
    await redis.stop();
  }
});

test('Redis killed mid-run: STORE_UNAVAILABLE, exit 24, naming host:port and not the password; once it is back the last good session loads and nothing half-written is there', async ({ portal, demoWorkspace }) => {
  test.setTimeout(120_000);
  let redis = await startRedis({ appendOnly: true, keepDir: true });
  try {
    const ws = await demoWorkspace(portal.url, ['classic'], ['demo27', 'demo28'], redisStore);
    const env = { REDIS_URL: redis.url };
    const first = await runCli(['login', 'demo27', '--config', ws.configPath], { cwd: ws.dir, env: { ...ws.env, ...env } });
    expect(first.status, first.stderr).toBe(0);
    const saved = await exportJson(ws, redis, 'demo27');

    const refresh = start(['refresh', '--config', ws.configPath], ws, env);
    await refresh.until('[demo28] Submitted username and password.');
    await redis.kill(); // before demo28's code is claimed or its session saved
    const run = await refresh.done;
    expect(run.status, run.stderr).toBe(24);
    expect(run.stdout).toMatch(/^demo27: kept \(valid until /m);
    expect(run.stderr).toMatch(new RegExp(`demo28: error \\[STORE_UNAVAILABLE\\]: Redis at 127\\.0\\.0\\.1:${redis.port} \\(store\\.redis, REDIS_URL\\) is unavailable while (reading the used-code ledger|claiming a TOTP window|saving the session of demo28)`));
    expect(run.stderr).toContain(`what to do: Check that Redis is running and reachable from this machine (redis-cli -h 127.0.0.1 -p ${redis.port} ping)`);
    expect(run.stdout + run.stderr).not.toContain(redis.password);

    // While it is down, every command says so at once (exit 24), the same way.
    const down = await runCli(['status', '--config', ws.configPath], { cwd: ws.dir, env });
    expect(down.status).toBe(24);
    expect(down.stderr).toContain(`error [STORE_UNAVAILABLE]: Redis at 127.0.0.1:${redis.port} (store.redis, REDIS_URL) is unavailable while connecting: connect ECONNREFUSED`);

    redis = await startRedis({ port: redis.port, password: redis.password, dir: redis.dir, appendOnly: true });
    expect(await exportJson(ws, redis, 'demo27')).toBe(saved);
    const status = await runCli(['status', '--json', '--config', ws.configPath], { cwd: ws.dir, env });
    expect(JSON.parse(status.stdout)).toMatchObject({ accounts: [{ account: 'demo27', valid: 'yes' }, { account: 'demo28', valid: 'no', reason: 'no saved session' }] });
  } finally {
    await redis.stop();
  }
});

test('examples/k8s-cronjob.yaml: an Indexed CronJob in Asia/Kolkata that never overlaps; its command, run for every index, logs each account in once', async ({ portal, demoWorkspace, tempDir }) => {
  test.setTimeout(180_000);
  const job = parse(await readFile(join(ROOT, 'examples/k8s-cronjob.yaml'), 'utf8')) as CronJob;
  expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'CronJob', spec: { timeZone: 'Asia/Kolkata', concurrencyPolicy: 'Forbid' } });
  const { spec } = job.spec.jobTemplate;
  expect(spec.completionMode).toBe('Indexed');
  expect(spec.parallelism).toBe(spec.completions);
  const container = spec.template.spec.containers[0]!;
  expect(container.command.slice(0, 2)).toEqual(['sh', '-c']);
  const command = container.command[2]!;
  expect(command).toContain(`--shard $((JOB_COMPLETION_INDEX+1))/${spec.completions}`);
  expect(container.env.find((e) => e.name === 'REDIS_URL')).toMatchObject({ valueFrom: { secretKeyRef: { name: expect.any(String), key: expect.any(String) } } });

  const users = ['demo29', 'demo30', 'demo31', 'demo32'];
  const redis = await startRedis();
  try {
    const ws = await demoWorkspace(portal.url, ['classic'], users, redisStore);
    // `portal-login` on PATH is this build, as in the image.
    const bin = await tempDir('portal-login-bin-');
    await writeFile(join(bin, 'portal-login'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    await chmod(join(bin, 'portal-login'), 0o755);
    const loggedIn: string[] = [];
    for (let index = 0; index < spec.completions; index++) {
      const run = await new Promise<CliRun>((resolve) => {
        const child = spawn('sh', ['-c', command], {
          cwd: ws.dir,
          env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '', PORTAL_LOGIN_LEDGER_DIR: join(ws.dir, '.ledger'), ...ws.env, JOB_COMPLETION_INDEX: String(index), PORTAL_LOGIN_CONFIG: ws.configPath, REDIS_URL: redis.url },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const out = { stdout: '', stderr: '' };
        child.stdout.on('data', (d) => (out.stdout += d));
        child.stderr.on('data', (d) => (out.stderr += d));
        child.on('close', (status) => resolve({ ...out, status }));
      });
      expect(run.status, run.stderr).toBe(0);
      const mine = inShard(users, { index: index + 1, count: spec.completions });
      if (mine.length === 0) expect(run.stderr).toContain(`Shard ${index + 1}/${spec.completions} holds none of the accounts named; nothing to do.`);
      loggedIn.push(...users.filter((u) => new RegExp(`^${u}: logged in `, 'm').test(run.stdout)));
    }
    expect(loggedIn.sort()).toEqual(users);
    for (const u of users) expect(portal.loginAttempts(u), u).toBe(1);
  } finally {
    await redis.stop();
  }
});

test('examples/ci-matrix.yml: one job per shard, 1..N, each running refresh --shard i/N', async () => {
  const workflow = parse(await readFile(join(ROOT, 'examples/ci-matrix.yml'), 'utf8')) as { jobs: Record<string, { strategy: { matrix: { shard: number[] } }; steps: Array<{ run?: string }> }> };
  const job = Object.values(workflow.jobs)[0]!;
  const shards = job.strategy.matrix.shard;
  expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i + 1));
  const run = job.steps.map((s) => s.run ?? '').find((r) => r.includes('portal-login refresh'))!;
  for (const shard of shards) {
    const line = run.replace('${{ matrix.shard }}', String(shard));
    const value = /--shard (\S+)/.exec(line)![1]!;
    expect(parseShard(value)).toEqual({ index: shard, count: shards.length });
  }
});

interface CronJob {
  spec: {
    jobTemplate: {
      spec: {
        completionMode: string;
        completions: number;
        parallelism: number;
        template: { spec: { containers: Array<{ command: string[]; env: Array<{ name: string; valueFrom?: unknown }> }> } };
      };
    };
  };
}

test('a bad --shard is a usage error (exit 2) saying the format; a store URL variable that is not set is MISSING_SECRET naming it', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo33'], redisStore);
  for (const bad of ['0/2', '3/2', 'x']) {
    const run = await runCli(['status', '--shard', bad, '--config', ws.configPath], { cwd: ws.dir });
    expect(run.status, bad).toBe(2);
    expect(run.stderr).toContain(`error [USAGE]: --shard must be i/n with 1 ≤ i ≤ n ≤ 1000, e.g. --shard 1/3 (got ${bad}).`);
  }
  const unset = await runCli(['status', '--config', ws.configPath], { cwd: ws.dir });
  expect(unset.status).toBe(3);
  expect(unset.stderr).toContain(`error [MISSING_SECRET]: Missing environment variable:\n  - REDIS_URL (${ws.configPath}: store.redis.urlEnv)`);
});
