/**
 * Benchmark: portal-login's `login` command (A) against a minimal hand-written
 * Playwright login (B), both as child processes against one in-process demo
 * portal (classic variant). Interleaved A,B,A,B after one unmeasured warm-up
 * each; reports median wall time and peak process-tree RSS. Always exits 0
 * when every run logged in: the target (A/B ≤ 1.0×) is reported, not enforced.
 *
 * Usage: node dist/bench/run.js [--runs N] [--sample-ms MS] [--code-cache on|off]
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { playwrightExecutablePath } from '../browser/find-browser.js';
import { resolveBrowser } from '../browser/launch.js';
import { DEMO_PASSWORD, demoUser, startDemoPortal } from '../demo-portal/index.js';
import { demoLoginSetup } from '../demo-portal/login-config.js';
import { measureChild, type ChildSpec, type RunMeasure } from './measure.js';
import { MB, ratio, summarize, table } from './stats.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'bin', 'portal-login.js');
const HAND_WRITTEN = join(ROOT, 'dist', 'bench', 'hand-written.js');
const PLAYWRIGHT_LOAD = join(ROOT, 'dist', 'bench', 'playwright-load.js');
/**
 * demo01..demo20 go to portal-login, demo21..demo40 to the hand-written
 * script, in turn. A user comes back only after 20 runs of each side (over a
 * minute, so in a later TOTP window): no run meets replay refusal or waits.
 */
const USERS_PER_SIDE = 20;
const MAX_RUNS = 60;
const TARGET_RATIO = 1.0;

const user = (side: 0 | 1, run: number) => `demo${String(side * USERS_PER_SIDE + (run % USERS_PER_SIDE) + 1).padStart(2, '0')}`;

function options(): { runs: number; sampleMs: number; codeCache: boolean } {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '15' }, 'sample-ms': { type: 'string', default: '50' }, 'code-cache': { type: 'string', default: 'on' } },
  });
  const runs = Number(values.runs);
  const sampleMs = Number(values['sample-ms']);
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) throw new Error(`--runs must be 1..${MAX_RUNS}`);
  if (!(sampleMs >= 5)) throw new Error('--sample-ms must be ≥ 5');
  if (values['code-cache'] !== 'on' && values['code-cache'] !== 'off') throw new Error('--code-cache must be on or off');
  return { runs, sampleMs, codeCache: values['code-cache'] === 'on' };
}

/** "Chromium 156.0..." from the binary both sides launch (the Debian wrapper's stderr noise is dropped). */
async function chromiumVersion(): Promise<string> {
  const { chromium, found } = await resolveBrowser();
  const path = found.executablePath ?? playwrightExecutablePath(chromium) ?? 'chromium';
  try {
    return `${execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()} (${path})`;
  } catch {
    return `unknown (${path})`;
  }
}

