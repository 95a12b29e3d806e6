/**
 * Benchmark: portal-login's `login` command (A) against a minimal hand-written
 * Playwright login (B) on several demo-portal variants, both as child
 * processes against one in-process demo portal. After one unmeasured warm-up
 * of each side on each variant, runs go in rounds (classic A, classic B,
 * autosubmit A, autosubmit B, …), so load from elsewhere falls on every
 * column alike; reports median wall time and peak process-tree RSS per
 * variant. Always exits 0 when every run logged in: the target (A/B ≤ 1.0×)
 * is reported, not enforced.
 *
 * Then the API login (bench/api-login.ts): apiLogin against bare fetch, in-process,
 * and the bin against bare fetch, both as processes (bench/api-cli-login.ts).
 * Then `refresh` from Redis (bench/redis-refresh.ts); `status`, `refresh` and
 * `export` against `node -e 0` and `totp` (bench/sessions.ts); the email
 * source's latency through a real Dovecot (bench/email-otp.ts); the fast path
 * (bench/fast-path.ts): a replayed login against the browser login; codes
 * served by `portal-login serve` against a bare node:http baseline
 * (bench/service-load.ts); concurrency (bench/concurrency.ts): 20 and 50
 * accounts at the default concurrency against one at a time, wall time, CPU and peak PSS.
 *
 * Usage: node dist/bench/run.js [--runs N] [--variants classic,autosubmit,sameform] [--sample-ms MS] [--code-cache on|off]
 *   [--suites browser,api,redis,sessions,email,fastpath,service,concurrency] [--accounts 20,50] [--levels default,4] [--concurrency-runs N]
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { playwrightExecutablePath } from '../browser/find-browser.js';
import { resolveBrowser } from '../browser/launch.js';
import { systemClock } from '../core/clock.js';
import { DEMO_PASSWORD, DEMO_USERNAMES, demoUser, startDemoPortal } from '../demo-portal/index.js';
import { demoLoginSetup } from '../demo-portal/login-config.js';
import { apiBench } from './api-login.js';
import { apiCliBench } from './api-cli-login.js';
import { concurrencyBench } from './concurrency.js';
import { emailOtpBench } from './email-otp.js';
import { fastPathBench } from './fast-path.js';
import { measureChild, type ChildSpec, type RunMeasure } from './measure.js';
import { redisRefreshBench } from './redis-refresh.js';
import { serviceLoadBench } from './service-load.js';
import { sessionsBench } from './sessions.js';
import { benchReport, type VariantRuns } from './report.js';
import { ratio, summarize } from './stats.js';
import { userPool, type UserPool } from './users.js';
import { BENCH_VARIANTS, isBenchVariant, type BenchVariant } from './variants.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'bin', 'portal-login.js');
const HAND_WRITTEN = join(ROOT, 'dist', 'bench', 'hand-written.js');
const PLAYWRIGHT_LOAD = join(ROOT, 'dist', 'bench', 'playwright-load.js');
const API_BARE_CLI = join(ROOT, 'dist', 'bench', 'api-bare-cli.js');
/** demo01..demo60; `demo` is left out since people try it by hand. */
const BENCH_USERS = DEMO_USERNAMES.filter((u) => u !== 'demo');
const MAX_RUNS = 60;
const SUITES = ['browser', 'api', 'redis', 'sessions', 'email', 'fastpath', 'service', 'concurrency'] as const;
type Suite = (typeof SUITES)[number];

interface Options {
  runs: number;
  variants: BenchVariant[];
  sampleMs: number;
  codeCache: boolean;
  suites: Suite[];
  /** Concurrency suite: account counts, `--concurrency` levels compared with 1 (undefined = the default), rounds. */
  accounts: number[];
  levels: (number | undefined)[];
  concurrencyRuns: number;
}

