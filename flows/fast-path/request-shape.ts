/**
 * One recorded request as a recipe step: its URL, query, kept headers and
 * body, each value traced to where it came from (trace.ts). Fails with the
 * reason when a value cannot be traced or the body is of a kind the replay
 * cannot send.
 */
import type { Exchange } from './exchange.js';
import type { JsonTemplate, RecipeStep, Template } from './recipe.js';
import { looksLikeToken, traceValue, type Candidate } from './trace.js';

/** Headers the browser (or fetch) sets by itself, or that the cookie jar owns: never part of a recipe. */
const BROWSER_HEADERS = new Set(['host', 'connection', 'content-length', 'cookie', 'accept-encoding', 'upgrade-insecure-requests', 'priority', 'pragma', 'cache-control', 'te', 'keep-alive', 'expect', 'transfer-encoding']);

export type Shaped = { ok: true; step: Omit<RecipeStep, 'expect' | 'carries' | 'setsCookies'> } | { ok: false; reason: string };

class Untraced extends Error {}

/** The step for `exchange`; `followsLocation` when the browser got here by following the previous step's redirect. */
export function shapeStep(exchange: Exchange, candidates: readonly Candidate[], followsLocation: boolean): Shaped {
  const where = `${exchange.method} ${shownUrl(exchange.url)}`;
  const trace = (sent: string, what: string): Template => {
    const traced = traceValue(sent, candidates);
    if ('untraced' in traced) throw new Untraced(`${what} of ${where} carries a value the page computed (not typed, not handed out by an earlier answer): a hash, a signature or a captcha token`);
    return traced.template;
  };
  try {
    const url = new URL(exchange.url);
    const query = followsLocation ? [] : [...url.searchParams].map(([name, value]) => ({ name, value: trace(value, `query parameter ${name}`) }));
    const headers = Object.entries(exchange.headers)
      .filter(([name]) => !BROWSER_HEADERS.has(name) && !name.startsWith('sec-') && !name.startsWith(':'))
      .map(([name, value]) => ({ name, value: trace(value, `header ${name}`) }));
    const body = shapeBody(exchange, trace, where);
    if (typeof body === 'string') return { ok: false, reason: body };
    return { ok: true, step: { method: exchange.method, url: followsLocation ? { location: true } : { fixed: `${url.origin}${url.pathname}` }, query, headers, ...(body ? { body } : {}) } };
  } catch (error) {
    if (error instanceof Untraced) return { ok: false, reason: error.message };
    throw error;
  }
}

type Trace = (sent: string, what: string) => Template;

/** The body as a form or JSON template; a string is why it cannot be replayed. */
function shapeBody(exchange: Exchange, trace: Trace, where: string): RecipeStep['body'] | string | undefined {
  if (exchange.body === undefined || exchange.body === '') return undefined;
  const type = (exchange.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return { kind: 'form', fields: [...new URLSearchParams(exchange.body)].map(([name, value]) => ({ name, value: trace(value, `form field ${name}`) })) };
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(exchange.body) as unknown;
    } catch {
      return `${where} sends a body that is not the JSON its content type says`;
    }
    return { kind: 'json', template: jsonTemplate(parsed, '', trace) };
  }
  return `${where} sends a ${type || 'untyped'} body; the fast path replays form and JSON bodies only`;
}

function jsonTemplate(value: unknown, path: string, trace: Trace): JsonTemplate {
  const what = `JSON field ${path || '(the body)'}`;
  if (typeof value === 'string') return { t: trace(value, what) };
  if (typeof value === 'number') {
    const template = trace(String(value), what);
    // A number that is only literal text is a constant (a flag, a version); one that carried a value is rebuilt at replay.
    return template.every((p) => 'text' in p) && !looksLikeToken(String(value)) ? value : { n: template };
  }
  if (value === null || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return { a: value.map((v, i) => jsonTemplate(v, path === '' ? String(i) : `${path}.${i}`, trace)) };
  return { o: Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonTemplate(v, path === '' ? k : `${path}.${k}`, trace)]) };
}

/** A URL for messages and recipes: never its query, which may carry a value. */
export function shownUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
