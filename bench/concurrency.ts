/**
 * Concurrency benchmark (issue 9): `portal-login login` of 20 and of 50 demo
 * accounts from scratch (no saved session) at the default concurrency,
 * against the same number of accounts with `--concurrency 1`, in one child
 * process each. Rounds interleave the levels (20 default, 20 × 1, 50
 * default, 50 × 1, …) so load from elsewhere falls on all alike. Per run:
 * wall time, peak PSS and RSS of the whole process tree (node + every
 * Chromium process), and the tree's CPU time, which says whether the run
 * was bound by the machine's cores rather than by waiting.
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { defaultConcurrency } from '../app/concurrency.js';
import { demoLoginSetup } from '../demo-portal/login-config.js';
import { measureChild, type RunMeasure } from './measure.js';
import { MB, ratio, summarize, table } from './stats.js';
import type { UserPool } from './users.js';

/** The issue's targets: the default at least 4× faster than one at a time for 50 accounts, peak PSS under 1.5 GB. */
const TARGET_SPEEDUP = 4;
const TARGET_PEAK_BYTES = 1.5 * 1024 ** 3;

export interface ConcurrencyBenchOptions {
  cli: string;
  portalUrl: string;
  /** Scratch folder (state dirs, ledger, code cache); the caller removes it. */
  work: string;
  /** Every user the pool can hand out (the config has an account for each). */
  users: readonly string[];
  pool: UserPool;
  /** Account counts, e.g. [20, 50]. */
  sizes: readonly number[];
  /** `--concurrency` values besides 1 (the baseline); undefined = no flag, the CLI's default. */
  levels: readonly (number | undefined)[];
  rounds: number;
  sampleMs: number;
}

interface Cell {
  size: number;
  /** undefined: the default. */
  level: number | undefined;
  runs: RunMeasure[];
}

/** The sampled CPU of the node process(es); the rest of the tree is Chromium. */
const nodeCpu = (r: RunMeasure) => r.cpuMsByName.node ?? 0;

const levelName = (level: number | undefined) => (level === undefined ? `default (${defaultConcurrency()})` : String(level));