/** "20,50" → [20, 50], each a whole number in [min, max], else an error naming the option. */
function wholeNumbers(option: string, text: string, min: number, max: number): number[] {
  const values = text.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((n) => !Number.isInteger(n) || n < min || n > max)) throw new Error(`--${option} must be a comma-separated list of whole numbers from ${min} to ${max} (got ${text})`);
  return values;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '15' },
      variants: { type: 'string', default: BENCH_VARIANTS.join(',') },
      'sample-ms': { type: 'string', default: '50' },
      'code-cache': { type: 'string', default: 'on' },
      suites: { type: 'string', default: SUITES.join(',') },
      accounts: { type: 'string', default: '20,50' },
      levels: { type: 'string', default: 'default' },
      'concurrency-runs': { type: 'string', default: '3' },
    },
  });
  const runs = Number(values.runs);
  const sampleMs = Number(values['sample-ms']);
  const variants = [...new Set(values.variants.split(',').map((v) => v.trim()))];
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) throw new Error(`--runs must be 1..${MAX_RUNS}`);
  const unknown = variants.filter((v) => !isBenchVariant(v));
  if (unknown.length > 0 || variants.length === 0) throw new Error(`--variants must be a comma-separated list of ${BENCH_VARIANTS.join(', ')} (got ${unknown.join(', ') || 'none'})`);
  if (!(sampleMs >= 5)) throw new Error('--sample-ms must be ≥ 5');
  if (values['code-cache'] !== 'on' && values['code-cache'] !== 'off') throw new Error('--code-cache must be on or off');
  const suites = [...new Set(values.suites.split(',').map((v) => v.trim()))];
  if (suites.length === 0 || suites.some((v) => !(SUITES as readonly string[]).includes(v))) throw new Error(`--suites must be a comma-separated list of ${SUITES.join(', ')}`);
  const levels = values.levels.split(',').map((v) => (v.trim() === 'default' ? undefined : wholeNumbers('levels', v, 2, 64)[0]));
  const [concurrencyRuns] = wholeNumbers('concurrency-runs', values['concurrency-runs'], 1, 20);
  return {
    runs, variants: variants as BenchVariant[], sampleMs, codeCache: values['code-cache'] === 'on', suites: suites as Suite[],
    accounts: wholeNumbers('accounts', values.accounts, 1, BENCH_USERS.length), levels, concurrencyRuns: concurrencyRuns!,
  };
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

/** Both sides' child processes for one login of `user` on `variant`; `tag` keeps their state files apart. */
type Sides = Record<'A' | 'B', (variant: BenchVariant, user: string, tag: string) => ChildSpec>;

