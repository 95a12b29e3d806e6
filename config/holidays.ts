import { readFile } from 'node:fs/promises';
import { PortalLoginError } from '../core/errors.js';

/** The dates a schedule skips, as YYYY-MM-DD calendar dates in the schedule's own time zone. */
export interface Holidays {
  /** Absolute path it was read from (for messages); undefined for none. */
  file: string | undefined;
  dates: ReadonlySet<string>;
}

export const NO_HOLIDAYS: Holidays = { file: undefined, dates: new Set() };

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** How many bad lines one error lists; the rest are counted. */
const LISTED_PROBLEMS = 10;

/**
 * Parses a holiday file: one date (YYYY-MM-DD) a line; `#` starts a comment
 * (a whole line or after the date); blank lines are ignored. Every bad line
 * is reported at once with its number. A line that is not date-shaped is not
 * quoted: a mistyped path may point at a .env file, and its lines are secrets.
 */
export function parseHolidays(text: string, file: string, key: string): Holidays {
  const dates = new Set<string>();
  const problems: string[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = raw.replace(/#.*$/, '').trim();
      if (line === '') return;
      const problem = dateProblem(line);
      if (problem) problems.push(`  - line ${index + 1}: ${problem}`);
      else dates.add(line);
    });
  if (problems.length > 0) {
    const more = problems.length > LISTED_PROBLEMS ? [`  - and ${problems.length - LISTED_PROBLEMS} more`] : [];
    throw new PortalLoginError('CONFIG_INVALID', `Invalid holiday file ${file} (${key}):\n${[...problems.slice(0, LISTED_PROBLEMS), ...more].join('\n')}`, {
      hint: 'Each line must be one date as YYYY-MM-DD, e.g. 2026-01-26; put names after a #, e.g. "2026-01-26  # Republic Day".',
    });
  }
  return { file, dates };
}

/** Why `line` is not a calendar date, or undefined when it is one. */
function dateProblem(line: string): string | undefined {
  const match = DATE_SHAPE.exec(line);
  if (!match) return 'not a date as YYYY-MM-DD';
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2026-02-30 over into March: a date that does not come back unchanged does not exist.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return `${line} is not a calendar date`;
  return undefined;
}

/** Reads and parses the holiday file at `file` (absolute); `key` names the config key that points at it. */
export async function loadHolidays(file: string, key: string): Promise<Holidays> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new PortalLoginError('CONFIG_INVALID', `Cannot read the holiday file ${file} (${key}): ${code}.`, {
      hint: 'Create it (one YYYY-MM-DD date a line, # comments), or fix the path: a relative path is read from the config file\'s folder.',
    });
  }
  return parseHolidays(text, file, key);
}