export async function concurrencyBench(opts: ConcurrencyBenchOptions): Promise<string> {
  const { work, pool, sizes, rounds } = opts;
  if (Math.max(...sizes) > opts.users.length) throw new Error(`concurrency bench: ${Math.max(...sizes)} accounts need as many demo users (have ${opts.users.length})`);
  const { config, env } = demoLoginSetup(opts.portalUrl, ['classic'], opts.users, { stateDir: join(work, 'state'), artifactsDir: join(work, 'artifacts') });
  // The bench times logins, not waits for a fresh TOTP window; the pool keeps users out of used windows.
  for (const p of Object.values(config.portals ?? {})) p.totp = { ...p.totp, minSecondsLeft: 0 };
  const configPath = join(work, 'concurrency.json');
  await writeFile(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  const childEnv = { ...process.env, ...env, PORTAL_LOGIN_LEDGER_DIR: join(work, 'ledger'), PORTAL_LOGIN_CACHE_DIR: join(work, 'v8') };

  let serial = 0;
  const once = async (size: number, level: number | undefined): Promise<RunMeasure> => {
    const users: string[] = [];
    for (let i = 0; i < size; i++) users.push(await pool.take()); // may wait for a window: untimed
    const stateDir = join(work, 'concurrency-state', String(++serial)); // from scratch: no saved session
    const args = [opts.cli, 'login', ...users, '--config', configPath, '--state-dir', stateDir, ...(level === undefined ? [] : ['--concurrency', String(level)])];
    try {
      return await measureChild({ label: `login of ${size} at concurrency ${levelName(level)}`, command: process.execPath, args, env: childEnv, cwd: work, sampleMs: opts.sampleMs, pss: true });
    } finally {
      for (const user of users) pool.release(user);
    }
  };

  const warm = await once(1, undefined); // fills the code cache, as every run after a machine's first has it
  process.stderr.write(`warm-up concurrency: 1 account ${warm.wallMs.toFixed(0)} ms\n`);
  const levels = [...opts.levels, 1];
  const cells: Cell[] = sizes.flatMap((size) => levels.map((level) => ({ size, level, runs: [] as RunMeasure[] })));
  const loadBefore = loadavg();
  for (let round = 1; round <= rounds; round++) {
    for (const cell of cells) cell.runs.push(await once(cell.size, cell.level));
    process.stderr.write(`concurrency round ${round}/${rounds}: ${cells.map((c) => `${c.size}@${c.level ?? 'default'} ${(c.runs.at(-1)!.wallMs / 1000).toFixed(1)} s`).join(', ')}\n`);
  }
  return concurrencyReport(cells, { rounds, loadBefore, loadAfter: loadavg(), sampleMs: opts.sampleMs });
}

function concurrencyReport(cells: readonly Cell[], context: { rounds: number; loadBefore: number[]; loadAfter: number[]; sampleMs: number }): string {
  const baseline = (size: number) => cells.find((c) => c.size === size && c.level === 1)!;
  const median = (runs: RunMeasure[], pick: (r: RunMeasure) => number) => summarize(runs.map(pick)).median;
  const rows = cells.map((cell) => {
    const base = baseline(cell.size);
    const wall = median(cell.runs, (r) => r.wallMs);
    const paired = summarize(cell.runs.map((r, i) => base.runs[i]!.wallMs / r.wallMs)).median;
    const cpu = median(cell.runs, (r) => r.cpuMs);
    return [
      String(cell.size), levelName(cell.level), (wall / 1000).toFixed(1), `${(cell.size / (wall / 1000)).toFixed(2)}`,
      cell.level === 1 ? '1.00×' : ratio(median(base.runs, (r) => r.wallMs), wall), cell.level === 1 ? '1.00×' : `${paired.toFixed(2)}×`,
      (cpu / 1000).toFixed(1), (median(cell.runs, nodeCpu) / 1000).toFixed(1), (median(cell.runs, (r) => r.cpuMs / r.wallMs)).toFixed(2), (cpu / cell.size / 1000).toFixed(2),
      median(cell.runs, (r) => r.peakPssBytes / MB).toFixed(0), median(cell.runs, (r) => r.peakRssBytes / MB).toFixed(0), String(median(cell.runs, (r) => r.peakProcesses)),
    ];
  });
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  const verdicts = cells.filter((c) => c.level === undefined).map((cell) => {
    const speedup = median(baseline(cell.size).runs, (r) => r.wallMs) / median(cell.runs, (r) => r.wallMs);
    const peak = Math.max(...cell.runs.map((r) => r.peakPssBytes));
    const speedVerdict = cell.size < 50 ? `${speedup.toFixed(2)}× faster than one at a time (the target is set for 50)` : speedup >= TARGET_SPEEDUP ? `TARGET MET: ${speedup.toFixed(2)}× ≥ ${TARGET_SPEEDUP}× faster` : `TARGET MISSED: ${speedup.toFixed(2)}× faster, target ${TARGET_SPEEDUP}× (${(TARGET_SPEEDUP / speedup).toFixed(2)}× short)`;
    const memVerdict = peak < TARGET_PEAK_BYTES ? `peak PSS ${(peak / MB).toFixed(0)} MB < 1536 MB: met` : `peak PSS ${(peak / MB).toFixed(0)} MB ≥ 1536 MB: MISSED`;
    return `${cell.size} accounts at the default: ${speedVerdict}; ${memVerdict}`;
  });
  return [
    '',
    `Concurrency (issue 9): portal-login login of N classic demo accounts from scratch, one child process per run, ${context.rounds} rounds interleaved, medians:`,
    `machine: nproc ${availableParallelism()}; load average (1/5/15 min) before ${load(context.loadBefore)}, after ${load(context.loadAfter)}${context.loadAfter[0]! > availableParallelism() ? ' (above the core count: figures are noisy)' : ''}`,
    table([
      ['accounts', 'concurrency', 'wall s', 'logins/s', 'vs --concurrency 1', 'paired', 'tree CPU s', 'of it node', 'cores busy', 'CPU s/login', 'peak PSS MB', 'peak RSS MB', 'processes'],
      ...rows,
    ]),
    `cores busy = tree CPU time / wall time (at most ${availableParallelism()} here): near the core count, a run is bound by CPU and more concurrency cannot help.`,
    `PSS and RSS = peak over samples every ${context.sampleMs} ms of the sum over node and every Chromium process (PSS splits shared pages between the processes mapping them; RSS counts them in each).`,
    ...verdicts,
    '',
  ].join('\n');
}
