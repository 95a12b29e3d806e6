import * as z from 'zod';

/** Whether `pattern` compiles as a JavaScript regular expression. */
export function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** A regular expression given as a string; the message says how to fix one that does not compile. */
export const regexString = z.string().min(1).refine(compiles, 'must be a valid (JavaScript) regular expression, e.g. "/api/verify$"; escape ( [ ? + with a backslash');
