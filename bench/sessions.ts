/**
 * Session commands (issue 7), hyperfine-style: `status` of 50 accounts,
 * `refresh` of 50 valid sessions (each probed, no browser), and `export
 * --format cookie-header`, each a fresh `portal-login` process, against two
 * baselines timed in the same rounds: `node -e 0` (what any Node CLI pays
 * to start) and `portal-login totp` (the bin's own start-up, no config).
 * After warm-ups (page cache, V8's code cache), every round runs each
 * command once in the same order, so load from elsewhere falls on all alike.
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileSessionStore } from '../session/file-store.js';
import { timeChild } from './measure.js';
import { benchAccountNames, sessionOf, sessionsConfig, startProbe } from './session-fixture.js';
import { summarize, table } from './stats.js';

const ACCOUNTS = 50;
const WARM_UPS = 2;
/** A public test vector (RFC 6238's secret in base32), so the totp baseline prints no one's code. */
const TOTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

interface Command {
  name: string;
  args: string[];
  /** Issue 7's target in ms, for the measured commands. */
  targetMs?: number;
  /** Throws when the output shows the command did not do its job (a refresh that logged in is not the one timed). */
  check?: (stdout: string) => void;
}

export async function sessionsBench(opts: { cli: string; work: string; runs: number }): Promise<string> {
  const { cli, work, runs } = opts;
  const probe = await startProbe();
  try {
    const names = benchAccountNames(ACCOUNTS);
    const stateDir = join(work, 'sessions-state');
    const configPath = join(work, 'sessions.json');
    await writeFile(configPath, JSON.stringify({ ...sessionsConfig(probe.url, names), stateDir }), { mode: 0o600 });
    const store = fileSessionStore(stateDir);
    await Promise.all(names.map((n) => store.save(n, sessionOf(n))));
    const config = ['--config', configPath];
    const commands: Command[] = [
      { name: 'node -e 0', args: ['-e', '0'] },
      { name: 'portal-login totp <secret>', args: [cli, 'totp', TOTP_SECRET] },
      { name: `portal-login status (${ACCOUNTS} accounts)`, args: [cli, 'status', ...config], targetMs: 300, check: lines(ACCOUNTS + 1, 'status') },
      { name: `portal-login refresh (${ACCOUNTS} valid)`, args: [cli, 'refresh', ...config], targetMs: 300, check: kept(ACCOUNTS) },
      { name: 'portal-login export --format cookie-header', args: [cli, 'export', names[0]!, '--format', 'cookie-header', ...config], targetMs: 150, check: (out) => void (/^Cookie: sid=|^sid=/.test(out) || fail(`export printed no sid cookie:\n${out.slice(0, 20)}…`)) },
    ];
    // No secret in the environment: none of these commands should need one.
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORTAL_LOGIN_CACHE_DIR: join(work, 'v8-sessions') };
    const once = async (c: Command) => {
      const { wallMs, cpuMs, stdout } = await timeChild({ label: c.name, command: process.execPath, args: c.args, env, cwd: work });
      c.check?.(stdout);
      return { wallMs, cpuMs };
    };
    for (let i = 0; i < WARM_UPS; i++) for (const c of commands) await once(c);
    const loadBefore = loadavg();
    const times = commands.map(() => [] as number[]);
    const cpu = commands.map(() => [] as number[]);
    for (let round = 0; round < runs; round++) {
      for (const [i, c] of commands.entries()) {
        const m = await once(c);
        times[i]!.push(m.wallMs);
        cpu[i]!.push(m.cpuMs);
      }
    }
    return sessionsReport(commands, times, cpu, { runs, loadBefore, loadAfter: loadavg() });
  } finally {
    probe.close();
  }
}

function fail(message: string): never {
  throw new Error(message);
}

/** status prints a header and one line per account. */
function lines(count: number, what: string): (stdout: string) => void {
  return (out) => void (out.trim().split('\n').length >= count || fail(`${what} printed ${out.trim().split('\n').length} lines, expected ${count}`));
}

function kept(count: number): (stdout: string) => void {
  return (out) => void (out.split('\n').filter((l) => / kept \(/.test(l)).length === count || fail(`refresh kept fewer than ${count} sessions:\n${out}`));
}

function sessionsReport(commands: readonly Command[], times: readonly number[][], cpu: readonly number[][], context: { runs: number; loadBefore: number[]; loadAfter: number[] }): string {
  const medians = times.map((t) => summarize(t).median);
  const [node, totp] = [medians[0]!, medians[1]!];
  // Paired: within a round the runs are a fraction of a second apart, so drifts in load cancel.
  const pairedOver = (i: number, base: number) => summarize(times[i]!.map((t, round) => t - times[base]![round]!)).median;
  const ms = (v: number) => v.toFixed(0);
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  const rows = commands.map((c, i) => {
    const s = summarize(times[i]!);
    return [c.name, ms(s.median), `${ms(s.min)}..${ms(s.max)}`, ms(summarize(cpu[i]!).median), i === 0 ? '–' : `+${ms(pairedOver(i, 0))}`, i <= 1 ? '–' : `+${ms(pairedOver(i, 1))}`, c.targetMs === undefined ? '' : `< ${c.targetMs}: ${s.median < c.targetMs ? 'met' : 'MISSED'}`];
  });
  return [
    '',
    `Session commands (issue 7), each a fresh process, ${context.runs} rounds after ${WARM_UPS} warm-ups, median wall time:`,
    `machine: nproc ${availableParallelism()}, Node ${process.version}; load average (1/5/15 min) before ${load(context.loadBefore)}, after ${load(context.loadAfter)}${context.loadAfter[0]! > availableParallelism() ? ' (above the core count: figures are noisy)' : ''}`,
    table([['command', 'median ms', 'min..max ms', 'CPU ms', 'over node -e 0 (paired)', 'over totp (paired)', 'target'], ...rows]),
    `node -e 0 = ${ms(node)} ms is what any Node CLI pays here; portal-login totp = ${ms(totp)} ms is the bin's own start-up (yargs, no config).`,
    'CPU ms = median user + system time of the process (10 ms steps): on a shared machine it moves far less than wall time, so compare it across runs and changes.',
    '',
  ].join('\n');
}
