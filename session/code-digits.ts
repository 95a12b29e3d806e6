/**
 * A code typed one digit per box leaves only single digits in a trace: each
 * fill's value, each box's value in the DOM snapshots, each field of the
 * POST body (`d1=8&d2=7&…`). No digit is a secret on its own ("8" is
 * everywhere), so these helpers go by where a digit was put (a box the
 * engine tagged `code-N`) or by a run of single digits that spells a code
 * the run registered with its redactor.
 */
import { TAG } from '../flows/browser/detect.js';

/** Tag words the engine gives a code field: `code` for one box, `code-0`… for one box per digit. */
const CODE_TAG_WORD = /^code(-\d+)?$/;

/** A locator on a code field, as the engine writes it: `[data-portal-login~="code-3"] >> nth=0`. */
const CODE_TARGET = new RegExp(`\\[${TAG}~=(["'])code(-\\d+)?\\1\\]`);

const SINGLE_DIGIT = /^\d$/;

/** An element preview of a tagged code box, as Playwright's logs print it: `<input … data-portal-login="code-0" value="8"/>`. */
const CODE_BOX_MARKUP = new RegExp(`<input\\b[^>]*\\s${TAG}="(?:[^"]*\\s)?code(?:-\\d+)?(?=[\\s"])[^"]*"[^>]*>`, 'gi');
const VALUE_ATTRIBUTE = /(?<=\s)value="[^"]*"/gi;

/** True when a selector targets a box the engine tagged as (part of) the code field. */
export function targetsCodeBox(selector: string): boolean {
  return CODE_TARGET.test(selector);
}

/** True when an element's attributes (as a DOM snapshot records them) carry a code-field tag. */
export function isCodeBox(attributes: Readonly<Record<string, unknown>>): boolean {
  const tag = attributes[TAG];
  return typeof tag === 'string' && tag.split(/\s+/).some((word) => CODE_TAG_WORD.test(word));
}

/** `text` with the value attribute of every code-box preview in it redacted. */
export function redactCodeBoxMarkup(text: string): string {
  return text.replace(CODE_BOX_MARKUP, (element) => element.replace(VALUE_ATTRIBUTE, 'value="[REDACTED]"'));
}

/** True when `value` is digits found inside one of `codes`: what a box or a half-typed code field holds. */
export function isPartOfCode(value: string, codes: readonly string[]): boolean {
  return /^\d+$/.test(value) && codes.some((code) => code.includes(value));
}

/**
 * Positions in `values` (in the order the body or page has them) that belong
 * to a run of single-digit values spelling one of `codes`. Only whole runs
 * of consecutive single digits count, and only the part that spells the code
 * is returned: `remember=1` next to the boxes stays.
 */
export function digitRunPositions(values: readonly string[], codes: readonly string[]): Set<number> {
  const hits = new Set<number>();
  if (codes.length === 0) return hits;
  for (const run of singleDigitRuns(values)) {
    const digits = run.map((i) => values[i]).join('');
    for (const code of codes) {
      for (let at = digits.indexOf(code); at !== -1; at = digits.indexOf(code, at + 1)) {
        for (let k = at; k < at + code.length; k++) hits.add(run[k]!);
      }
    }
  }
  return hits;
}

/** Maximal stretches of consecutive single-digit values, as lists of positions. */
function singleDigitRuns(values: readonly string[]): number[][] {
  const runs: number[][] = [];
  let current: number[] = [];
  values.forEach((value, i) => {
    if (SINGLE_DIGIT.test(value)) current.push(i);
    else if (current.length > 0) {
      runs.push(current);
      current = [];
    }
  });
  if (current.length > 0) runs.push(current);
  return runs;
}