async function main(): Promise<void> {
  const opts = options();
  const { runs, suites } = opts;
  const work = await mkdtemp(join(tmpdir(), 'portal-login-bench-'));
  const portal = await startDemoPortal();
  // One pool for every suite: a user never logs in twice in one TOTP window, whichever side or flow.
  const pool = userPool(BENCH_USERS, systemClock);
  try {
    const suiteRuns: Record<Suite, () => Promise<string | void>> = {
      browser: () => browserBench(opts, portal.url, work, pool),
      api: async () => (await apiBench(portal.url, runs, pool)) + (await apiCliBench({ cli: CLI, bare: API_BARE_CLI, portalUrl: portal.url, work, users: BENCH_USERS, pool, runs })),
      redis: () => redisRefreshBench(Math.min(runs, 9)),
      sessions: () => sessionsBench({ cli: CLI, work, runs }),
      email: () => emailOtpBench(runs),
      fastpath: async () => fastPathBench({ portalUrl: portal.url, work: await mkdtemp(join(work, 'fast-path-')), cli: CLI, users: BENCH_USERS, runs, sampleMs: opts.sampleMs, pool }),
      service: () => serviceLoadBench({ rounds: Math.min(runs, 5), seconds: 5, clients: 50 }),
      concurrency: () => {
        const { accounts: sizes, levels, concurrencyRuns: rounds, sampleMs } = opts;
        return concurrencyBench({ cli: CLI, portalUrl: portal.url, work, users: BENCH_USERS, pool, sizes, levels, rounds, sampleMs: Math.max(sampleMs, 100) });
      },
    };
    // In SUITES' order whatever the order given: the slow concurrency suite last.
    for (const suite of SUITES.filter((s) => suites.includes(s))) {
      const text = await suiteRuns[suite]();
      if (text) process.stdout.write(text);
    }
  } finally {
    await portal.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** portal-login's login command against the hand-written Playwright logins, per variant. */
async function browserBench(opts: Options, portalUrl: string, work: string, pool: UserPool): Promise<void> {
  const { runs, variants, sampleMs, codeCache } = opts;
  const { config, env } = demoLoginSetup(portalUrl, variants, BENCH_USERS, { stateDir: join(work, 'state'), artifactsDir: join(work, 'artifacts') });
  for (const p of Object.values(config.portals ?? {})) p.totp = { ...p.totp, minSecondsLeft: 0 };
  const configPath = join(work, 'portal-login.json');
  await writeFile(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  // demoLoginSetup names accounts by user or by variant-user; look them up rather than rebuild its rule.
  const account = (variant: BenchVariant, user: string): string => {
    const found = Object.entries(config.accounts ?? {}).find(([, a]) => a.portal === variant && a.username === user);
    if (!found) throw new Error(`no account for ${user} on ${variant} in the bench config`);
    return found[0];
  };

  // The used-code ledger and the code cache live in the work dir: a bench run never touches the user's own.
  // A's warm-up runs fill the code cache, so the measured runs are like every run after a user's first.
  const benchEnv = { ...process.env, ...env, PORTAL_LOGIN_LEDGER_DIR: join(work, 'ledger'), PORTAL_LOGIN_CACHE_DIR: codeCache ? join(work, 'v8') : 'off' };
  const base = { env: benchEnv, cwd: work, sampleMs, command: process.execPath };
  const sides: Sides = {
    A: (variant, user, tag) => ({ ...base, label: `A (portal-login, ${variant}, ${user})`, args: [CLI, 'login', account(variant, user), '--config', configPath, '--state-dir', join(work, 'a', tag)] }),
    B: (variant, user, tag) => ({ ...base, label: `B (hand-written, ${variant}, ${user})`, args: [HAND_WRITTEN, variant, portalUrl, user, DEMO_PASSWORD, demoUser(user).totpSecret, join(work, 'b', `${tag}.json`)] }),
  };
  await mkdir(join(work, 'a'), { recursive: true });
  await mkdir(join(work, 'b'), { recursive: true });

  const once = async (side: 'A' | 'B', variant: BenchVariant, tag: string): Promise<RunMeasure> => {
    const user = await pool.take();
    const measured = await measureChild(sides[side](variant, user, `${variant}-${tag}`));
    pool.release(user);
    return measured;
  };
  for (const variant of variants) {
    const a = await once('A', variant, 'warm-up');
    const b = await once('B', variant, 'warm-up');
    process.stderr.write(`warm-up ${variant}: A ${a.wallMs.toFixed(0)} ms, B ${b.wallMs.toFixed(0)} ms\n`);
  }
  const loadBefore = loadavg()[0]!;
  const results: VariantRuns[] = variants.map((variant) => ({ variant, a: [], b: [] }));
  for (let i = 1; i <= runs; i++) {
    for (const r of results) {
      r.a.push(await once('A', r.variant, String(i)));
      r.b.push(await once('B', r.variant, String(i)));
    }
    process.stderr.write(`run ${i}/${runs}: ${results.map((r) => `${r.variant} A ${r.a.at(-1)!.wallMs.toFixed(0)} ms, B ${r.b.at(-1)!.wallMs.toFixed(0)} ms`).join('; ')}\n`);
  }
  const load: [number, number] = [loadBefore, loadavg()[0]!];
  process.stdout.write(benchReport(results, { runs, sampleMs, codeCache, chromium: await chromiumVersion(), load, userWaitMs: pool.waitedMs() }));
  process.stdout.write(playwrightLoad(join(work, 'v8-load'), runs));
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

try {
  await main();
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
