/**
 * Finding the code in an email: a configured pattern, or the default rule —
 * the first standalone 4–8 digit number, preferring one next to a word like
 * "OTP" or "code", and never a date, a year, a time, an amount, a phone
 * number or part of a longer reference.
 */
import { htmlToText } from './html-text.js';

export interface MessageBody {
  text?: string | undefined;
  html?: string | undefined;
}

/** Why a configured pattern cannot be used, or undefined when it can. */
export function codePatternProblem(pattern: string): string | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch {
    return 'must be a valid (JavaScript) regular expression, e.g. "code: (\\d{6})" or "\\b\\d{6}\\b"; escape ( [ ? + with a backslash';
  }
  // An alternation with the empty string always matches: its result has one slot per capture group.
  const groups = (new RegExp(`${regex.source}|`).exec('')?.length ?? 1) - 1;
  return groups > 1 ? `has ${groups} capture groups; use one around the code, e.g. "code: (\\d{6})", and (?:…) for the other groups` : undefined;
}

/**
 * The code in a message: from the text body if it has one, else from the
 * HTML body read as text. `pattern` (checked by codePatternProblem) gives
 * the code as its capture group, or as the whole match without one.
 */
export function extractCode(body: MessageBody, pattern?: string): string | undefined {
  const texts = [body.text, body.html ? htmlToText(body.html) : undefined].filter((t): t is string => !!t);
  const find = pattern === undefined ? defaultCode : (text: string) => patternCode(new RegExp(pattern), text);
  for (const text of texts) {
    const code = find(text);
    if (code) return code;
  }
  return undefined;
}

function patternCode(regex: RegExp, text: string): string | undefined {
  const match = regex.exec(text);
  // Spaces inside a match ("482 913") are layout, not part of the code the portal wants.
  const code = (match?.[1] ?? match?.[0])?.replace(/\s+/g, '');
  return code || undefined;
}

/** Words that name the code; a number next to one is the code even when another number comes first. */
const CODE_WORD = /\b(otp|one[- ]time|passcode|pass code|password|pin|code|verification|token|2fa|mfa)\b/i;
/** A sentence ends between a code word and a later number ("Your OTP\n482913" still belong together). */
const SENTENCE_END_BEFORE = /[.!?](\s|$)/;
/** After a number, a new line also ends it: "Order 12345678\nYour OTP is …" is not "12345678 is your code". */
const SENTENCE_END_AFTER = /[.!?\n]/;
/** Abbreviations whose dot does not end a sentence ("Rs. 5,000", "A/c no. XX21"). */
const ABBREVIATION = /\b(rs|no|ref|txn|mr|ms|dr|e\.g|i\.e)\./gi;
const WORD_CHAR = /[\p{L}\p{N}_]/u;
/** Characters that join digit groups into one thing: dates, times, amounts, ids, e-mail addresses. */
const JOINER = /[-/.:,_@]/;
/** Before a number: a masked or referenced value (+91…, #123…, ••••4821, *1234), not a code. */
const MARKER = /[+#*•·@$€£₹¥]/;
const CURRENCY_BEFORE = /(rs\.?|inr|usd|eur|gbp|amount|amt)\s*$/i;

/** Standalone 4–8 digit numbers in text order, skipping the ones that are not codes. */
function candidates(text: string): Array<{ digits: string; start: number; end: number }> {
  const found = [];
  for (const match of text.matchAll(/\d+/g)) {
    const digits = match[0];
    const start = match.index;
    const end = start + digits.length;
    if (digits.length < 4 || digits.length > 8) continue;
    if (!standalone(text, start, end) || isDateLike(digits) || CURRENCY_BEFORE.test(text.slice(Math.max(0, start - 8), start))) continue;
    found.push({ digits, start, end });
  }
  return found;
}

function standalone(text: string, start: number, end: number): boolean {
  const [before, beforeThat, after, afterThat] = [text[start - 1] ?? '', text[start - 2] ?? '', text[end] ?? '', text[end + 1] ?? ''];
  if (WORD_CHAR.test(before) || WORD_CHAR.test(after) || MARKER.test(before)) return false;
  // "02/12/2026", "10:30", "1,250.00", "1800-123-4567": a joiner with more of the same thing on its other side.
  if (JOINER.test(before) && WORD_CHAR.test(beforeThat)) return false;
  if (JOINER.test(after) && WORD_CHAR.test(afterThat)) return false;
  // "+91 98765 43210", "1800 209 9999": digit groups one space apart are a phone number.
  return !(before === ' ' && /\d/.test(beforeThat)) && !(after === ' ' && /\d/.test(afterThat));
}

/** A year (1900–2099) or a compact date (20261202, 02122026). */
function isDateLike(digits: string): boolean {
  const year = (text: string) => /^(19|20)\d\d$/.test(text);
  const monthDay = (month: string, day: string) => Number(month) >= 1 && Number(month) <= 12 && Number(day) >= 1 && Number(day) <= 31;
  if (digits.length === 4) return year(digits);
  if (digits.length !== 8) return false;
  const ymd = year(digits.slice(0, 4)) && monthDay(digits.slice(4, 6), digits.slice(6, 8));
  const dmy = year(digits.slice(4)) && (monthDay(digits.slice(2, 4), digits.slice(0, 2)) || monthDay(digits.slice(0, 2), digits.slice(2, 4)));
  return ymd || dmy;
}

function nearCodeWord(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 60), start);
  const wordBefore = [...before.matchAll(new RegExp(CODE_WORD.source, 'gi'))].at(-1);
  if (wordBefore && !SENTENCE_END_BEFORE.test(before.slice(wordBefore.index).replace(ABBREVIATION, ''))) return true;
  // "482913 is your verification code": the word follows closely in the same sentence.
  const after = text.slice(end, end + 40);
  const wordAfter = CODE_WORD.exec(after);
  return !!wordAfter && !SENTENCE_END_AFTER.test(after.slice(0, wordAfter.index));
}

function defaultCode(text: string): string | undefined {
  const found = candidates(text);
  return (found.find((c) => nearCodeWord(text, c.start, c.end)) ?? found[0])?.digits;
}
