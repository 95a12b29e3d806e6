/**
 * One JSON line of a trace's `.trace`, `.network` or `.stacks` entry, with
 * what it must not show taken out. Lines are parsed so only strings change
 * (a code must not be cut out of a timestamp); a line that is not JSON is
 * redacted as text. Beyond the registered secrets, rules by shape find
 * what a text search cannot: the digits of a code typed one per box, and
 * tokens under credential-like names the run never learned.
 */
import { REDACTED, type Redactor } from '../core/redact.js';
import { pairsToRedact, scrubBody, scrubUrl, type NamedValue } from './bodies.js';
import { isCodeBox, isPartOfCode, redactCodeBoxMarkup, targetsCodeBox } from './code-digits.js';

type Json = string | number | boolean | null | Json[] | JsonObject;
type JsonObject = { [key: string]: Json };

interface LineContext {
  redactor: Redactor;
  codes: readonly string[];
  /** Old → new sha1 of the `resources/` files whose content the scrub changed. */
  renames: ReadonlyMap<string, string>;
}

/**
 * `line` with secrets redacted. `renames` maps the sha1 names of resources
 * the scrub rewrote to their new names, so references keep pointing at them.
 */
export function scrubTraceLine(line: string, redactor: Redactor, renames: ReadonlyMap<string, string> = new Map()): string {
  if (line.trim() === '') return line;
  let parsed: Json;
  try {
    parsed = JSON.parse(line) as Json;
  } catch {
    return redactor.redact(line);
  }
  return JSON.stringify(scrubValue(parsed, { redactor, codes: redactor.digitSecrets(), renames }));
}

function scrubValue(value: Json, ctx: LineContext): Json {
  if (typeof value === 'string') return scrubString(value, ctx);
  if (Array.isArray(value)) {
    const items = value.map((v) => scrubValue(v, ctx));
    for (const rule of ARRAY_RULES) rule(items, ctx);
    return items;
  }
  if (value !== null && typeof value === 'object') {
    const node: JsonObject = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValue(v, ctx)]));
    for (const rule of OBJECT_RULES) rule(node, ctx);
    return node;
  }
  return value;
}

function scrubString(text: string, ctx: LineContext): string {
  let out = /^(https?|wss?):\/\//.test(text) ? scrubUrl(text, ctx.redactor) : ctx.redactor.redact(text);
  if (out.includes('<')) out = redactCodeBoxMarkup(out); // a log line's preview of a box: <input … value="8">
  if (ctx.renames.size > 0) out = out.replace(/[0-9a-f]{40}/g, (sha1) => ctx.renames.get(sha1) ?? sha1);
  return out;
}

const isObject = (value: Json | undefined): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Actions whose parameter is typed into the target, by the parameter's name. */
const TYPED_PARAM: ReadonlyMap<string, string> = new Map([
  ['fill', 'value'],
  ['type', 'text'],
]);

/** A fill into a code box: `{method: 'fill', params: {selector: '[data-portal-login~="code-0"] >> nth=0', value: '8'}, title?: 'Fill "8"'}`. */
function redactCodeBoxFill(node: JsonObject): void {
  const param = typeof node.method === 'string' ? TYPED_PARAM.get(node.method) : undefined;
  const params = node.params;
  if (!param || !isObject(params) || typeof params.selector !== 'string' || !targetsCodeBox(params.selector)) return;
  const typed = params[param];
  if (typeof typed !== 'string' || typed === '') return;
  params[param] = REDACTED;
  if (typeof node.title === 'string') node.title = node.title.split(JSON.stringify(typed)).join(JSON.stringify(REDACTED));
}

/** A recorded body: `postData` and response `content` carry `{mimeType, text}` (base64 text is binary: left alone). */
function scrubBodyText(node: JsonObject, ctx: LineContext): void {
  if (typeof node.text === 'string' && typeof node.mimeType === 'string' && node.encoding === undefined) node.text = scrubBody(node.text, ctx.redactor);
}

/**
 * A snapshot's input holding digits that are part of a code: boxes the
 * engine had not tagged (yet, or any more), and the hidden field a widget
 * assembles the code in as it arrives (`8`, `87`, `870`…: each a prefix, none
 * the whole code a text search finds).
 */
function redactCodePartInput(node: Json[], ctx: LineContext): void {
  const [name, attrs] = node;
  if (typeof name !== 'string' || !/^input$/i.test(name) || !isObject(attrs)) return;
  for (const key of ['__playwright_value_', 'value']) {
    const value = attrs[key];
    if (typeof value === 'string' && isPartOfCode(value, ctx.codes)) attrs[key] = REDACTED;
  }
}

/** A snapshot node of a tagged code box: its value (the property, and the attribute React mirrors it into). */
function redactCodeBoxValue(node: Json[]): void {
  const attrs = node[1];
  if (typeof node[0] !== 'string' || !isObject(attrs) || !isCodeBox(attrs)) return;
  for (const key of ['__playwright_value_', 'value']) if (typeof attrs[key] === 'string' && attrs[key] !== '') attrs[key] = REDACTED;
}

/** Headers, cookies, query parameters and form params are lists of `{name, value}`. */
function redactNamedValues(items: Json[], ctx: LineContext): void {
  const pairs = items.filter((item): item is JsonObject & NamedValue => isObject(item) && typeof item.name === 'string' && typeof item.value === 'string');
  for (const i of pairsToRedact(pairs, ctx.codes)) pairs[i]!.value = REDACTED;
}

const OBJECT_RULES: ReadonlyArray<(node: JsonObject, ctx: LineContext) => void> = [redactCodeBoxFill, scrubBodyText];
const ARRAY_RULES: ReadonlyArray<(node: Json[], ctx: LineContext) => void> = [redactCodeBoxValue, redactCodePartInput, redactNamedValues];
