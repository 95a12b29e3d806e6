/**
 * Codes served by `portal-login serve` (issue 10; targets ≥ 10,000 codes/s
 * with the audit log on, p99 < 5 ms at 50 concurrent clients): the real CLI
 * as a process, a vault made with `vault add` and `token create`, and
 * `GET /v1/totp/code/:name` plain and with `?unused=false&min_seconds_left=0`
 * spelled out. `unused=true` is not loaded: it hands out one code per window
 * by design. The baseline is a bare node:http server answering a constant
 * JSON (bench/constant-server.ts) under the same load, in interleaved rounds,
 * so the figure to quote is the ratio. With taskset, each server runs on CPU
 * 0 and the load generator on CPU 1: "codes per second on one core".
 *
 * Also runs on its own: node dist/bench/service-load.js [--rounds N] [--seconds S] [--clients C]
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runLoad, type LoadResult, type LoadTarget } from './http-load.js';
import { ratio, summarize, table } from './stats.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLI = join(HERE, '..', 'bin', 'portal-login.js');
const CONSTANT_SERVER = join(HERE, 'constant-server.js');
const SECRET = 'JBSWY3DPEHPK3PXPGEZDGNBVGY3TQOJQ';
const TASKSET = '/usr/bin/taskset';

interface Running {
  url: string;
  child: ChildProcess;
}

/** Starts `args` (a node script and its arguments) pinned to CPU 0 when it can be, and reads the URL it prints. */
async function start(args: string[], cwd: string, pinned: boolean): Promise<Running> {
  const [command, argv] = pinned ? [TASKSET, ['-c', '0', process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(command, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${err}`)));
  });
  return { url, child };
}

async function stop(server: Running): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

export interface ServiceBenchOptions {
  rounds: number;
  seconds: number;
  clients: number;
}

/** The report section. */
export async function serviceLoadBench(options: ServiceBenchOptions): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'portal-login-bench-service-'));
  const pinned = existsSync(TASKSET) && cpus().length >= 2;
  // This process (the load generator) on the other core: the servers get CPU 0 to themselves.
  if (pinned) spawnSync(TASKSET, ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
  const keyFile = join(work, 'vault.key');
  await writeFile(keyFile, randomBytes(32), { mode: 0o600 });
  const vaultArgs = ['--vault', join(work, 'team.vault'), '--key-file', keyFile];
  execFileSync(process.execPath, [CLI, 'vault', 'add', 'acme', ...vaultArgs], { input: SECRET, stdio: ['pipe', 'ignore', 'inherit'] });
  const token = execFileSync(process.execPath, [CLI, 'token', 'create', '--name', 'bench', '--read', '*', ...vaultArgs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const service = await start([CLI, 'serve', '--port', '0', '--rate', '1000000', ...vaultArgs], work, pinned);
  const baseline = await start([CONSTANT_SERVER], work, pinned);
  const headers = { 'X-Vault-Token': token };
  const targets: Array<[string, LoadTarget]> = [
    ['baseline (constant JSON)', { url: `${baseline.url}/v1/totp/code/acme` }],
    ['GET /v1/totp/code/acme', { url: `${service.url}/v1/totp/code/acme`, headers }],
    ['  ?unused=false&min_seconds_left=0', { url: `${service.url}/v1/totp/code/acme?unused=false&min_seconds_left=0`, headers }],
  ];
  const results = targets.map(() => [] as LoadResult[]);
  try {
    await runLoad(targets[1]![1], options.clients, 1000); // warm-up: JIT, connections, the vault file read
    await runLoad(targets[0]![1], options.clients, 1000);
    for (let round = 1; round <= options.rounds; round++) {
      for (const [i, [, target]] of targets.entries()) results[i]!.push(await runLoad(target, options.clients, options.seconds * 1000));
      process.stderr.write(`service round ${round}/${options.rounds}: ${results.map((r) => `${r.at(-1)!.perSecond.toFixed(0)}/s`).join(', ')}\n`);
    }
  } finally {
    await stop(service);
    await stop(baseline);
    if (pinned) spawnSync(TASKSET, ['-pc', `0-${cpus().length - 1}`, String(process.pid)], { stdio: 'ignore' }); // the other suites get every core back
  }
  const auditLines = (await readFile(join(work, 'team.vault.audit.jsonl'), 'utf8')).split('\n').filter(Boolean).length;
  await rm(work, { recursive: true, force: true });
  return report(targets.map(([label]) => label), results, options, pinned, auditLines);
}

function report(labels: string[], results: LoadResult[][], options: ServiceBenchOptions, pinned: boolean, auditLines: number): string {
  const med = (runs: LoadResult[], pick: (r: LoadResult) => number) => summarize(runs.map(pick)).median;
  const base = med(results[0]!, (r) => r.perSecond);
  const rows = [['', 'requests/s', 'vs baseline', 'p50 ms', 'p99 ms', 'errors']];
  for (const [i, runs] of results.entries()) {
    const rps = med(runs, (r) => r.perSecond);
    rows.push([labels[i]!, rps.toFixed(0), i === 0 ? '' : ratio(rps, base), med(runs, (r) => r.p50Ms).toFixed(2), med(runs, (r) => r.p99Ms).toFixed(2), String(runs.reduce((n, r) => n + r.errors, 0))]);
  }
  return [
    '',
    `portal-login serve, codes served: ${options.clients} keep-alive clients, ${options.seconds} s per run, ${options.rounds} interleaved rounds (medians); audit log on (${auditLines} lines written)${pinned ? '; servers on CPU 0, load generator on CPU 1' : ''}. Targets: ≥ 10,000 codes/s, p99 < 5 ms.`,
    table(rows),
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '5' }, clients: { type: 'string', default: '50' } } });
  process.stdout.write(await serviceLoadBench({ rounds: Number(values.rounds), seconds: Number(values.seconds), clients: Number(values.clients) }));
}