async function main(): Promise<void> {
  const { runs, sampleMs, codeCache } = options();
  const work = await mkdtemp(join(tmpdir(), 'portal-login-bench-'));
  const portal = await startDemoPortal();
  try {
    const usersA = Array.from({ length: runs + 1 }, (_, i) => user(0, i));
    const usersB = Array.from({ length: runs + 1 }, (_, i) => user(1, i));
    const { config, env } = demoLoginSetup(portal.url, ['classic'], [...new Set(usersA)], { stateDir: join(work, 'state'), artifactsDir: join(work, 'artifacts') });
    for (const p of Object.values(config.portals ?? {})) p.totp = { ...p.totp, minSecondsLeft: 0 };
    const configPath = join(work, 'portal-login.json');
    await writeFile(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });

    // The used-code ledger and the code cache live in the work dir: a bench run never touches the user's own.
    // A's warm-up run fills the code cache, so the measured runs are like every run after a user's first.
    const benchEnv = { ...process.env, ...env, PORTAL_LOGIN_LEDGER_DIR: join(work, 'ledger'), PORTAL_LOGIN_CACHE_DIR: codeCache ? join(work, 'v8') : 'off' };
    const base = { env: benchEnv, cwd: work, sampleMs };
    const specA = (i: number): ChildSpec => ({
      ...base, label: `A (portal-login, ${usersA[i]})`, command: process.execPath,
      args: [CLI, 'login', usersA[i]!, '--config', configPath, '--state-dir', join(work, 'a', String(i))],
    });
    const specB = (i: number): ChildSpec => ({
      ...base, label: `B (hand-written, ${usersB[i]})`, command: process.execPath,
      args: [HAND_WRITTEN, portal.url, usersB[i]!, DEMO_PASSWORD, demoUser(usersB[i]!).totpSecret, join(work, 'b', `${i}.json`)],
    });
    await mkdir(join(work, 'a'), { recursive: true });
    await mkdir(join(work, 'b'), { recursive: true });

    process.stderr.write(`warm-up: A ${(await measureChild(specA(0))).wallMs.toFixed(0)} ms, `);
    process.stderr.write(`B ${(await measureChild(specB(0))).wallMs.toFixed(0)} ms\n`);
    const loadBefore = loadavg()[0]!;
    const a: RunMeasure[] = [];
    const b: RunMeasure[] = [];
    for (let i = 1; i <= runs; i++) {
      a.push(await measureChild(specA(i)));
      b.push(await measureChild(specB(i)));
      process.stderr.write(`run ${i}/${runs}: A ${a[i - 1]!.wallMs.toFixed(0)} ms, B ${b[i - 1]!.wallMs.toFixed(0)} ms\n`);
    }
    report(a, b, { runs, sampleMs, codeCache, chromium: await chromiumVersion(), load: [loadBefore, loadavg()[0]!] });
    process.stdout.write(playwrightLoad(join(work, 'v8-load'), runs));
  } finally {
    await portal.close();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Loading Playwright on its own, in fresh processes, interleaved: the way B
 * loads it (ESM import), and the ways A does (require, from source and from
 * a warm code cache). Much of A's lead over B is here, so it is shown.
 */
function playwrightLoad(cacheDir: string, runs: number): string {
  const time = (mode: 'import' | 'require' | 'cache') =>
    (JSON.parse(execFileSync(process.execPath, [PLAYWRIGHT_LOAD, mode], { env: { ...process.env, PORTAL_LOGIN_CACHE_DIR: cacheDir }, encoding: 'utf8' })) as { ms: number }).ms;
  time('cache'); // fills the cache
  const ms = { import: [] as number[], require: [] as number[], cache: [] as number[] };
  for (let i = 0; i < runs; i++) for (const mode of ['import', 'require', 'cache'] as const) ms[mode].push(time(mode));
  const [imp, req, cached] = [summarize(ms.import).median, summarize(ms.require).median, summarize(ms.cache).median];
  return [
    '',
    `Loading Playwright in a fresh process (median of ${runs} each, interleaved):`,
    `  import() as B does ${imp.toFixed(0)} ms;  require() from source ${req.toFixed(0)} ms (${ratio(req, imp)});  require() from the code cache as A does ${cached.toFixed(0)} ms (${ratio(cached, imp)}; ${ratio(cached, req)} of from source)`,
    '',
  ].join('\n');
}

interface ReportContext {
  runs: number;
  codeCache: boolean;
  sampleMs: number;
  chromium: string;
  /** 1-minute load average before and after the measured runs. */
  load: [number, number];
}

function report(a: RunMeasure[], b: RunMeasure[], { runs, sampleMs, codeCache, chromium, load }: ReportContext): void {
  const wallA = summarize(a.map((r) => r.wallMs));
  const wallB = summarize(b.map((r) => r.wallMs));
  const rssA = summarize(a.map((r) => r.peakRssBytes / MB));
  const rssB = summarize(b.map((r) => r.peakRssBytes / MB));
  const ms = (v: number) => v.toFixed(0);
  const mb = (v: number) => v.toFixed(0);
  const sampler = [...a, ...b];
  const meanSample = sampler.reduce((s, r) => s + r.meanSampleMs, 0) / sampler.length;
  const out = [
    `portal-login benchmark: classic demo portal, ${runs} runs each, interleaved A,B after 1 unmeasured warm-up each`,
    `machine: nproc ${availableParallelism()}, Node ${process.version}, ${chromium}, ${process.platform}/${process.arch}`,
    `load average (1 min) before/after: ${load[0].toFixed(2)} / ${load[1].toFixed(2)}${Math.max(...load) > availableParallelism() ? '  (above the core count, partly from these runs themselves: figures are noisy)' : ''}`,
    `A = node dist/bin/portal-login.js login <user> (portal-login; code cache ${codeCache ? 'warm, filled by its warm-up run' : 'off'})   B = node dist/bench/hand-written.js (explicit selectors)`,
    '',
    table([
      ['', 'A portal-login', 'B hand-written', 'A/B'],
      ['wall time median (ms)', ms(wallA.median), ms(wallB.median), ratio(wallA.median, wallB.median)],
      ['wall time min..max (ms)', `${ms(wallA.min)}..${ms(wallA.max)}`, `${ms(wallB.min)}..${ms(wallB.max)}`, ''],
      ['peak tree RSS median (MB)', mb(rssA.median), mb(rssB.median), ratio(rssA.median, rssB.median)],
      ['peak tree RSS min..max (MB)', `${mb(rssA.min)}..${mb(rssA.max)}`, `${mb(rssB.min)}..${mb(rssB.max)}`, ''],
    ]),
    '',
    table([['run', ...a.map((_, i) => String(i + 1))], ['A ms', ...a.map((r) => ms(r.wallMs))], ['B ms', ...b.map((r) => ms(r.wallMs))],
      ['A MB', ...a.map((r) => mb(r.peakRssBytes / MB))], ['B MB', ...b.map((r) => mb(r.peakRssBytes / MB))]]),
    '',
    `RSS = sum of VmRSS over the child and all descendants (shared pages counted per process), sampled every ${sampleMs} ms; one sample cost ${meanSample.toFixed(2)} ms on average.`,
  ];
  const wallRatio = wallA.median / wallB.median;
  out.push(wallRatio <= TARGET_RATIO
    ? `TARGET MET: median wall time A/B = ${wallRatio.toFixed(2)}× ≤ ${TARGET_RATIO.toFixed(1)}×`
    : `TARGET MISSED: median wall time A/B = ${wallRatio.toFixed(2)}× > ${TARGET_RATIO.toFixed(1)}× (A is ${ms(wallA.median - wallB.median)} ms slower per login)`);
  process.stdout.write(out.join('\n') + '\n');
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
