/**
 * Learning: from the requests of one confirmed browser login, the recipe
 * that repeats it over HTTP — which requests carried the username, the
 * password and the code, where every other value came from, and which
 * answers set the session. Pure: the recorder supplies the exchanges, so
 * this is tested without a browser.
 */
import { pageValues } from './html-values.js';
import { responseHeader, setCookiesOf, type Exchange } from './exchange.js';
import { TYPED, type Recipe, type RecipeStep, type StorageEntry, type Typed } from './recipe.js';
import { shapeStep, shownUrl } from './request-shape.js';
import { carriesValue, jsonLeaves, looksLikeToken, traceValue, type Candidate } from './trace.js';

export interface LearnInput {
  /** Every document, fetch and XHR request of the login, in the order the page sent them. */
  exchanges: readonly Exchange[];
  /** What the flow typed; `code` is the code the portal accepted. */
  typed: Readonly<Record<Typed, string>>;
  loginUrl: string;
  /** localStorage at the end of the login. */
  localStorage: ReadonlyArray<{ origin: string; key: string; value: string }>;
  now: Date;
}

/** Values below this length handed out by an answer are not taken for a source: "ok" in a reply is no token. */
const MIN_HANDED_OUT = 8;

/** The recipe the login teaches: replayable, or browser-only with the reason. */
export function learnRecipe(input: LearnInput): Recipe {
  const facts = { version: 1 as const, loginUrl: input.loginUrl, learnedAt: input.now.toISOString() };
  const browserOnly = (reason: string): Recipe => ({ kind: 'browser-only', ...facts, reason });
  const picked = loginExchanges(input);
  if (typeof picked === 'string') return browserOnly(picked);
  const steps: RecipeStep[] = [];
  for (const [i, exchange] of picked.entries()) {
    const candidates = candidatesBefore(picked, i, input.typed);
    const follows = i > 0 && exchange.redirectedFrom !== undefined && picked[i - 1] === input.exchanges[exchange.redirectedFrom];
    const shaped = shapeStep(exchange, candidates, follows);
    if (!shaped.ok) return browserOnly(shaped.reason);
    const scriptCookie = cookiesSetByScript(exchange, picked.slice(0, i));
    if (scriptCookie) return browserOnly(`cookie ${scriptCookie} (sent with ${exchange.method} ${shownUrl(exchange.url)}) is set by the page's script, not by the portal's answers`);
    steps.push({ ...shaped.step, expect: expectOf(exchange), carries: TYPED.filter((t) => sentValues(exchange).some((s) => carriesValue(s, input.typed[t]))), setsCookies: setCookiesOf(exchange.response!).map((c) => c.name) });
  }
  const storage = storageEntries(input, picked);
  if (typeof storage === 'string') return browserOnly(storage);
  return { kind: 'replay', ...facts, steps, storage };
}

/** The exchanges to replay: from the first request through the one that carried the code, and the redirects it led to. */
function loginExchanges(input: LearnInput): Exchange[] | string {
  const answered = input.exchanges.filter((e) => e.response !== undefined && /^https?:/.test(e.url));
  const lastCarrying = (value: string) => {
    for (let i = answered.length - 1; i >= 0; i--) if (sentValues(answered[i]!).some((s) => carriesValue(s, value))) return i;
    return -1;
  };
  const code = lastCarrying(input.typed.code);
  if (code < 0) return 'no request carried the code as it was typed (the page splits it or transforms it before sending)';
  if (lastCarrying(input.typed.password) < 0) return 'no request carried the password as it was typed (the page hashes or encrypts it before sending)';
  if (lastCarrying(input.typed.username) < 0) return 'no request carried the username as it was typed';
  let end = code;
  while (end + 1 < answered.length && answered[end + 1]!.redirectedFrom !== undefined && input.exchanges[answered[end + 1]!.redirectedFrom!] === answered[end]) end += 1;
  return answered.slice(0, end + 1);
}

/** Every value a request sent: query values, body values, header values. */
export function sentValues(exchange: Exchange): string[] {
  const query = [...new URL(exchange.url).searchParams.values()];
  const headers = Object.entries(exchange.headers).filter(([name]) => name !== 'cookie').map(([, value]) => value);
  const type = exchange.headers['content-type'] ?? '';
  const body = exchange.body ?? '';
  const fields = type.includes('x-www-form-urlencoded') ? [...new URLSearchParams(body).values()] : body === '' ? [] : [body];
  return [...query, ...headers, ...fields];
}

/** Typed values first, then what earlier answers handed out, the latest answer first (inputs, meta tags, JSON fields), then cookies. */
function candidatesBefore(picked: readonly Exchange[], index: number, typed: LearnInput['typed']): Candidate[] {
  const candidates: Candidate[] = TYPED.map((value) => ({ value: typed[value], source: { from: 'typed', value } }));
  for (let step = index - 1; step >= 0; step--) candidates.push(...handedOut(picked[step]!, step));
  for (let step = 0; step < index; step++) {
    for (const { name, value } of setCookiesOf(picked[step]!.response!)) if (value.length >= MIN_HANDED_OUT) candidates.push({ value, source: { from: 'cookie', name } });
  }
  return candidates;
}

/** The values one answer holds for later requests. */
function handedOut(exchange: Exchange, step: number): Candidate[] {
  const text = exchange.response?.text;
  if (text === undefined) return [];
  const type = responseHeader(exchange.response!, 'content-type') ?? '';
  const found: Candidate[] = [];
  if (type.includes('html')) {
    const { inputs, metas } = pageValues(text);
    for (const [name, value] of inputs) found.push({ value, source: { from: 'input', step, name } });
    for (const [name, value] of metas) found.push({ value, source: { from: 'meta', step, name } });
  } else if (type.includes('json')) {
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = undefined;
    }
    for (const leaf of jsonLeaves(json)) found.push({ value: leaf.value, source: { from: 'json', step, path: leaf.path } });
  }
  return found.filter((c) => c.value.length >= MIN_HANDED_OUT);
}

/** A cookie the request sent that no earlier answer set: the page's script wrote it. */
function cookiesSetByScript(exchange: Exchange, earlier: readonly Exchange[]): string | undefined {
  const set = new Set(earlier.flatMap((e) => setCookiesOf(e.response!).map((c) => c.name)));
  const sent = (exchange.headers.cookie ?? '').split(';').map((pair) => pair.split('=')[0]!.trim()).filter((name) => name !== '');
  return sent.find((name) => !set.has(name));
}

function expectOf(exchange: Exchange): RecipeStep['expect'] {
  const response = exchange.response!;
  const location = response.status >= 300 && response.status < 400 ? responseHeader(response, 'location') : undefined;
  return { status: response.status, ...(location === undefined ? {} : { location: shownUrl(new URL(location, exchange.url).href) }) };
}

/** The localStorage entries the page wrote from the replayed answers; one it generated itself makes the portal browser-only. */
function storageEntries(input: LearnInput, picked: readonly Exchange[]): StorageEntry[] | string {
  const candidates = [{ value: input.typed.username, source: { from: 'typed', value: 'username' } } satisfies Candidate, ...picked.flatMap((e, step) => handedOut(e, step))];
  const entries: StorageEntry[] = [];
  for (const { origin, key, value } of input.localStorage) {
    const traced = traceValue(value, candidates);
    if ('untraced' in traced || (traced.template.every((p) => 'text' in p) && looksLikeToken(value))) return `localStorage ${key} (${origin}) holds a value the page generated, not one the portal handed out`;
    entries.push({ origin, key, value: traced.template });
  }
  return entries;
}
