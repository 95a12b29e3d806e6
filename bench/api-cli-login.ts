/**
 * API login, both sides as processes (issue 8; target ≤ 1.1×): A is the
 * installed bin, `portal-login login <user>` with the config a user writes
 * for the demo's login API (demoApiLoginSetup: flow api, probe /api/me), B
 * the same two requests with bare fetch in a process of its own
 * (bench/api-bare-cli.ts). Both pay a Node start-up; what A adds on top is
 * its own start-up (yargs, config schema, the store, the ledger) and its
 * checks. minSecondsLeft 0: A never waits for a fresh TOTP window (B does
 * not either), and the user pool keeps every login in an unused window.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { DEMO_APP_KEY, DEMO_PASSWORD, demoUser } from '../demo-portal/index.js';
import { demoApiLoginSetup } from '../demo-portal/login-config.js';
import { timeChild } from './measure.js';
import { ratio, summarize, table } from './stats.js';
import type { UserPool } from './users.js';

const TARGET_RATIO = 1.1;

export interface ApiCliBenchOptions {
  cli: string;
  /** dist/bench/api-bare-cli.js */
  bare: string;
  portalUrl: string;
  work: string;
  users: readonly string[];
  pool: UserPool;
  runs: number;
}

type Side = 'A' | 'B';

export async function apiCliBench(opts: ApiCliBenchOptions): Promise<string> {
  const { cli, bare, portalUrl, work, pool, runs } = opts;
  const { config, env } = demoApiLoginSetup(portalUrl, opts.users, { stateDir: join(work, 'api-state'), artifactsDir: join(work, 'api-artifacts') });
  for (const p of Object.values(config.portals ?? {})) p.totp = { ...p.totp, minSecondsLeft: 0 };
  const configPath = join(work, 'api-cli.json');
  await writeFile(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  await mkdir(join(work, 'api-state'), { recursive: true });
  const childEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORTAL_LOGIN_LEDGER_DIR: join(work, 'api-ledger'), PORTAL_LOGIN_CACHE_DIR: join(work, 'v8-api') };
  let serial = 0;
  const args: Record<Side, (user: string) => string[]> = {
    A: (user) => [cli, 'login', user, '--config', configPath, '--state-dir', join(work, 'api-state', String(++serial))],
    B: (user) => [bare, portalUrl, user, DEMO_PASSWORD, DEMO_APP_KEY, demoUser(user).totpSecret],
  };
  const cpu: Record<Side, number[]> = { A: [], B: [] };
  const once = async (side: Side): Promise<number> => {
    const user = await pool.take();
    try {
      const measured = await timeChild({ label: `api ${side} (${user})`, command: process.execPath, args: args[side](user), env: childEnv, cwd: work });
      cpu[side].push(measured.cpuMs);
      return measured.wallMs;
    } finally {
      pool.release(user);
    }
  };
  for (let i = 0; i < 2; i++) for (const side of ['A', 'B'] as const) await once(side);
  const loadBefore = loadavg();
  cpu.A.length = 0;
  cpu.B.length = 0; // the warm-ups' are not counted
  const times: Record<Side, number[]> = { A: [], B: [] };
  for (let i = 0; i < runs; i++) for (const side of ['A', 'B'] as const) times[side].push(await once(side));
  const [a, b] = [summarize(times.A), summarize(times.B)];
  const paired = summarize(times.A.map((ms, i) => ms / times.B[i]!)).median;
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  const ms = (v: number) => v.toFixed(0);
  const r = a.median / b.median;
  const [cpuA, cpuB] = [summarize(cpu.A).median, summarize(cpu.B).median];
  return [
    '',
    `API login, bin against bare fetch, both as processes: ${runs} runs per side interleaved A,B after 2 warm-ups each, medians:`,
    `machine: nproc ${availableParallelism()}; load average (1/5/15 min) before ${load(loadBefore)}, after ${load(loadavg())}${loadavg()[0]! > availableParallelism() ? ' (above the core count: figures are noisy)' : ''}`,
    'A = node dist/bin/portal-login.js login <user> (flow api, demoApiLoginSetup; TOTP source, ledger, store, probe)   B = node dist/bench/api-bare-cli.js (the two requests with bare fetch)',
    table([
      ['', 'A median ms', 'B median ms', 'A/B', 'paired A/B', 'A − B ms', 'A min..max ms', 'B min..max ms', 'A CPU ms', 'B CPU ms', 'CPU A/B'],
      ['api (processes)', ms(a.median), ms(b.median), ratio(a.median, b.median), `${paired.toFixed(2)}×`, ms(a.median - b.median), `${ms(a.min)}..${ms(a.max)}`, `${ms(b.min)}..${ms(b.max)}`, ms(cpuA), ms(cpuB), ratio(cpuA, cpuB)],
    ]),
    r <= TARGET_RATIO
      ? `api (processes): TARGET MET: median A/B = ${r.toFixed(2)}× ≤ ${TARGET_RATIO}×`
      : `api (processes): TARGET MISSED: median A/B = ${r.toFixed(2)}× > ${TARGET_RATIO}× (A takes ${ms(a.median - b.median)} ms more; most of it is the bin's start-up, see the README "Measured")`,
    '',
  ].join('\n');
}
