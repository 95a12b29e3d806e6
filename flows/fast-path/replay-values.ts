/**
 * A recipe's placeholders filled in at replay time: typed values from the
 * run, handed-out values from this replay's own earlier answers, cookies
 * from its jar. A value that is not where the recipe says is a stale recipe.
 */
import type { CookieJar } from 'tough-cookie';
import { readPath } from '../http-api/json-path.js';
import { pageValues } from './html-values.js';
import type { JsonTemplate, Template, Typed, ValueSource } from './recipe.js';

/** The recipe does not fit the portal any more (a value missing, another answer): the browser takes over. */
export class StaleRecipe extends Error {
  override readonly name = 'StaleRecipe';
}

export interface ReplayedAnswer {
  url: string;
  status: number;
  headers: Headers;
  text: string;
}

export interface ValueContext {
  typed: (value: Typed) => string;
  answers: readonly ReplayedAnswer[];
  jar: CookieJar;
  /** Told every value taken from an answer or a cookie: it is a secret from then on. */
  secret: (value: string) => void;
}

export async function fill(template: Template, context: ValueContext): Promise<string> {
  let text = '';
  for (const part of template) text += 'text' in part ? part.text : await valueOf(part.value, context);
  return text;
}

export async function fillJson(template: JsonTemplate, context: ValueContext): Promise<unknown> {
  if (template === null || typeof template !== 'object') return template;
  if ('t' in template) return fill(template.t, context);
  if ('n' in template) {
    const text = await fill(template.n, context);
    // A code with a leading zero would lose it as a number: the portal then gets the digits as text.
    return /^[1-9]\d{0,15}$/.test(text) ? Number(text) : text;
  }
  if ('a' in template) return Promise.all(template.a.map((t) => fillJson(t, context)));
  const entries = await Promise.all(template.o.map(async ([key, t]) => [key, await fillJson(t, context)] as const));
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

async function valueOf(source: ValueSource, context: ValueContext): Promise<string> {
  if (source.from === 'typed') return context.typed(source.value);
  const found = source.from === 'cookie' ? await cookieValue(context.jar, source.name) : handedOut(source, context.answers);
  if (found === undefined || found === '') throw new StaleRecipe(`${describeSource(source)} was not there`);
  context.secret(found);
  return found;
}

function handedOut(source: Exclude<ValueSource, { from: 'typed' | 'cookie' }>, answers: readonly ReplayedAnswer[]): string | undefined {
  const answer = answers[source.step];
  if (!answer) return undefined;
  if (source.from === 'json') {
    let json: unknown;
    try {
      json = JSON.parse(answer.text) as unknown;
    } catch {
      return undefined;
    }
    const value = readPath(json, source.path);
    return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
  }
  const page = pageValues(answer.text);
  return source.from === 'input' ? page.inputs.get(source.name) : page.metas.get(source.name);
}

async function cookieValue(jar: CookieJar, name: string): Promise<string | undefined> {
  const all = await jar.store.getAllCookies();
  return all.find((c) => c.key === name)?.value;
}

/** Where a value comes from, in words; never the value. */
export function describeSource(source: ValueSource): string {
  switch (source.from) {
    case 'typed':
      return `{${source.value}}`;
    case 'input':
      return `{input[name=${source.name}] of step ${source.step + 1}}`;
    case 'meta':
      return `{meta[name=${source.name}] of step ${source.step + 1}}`;
    case 'json':
      return `{JSON ${source.path} of step ${source.step + 1}}`;
    case 'cookie':
      return `{cookie ${source.name}}`;
  }
}
