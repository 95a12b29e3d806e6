/**
 * Request and response bodies, query strings and name/value lists as a
 * trace records them. Beyond the registered secrets, two things are
 * redacted here: values under credential-like names (tokens the run never
 * learned) and runs of single digits that spell a code typed one digit per
 * box. Pure functions of the text and the run's redactor.
 */
import { REDACTED, type Redactor } from '../core/redact.js';
import { digitRunPositions } from './code-digits.js';
import { isSecretKey } from './secret-keys.js';

/** A name and its (decoded) value: a form field, a query parameter, a header, a cookie. */
export interface NamedValue {
  name: string;
  value: string;
}

/** Positions in `pairs` whose values must go: credential-like names, and digits that spell one of `codes`. */
export function pairsToRedact(pairs: readonly NamedValue[], codes: readonly string[]): Set<number> {
  const hits = digitRunPositions(pairs.map((p) => p.value), codes);
  pairs.forEach((pair, i) => {
    if (pair.value !== '' && isSecretKey(pair.name)) hits.add(i);
  });
  return hits;
}

/**
 * A body as a trace keeps it (postData text, a `resources/` file): JSON and
 * form-encoded bodies are read field by field, anything else (HTML, scripts)
 * only loses the registered secrets. A body with nothing to redact comes back as it was.
 */
export function scrubBody(body: string, redactor: Redactor): string {
  const codes = redactor.digitSecrets();
  const json = parseJsonBody(body);
  if (json !== undefined) {
    const scrubbed = JSON.stringify(scrubJson(json, redactor, codes));
    // No value had to go: keep the body's own layout (and so its resource name); a secret used as a key still goes.
    return scrubbed === JSON.stringify(json) ? redactor.redact(body) : scrubbed;
  }
  if (FORM.test(body.trim())) return redactor.redact(scrubForm(body.trim(), codes));
  return redactor.redact(body);
}

/** A URL's query and (when it is form-shaped, as in OAuth's `#access_token=…`) its fragment, field by field. */
export function scrubUrl(url: string, redactor: Redactor): string {
  const match = /^([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s.exec(url);
  if (!match || (match[2] === undefined && match[3] === undefined)) return redactor.redact(url);
  const codes = redactor.digitSecrets();
  const [, base, query, fragment] = match;
  const part = (text: string) => (FORM.test(text) ? scrubForm(text, codes) : text);
  const rebuilt = `${base}${query === undefined ? '' : `?${part(query)}`}${fragment === undefined ? '' : `#${part(fragment)}`}`;
  return redactor.redact(rebuilt);
}

/** `a=1&b=2` as browsers write it: names and values without spaces, `=` in every field. */
const FORM = /^[^\s=&]+=[^\s&]*(?:&[^\s=&]+=[^\s&]*)*$/;

/** The form with the fields to redact replaced, every other byte as it was (re-encoding would change what the viewer shows). */
function scrubForm(form: string, codes: readonly string[]): string {
  const fields = form.split('&').map((field) => {
    const at = field.indexOf('=');
    const [rawName, rawValue] = [field.slice(0, at), field.slice(at + 1)];
    return { rawName, rawValue, name: formDecode(rawName), value: formDecode(rawValue) };
  });
  const hits = pairsToRedact(fields, codes);
  return fields.map((f, i) => `${f.rawName}=${hits.has(i) ? REDACTED : f.rawValue}`).join('&');
}

function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text; // a stray % is not an encoding; read the field as written
  }
}

function parseJsonBody(body: string): Json | undefined {
  const text = body.trim();
  if (!/^[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * A parsed body with the values under credential-like keys (at any depth)
 * redacted, single digits (strings or numbers) that spell a code, in
 * document order, and the registered secrets in every string.
 */
function scrubJson(body: Json, redactor: Redactor, codes: readonly string[]): Json {
  const digits = digitRunPositions(primitivesOf(body).map(digitText), codes);
  let position = 0;
  const visit = (value: Json, secret: boolean): Json => {
    if (Array.isArray(value)) return value.map((v) => visit(v, secret));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, secret || isSecretKey(k))]));
    }
    if (digits.has(position++)) return REDACTED;
    if (typeof value === 'number') return redactor.leaks(String(value)) ? REDACTED : value; // {"otp": 123456}
    if (typeof value !== 'string') return value;
    return secret && value !== '' ? REDACTED : redactor.redact(value);
  };
  return visit(body, false);
}

/** Every string, number, boolean and null, in the order `scrubJson` visits them. */
function primitivesOf(value: Json): Json[] {
  if (Array.isArray(value)) return value.flatMap(primitivesOf);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(primitivesOf);
  return [value];
}

/** A primitive as the digit-run test reads it: the numbers 0–9 count like "0"–"9". */
function digitText(value: Json): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isInteger(value) ? String(value) : '';
}
