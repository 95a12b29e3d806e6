/**
 * Where a sent value came from: the values the flow typed, the values
 * earlier answers handed out (inputs, meta tags, JSON fields, cookies), and
 * literal text around them. What is left over and looks like a token was made
 * by the page itself (a hash, a signature, a captcha answer): it cannot be traced.
 */
import type { Template, ValueSource } from './recipe.js';

/** A value seen during the login and where a replay finds it again. */
export interface Candidate {
  value: string;
  source: ValueSource;
}

/** Values shorter than this only count when they are the whole sent value: "1" inside "v1" is no match. */
const MIN_INNER_MATCH = 6;

/** The sent value as text and placeholders; `untraced` when something token-like is left over. */
export function traceValue(sent: string, candidates: readonly Candidate[]): { template: Template } | { untraced: true } {
  const whole = candidates.find((c) => c.value === sent);
  if (whole) return { template: [{ value: whole.source }] };
  let parts: Template = [{ text: sent }];
  // Longest first, so a password that contains the username is replaced whole; equal lengths keep the callers' priority.
  const ordered = [...candidates].filter((c) => c.value.length >= MIN_INNER_MATCH).sort((a, b) => b.value.length - a.value.length);
  for (const candidate of ordered) parts = parts.flatMap((part) => ('text' in part ? splitOn(part.text, candidate) : [part]));
  if (parts.some((part) => 'text' in part && looksLikeToken(part.text))) return { untraced: true };
  return { template: parts.filter((part) => !('text' in part) || part.text !== '') };
}

function splitOn(text: string, candidate: Candidate): Template {
  // All-digit values (codes) only as a whole number, not inside a longer one.
  const pattern = /^\d+$/.test(candidate.value) ? new RegExp(`(?<!\\d)${candidate.value}(?!\\d)`) : undefined;
  const pieces = pattern ? text.split(new RegExp(pattern.source, 'g')) : text.split(candidate.value);
  if (pieces.length === 1) return [{ text }];
  return pieces.flatMap((piece, i) => (i === 0 ? [{ text: piece }] : [{ value: candidate.source }, { text: piece }]));
}

/** A run of token characters with letters and digits mixed, or a long number: what a portal hands out, not what a form says. */
export function looksLikeToken(text: string): boolean {
  for (const [run] of text.matchAll(/[A-Za-z0-9+=_%~-]{12,}/g)) if (/\d/.test(run) && /[A-Za-z]/.test(run)) return true;
  return /\d{8,}/.test(text);
}

/** Whether `sent` carries `value` (a digits-only value not inside a longer number). */
export function carriesValue(sent: string, value: string): boolean {
  if (value === '') return false;
  if (/^\d+$/.test(value)) return new RegExp(`(?<!\\d)${value}(?!\\d)`).test(sent);
  return sent.includes(value);
}

/** Every string (and number) leaf of a JSON value with its dot path, for candidates from a reply. */
export function jsonLeaves(value: unknown, path = ''): Array<{ path: string; value: string }> {
  if (typeof value === 'string') return path === '' ? [] : [{ path, value }];
  if (typeof value === 'number' && Number.isFinite(value)) return path === '' ? [] : [{ path, value: String(value) }];
  if (typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return entries.flatMap(([key, child]) => (key.includes('.') ? [] : jsonLeaves(child, path === '' ? key : `${path}.${key}`)));
}
