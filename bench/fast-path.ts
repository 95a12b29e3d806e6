/**
 * Fast-path benchmark: the same `portal-login login` of the classic demo
 * variant as a child process, replayed from its learned recipe (A,
 * `fastPath: auto`: plain HTTP, no Chromium) against the browser login (B,
 * `fastPath: off`). One unmeasured learning login first, one warm-up of
 * each, then rounds of A, B, so load from elsewhere falls on both alike;
 * medians of wall time and peak process-tree RSS, and their ratio (the
 * issue's target: A ≤ 0.25× B).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserConfigInput } from '../config/schema.js';
import { demoLoginSetup } from '../demo-portal/login-config.js';
import { measureChild, type RunMeasure } from './measure.js';
import { MB, ratio, summarize, table } from './stats.js';
import type { UserPool } from './users.js';

const TARGET_RATIO = 0.25;

export interface FastPathBenchOptions {
  portalUrl: string;
  /** A folder of its own for config, state and ledger. */
  work: string;
  cli: string;
  users: readonly string[];
  runs: number;
  sampleMs: number;
  pool: UserPool;
}

/** Runs the bench; returns the report's text. */
export async function fastPathBench(options: FastPathBenchOptions): Promise<string> {
  const { config, env } = demoLoginSetup(options.portalUrl, ['classic'], options.users, { stateDir: join(options.work, 'state'), artifactsDir: join(options.work, 'artifacts') });
  const classic = config.portals.classic!;
  const portals: BrowserConfigInput['portals'] = { fast: { ...classic, fastPath: 'auto', totp: { minSecondsLeft: 0 } }, browser: { ...classic, fastPath: 'off', totp: { minSecondsLeft: 0 } } };
  const accounts: BrowserConfigInput['accounts'] = {};
  for (const [name, account] of Object.entries(config.accounts)) for (const portal of ['fast', 'browser']) accounts[`${portal}-${name}`] = { ...account, portal };
  const configPath = join(options.work, 'fast-path.json');
  await writeFile(configPath, JSON.stringify({ ...config, portals, accounts }, null, 2), { mode: 0o600 });
  const benchEnv = { ...process.env, ...env, PORTAL_LOGIN_LEDGER_DIR: join(options.work, 'ledger') };
  const once = async (portal: 'fast' | 'browser'): Promise<RunMeasure> => {
    const user = await options.pool.take();
    try {
      return await measureChild({ label: `${portal} ${user}`, command: process.execPath, args: [options.cli, 'login', `${portal}-${user}`, '--config', configPath], env: benchEnv, cwd: options.work, sampleMs: options.sampleMs });
    } finally {
      options.pool.release(user);
    }
  };
  await once('fast'); // no recipe yet: this browser login learns it
  await once('fast');
  await once('browser');
  const runs = { fast: [] as RunMeasure[], browser: [] as RunMeasure[] };
  for (let i = 0; i < options.runs; i++) {
    runs.fast.push(await once('fast'));
    runs.browser.push(await once('browser'));
    process.stderr.write(`fast path run ${i + 1}/${options.runs}: replay ${runs.fast.at(-1)!.wallMs.toFixed(0)} ms, browser ${runs.browser.at(-1)!.wallMs.toFixed(0)} ms\n`);
  }
  const wall = (side: RunMeasure[]) => summarize(side.map((r) => r.wallMs)).median;
  const rss = (side: RunMeasure[]) => summarize(side.map((r) => r.peakRssBytes)).median;
  const [aWall, bWall, aRss, bRss] = [wall(runs.fast), wall(runs.browser), rss(runs.fast), rss(runs.browser)];
  return [
    '',
    `Fast path, classic variant: portal-login login replayed (A) vs in the browser (B), child processes, median of ${options.runs} interleaved runs:`,
    table([
      ['', 'wall ms', 'peak RSS MB'],
      ['A replay', aWall.toFixed(0), (aRss / MB).toFixed(0)],
      ['B browser', bWall.toFixed(0), (bRss / MB).toFixed(0)],
      ['A/B', ratio(aWall, bWall), ratio(aRss, bRss)],
    ]),
    `target A/B wall ≤ ${TARGET_RATIO.toFixed(2)}×: ${aWall / bWall <= TARGET_RATIO ? 'met' : 'NOT met'}`,
    '',
  ].join('\n');
}
