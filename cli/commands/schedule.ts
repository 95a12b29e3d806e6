import { resolve } from 'node:path';
import { alertFacts, sendAlerts, webhooksFor } from '../../app/alerts.js';
import { refreshEachAccount } from '../../app/refresh.js';
import { hasSeconds, localDate, localTimeText, nextRuns, type NextRun, type ScheduleRules } from '../../app/schedule.js';
import { scheduledRefresh, type AccountFailure } from '../../app/scheduled-refresh.js';
import { runScheduler } from '../../app/scheduler.js';
import { resolveAccounts } from '../../config/accounts.js';
import { loadEnv } from '../../config/env.js';
import { loadConfigFile } from '../../config/load.js';
import { loadSchedule, type LoadedSchedule } from '../../config/schedule-config.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { PortalLoginError } from '../../core/errors.js';
import { openStores } from '../../session/open-store.js';
import { ledgerDir } from '../../totp/ledger-location.js';
import { loggerFor, type CliContext } from '../context.js';
import { printRefresh, refreshSettings } from './refresh.js';

export interface ScheduleArgs {
  config: string;
  stateDir?: string;
  artifactsDir?: string;
  /** As refresh's --min-valid (ms). */
  minValid: number;
  headed: boolean;
  /** Seconds per login step. */
  timeout: number;
  verbose: boolean;
  trace: boolean;
  /** Print the next `count` run times and exit. */
  dryRun: boolean;
  count: number;
  /** With dryRun: count from this ISO time instead of now. */
  from?: string;
}

/**
 * `portal-login schedule`: runs `refresh` of the scheduled accounts at each
 * run of the config's `schedule:` until stopped (SIGTERM/SIGINT: exit
 * 143/130, see cli/signals.ts), or with --dry-run prints the next run times.
 * Config, holidays and secrets are checked before the first wait, so a
 * mistake shows when the service starts, not at 08:30.
 */
export async function scheduleCommand(args: ScheduleArgs, ctx: CliContext, clock: Clock = systemClock): Promise<number> {
  if (args.from !== undefined && !args.dryRun) throw new PortalLoginError('USAGE', '--from only goes with --dry-run.', { hint: 'Add --dry-run to list the runs after that time.' });
  const { config, source } = await loadConfigFile(resolve(ctx.cwd, args.config));
  const loaded = await loadSchedule(config, source);
  const rules: ScheduleRules = { cron: loaded.schedule.cron, timeZone: loaded.schedule.timeZone, holidays: loaded.holidays.dates };
  if (args.dryRun) return dryRun(loaded, rules, args, ctx, clock);

  const log = loggerFor(ctx, { verbose: args.verbose });
  // Now rather than at the first run: a missing secret is an exit status systemd shows when the service starts.
  const env = loadEnv({ dotenvPath: resolve(ctx.cwd, '.env'), processEnv: ctx.env });
  resolveAccounts(config, loaded.accounts, env, source, ctx.redactor);
  const stateDir = args.stateDir ? resolve(ctx.cwd, args.stateDir) : config.stateDir;
  // Opened once for the life of the scheduler (a Redis connection is kept, not redone at every run).
  const stores = await openStores({ store: config.store, stateDir, ledgerDir: ledgerDir(ctx.env), env, redactor: ctx.redactor, source });
  const target = { config, source, stateDir, artifactsDir: args.artifactsDir ? resolve(ctx.cwd, args.artifactsDir) : config.artifactsDir, store: stores.sessions, ledger: stores.ledger };
  const settings = { ...refreshSettings({ ...args, force: false, json: false }, ctx), deferAlerts: true };
  const now = () => new Date(clock.now());

  const refresh = async (accounts: readonly string[]): Promise<AccountFailure[]> => {
    const outcome = await refreshEachAccount(accounts, target, settings, now);
    printRefresh(accounts, outcome, false, ctx);
    return outcome.results.flatMap((r) => (r.ok ? [] : [{ account: r.account, error: r.error }]));
  };
  const alert = ({ account, error }: AccountFailure) =>
    sendAlerts(webhooksFor(config, account), alertFacts(account, config.accounts[account]!.portal, error, now()), { redactor: ctx.redactor, log: loggerFor(ctx, { verbose: args.verbose, prefix: account }) });

  log.info(`Refreshing ${loaded.accounts.join(', ')} on "${rules.cron}" in ${rules.timeZone}${holidaysText(loaded)}; stop with Ctrl-C or SIGTERM.`);
  const coverage = coverageWarning(loaded, rules, now());
  if (coverage) log.warn(coverage);
  const run = scheduledRefresh({ accounts: loaded.accounts, refresh, alert, retryDelayMs: loaded.schedule.retryDelaySeconds * 1000, clock, log });
  await runScheduler({ rules, clock, log, run }).finally(() => stores.close());
  return 0;
}

/** The next runs on stdout, one a line with the holidays passed over to reach it. */
function dryRun(loaded: LoadedSchedule, rules: ScheduleRules, args: ScheduleArgs, ctx: CliContext, clock: Clock): number {
  const from = args.from === undefined ? new Date(clock.now()) : parseFrom(args.from);
  ctx.out(`schedule "${rules.cron}" in ${rules.timeZone}${holidaysText(loaded)}; accounts: ${loaded.accounts.join(', ')}`);
  const runs = nextRuns(rules, from, args.count);
  for (const run of runs) ctx.out(runLine(run, rules));
  const coverage = coverageWarning(loaded, rules, from);
  if (coverage) ctx.err(`warning: ${coverage}`);
  return 0;
}

function runLine(run: NextRun, rules: ScheduleRules): string {
  const skipped = run.skipped.length > 0 ? `  (after holiday${run.skipped.length > 1 ? 's' : ''} ${run.skipped.join(', ')})` : '';
  return `${localTimeText(run.at, rules.timeZone, { seconds: hasSeconds(rules.cron), weekday: true })}  ${run.at.toISOString()}${skipped}`;
}

function parseFrom(text: string): Date {
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new PortalLoginError('USAGE', `--from must be an ISO time such as 2026-12-24T00:00:00Z (got ${text}).`, { hint: 'A time without Z or an offset is read in this machine\'s zone; add Z for UTC.' });
  return at;
}

function holidaysText({ holidays }: LoadedSchedule): string {
  return holidays.file ? `, skipping the ${holidays.dates.size} holiday date(s) in ${holidays.file}` : '';
}

/**
 * Exchange holiday lists are published a year at a time: a run in a year
 * the file has no date for is a sign it has not been updated.
 */
function coverageWarning({ holidays }: LoadedSchedule, rules: ScheduleRules, from: Date): string | undefined {
  if (!holidays.file || holidays.dates.size === 0) return undefined;
  const [next] = nextRuns(rules, from, 1);
  if (!next) return undefined;
  const year = localDate(next.at, rules.timeZone).slice(0, 4);
  if ([...holidays.dates].some((date) => date.startsWith(year))) return undefined;
  return `${holidays.file} lists no holiday in ${year}, the year of the next run; add that year's dates, or runs on them will happen.`;
}
