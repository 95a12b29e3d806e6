import { dirname, isAbsolute, resolve } from 'node:path';
import { PortalLoginError } from '../core/errors.js';
import { loadHolidays, NO_HOLIDAYS, type Holidays } from './holidays.js';
import type { ScheduleConfig } from './schedule-schema.js';
import type { Config } from './schema.js';

/** A config's `schedule:` with everything it points at checked and read. */
export interface LoadedSchedule {
  schedule: ScheduleConfig;
  /** The accounts each run refreshes, in config order. */
  accounts: string[];
  holidays: Holidays;
}

const EXAMPLE = 'schedule: { cron: "30 8 * * 1-5", timeZone: Asia/Kolkata }';

/**
 * The schedule of the config loaded from `source`: its accounts exist and
 * its holiday file (relative to the config file) reads as dates. Every
 * problem is a CONFIG_INVALID naming the key, at start, not at 08:30.
 */
export async function loadSchedule(config: Config, source: string): Promise<LoadedSchedule> {
  const { schedule } = config;
  if (!schedule) {
    throw new PortalLoginError('CONFIG_INVALID', `${source} has no schedule: key.`, { hint: `Add one, e.g. ${EXAMPLE} (see the README's "Scheduling").` });
  }
  const known = Object.keys(config.accounts);
  const accounts = schedule.accounts ? [...new Set(schedule.accounts)] : known;
  const unknown = accounts.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    const problems = unknown.map((name) => `  - schedule.accounts.${schedule.accounts!.indexOf(name)}: unknown account "${name}"`);
    throw new PortalLoginError('CONFIG_INVALID', `Invalid config in ${source}:\n${problems.join('\n')}`, { hint: `Known accounts: ${known.join(', ') || '(none)'}.` });
  }
  if (accounts.length === 0) throw new PortalLoginError('CONFIG_INVALID', `${source} defines no accounts to schedule.`, { hint: 'Add an entry under accounts: (see the README).' });
  const holidays = schedule.holidays
    ? await loadHolidays(isAbsolute(schedule.holidays) ? schedule.holidays : resolve(dirname(source), schedule.holidays), `${source}: schedule.holidays`)
    : NO_HOLIDAYS;
  return { schedule, accounts, holidays };
}
