/**
 * A syntax check of Playwright selectors for config load, before any browser
 * exists: `css=…`, `text=…`, `role=…`, `xpath=…`, `id=`/`data-testid=`,
 * `internal:…`, plain CSS, and `>>` chains (e.g. into an iframe with
 * `iframe#login >> internal:control=enter-frame >> #user`). It catches typos
 * (unbalanced brackets or quotes, empty parts, unknown engines); the
 * browser still has the last word on CSS details, checked once per run
 * before the portal is opened (flows/form-login.ts).
 */
const ENGINES = new Set(['css', 'xpath', 'text', 'id', 'data-testid', 'data-test-id', 'data-test', 'role', 'nth', 'visible', 'has-text', 'left-of', 'right-of', 'above', 'below', 'near']);

/** Why `selector` is not a Playwright selector, or undefined when it looks like one. */
export function selectorProblem(selector: string): string | undefined {
  const parts = splitChain(selector);
  if (typeof parts === 'string') return parts;
  for (const part of parts) {
    if (part === '') return 'has an empty part around ">>"';
    const engine = /^([a-zA-Z][\w:-]*)=/.exec(part)?.[1];
    if (engine && !ENGINES.has(engine) && !engine.startsWith('internal:')) return `uses an unknown selector engine "${engine}=" (known: css=, text=, role=, xpath=, id=, data-testid=, internal:…)`;
    const body = engine ? part.slice(engine.length + 1) : part;
    if (body.trim() === '') return `has nothing after "${engine}="`;
    const unbalanced = balanceProblem(body);
    if (unbalanced) return unbalanced;
  }
  return undefined;
}

/** Splits on `>>` outside quotes and brackets. */
function splitChain(selector: string): string[] | string {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (depth === 0 && c === '>' && selector[i + 1] === '>') {
      parts.push(selector.slice(start, i).trim());
      start = i + 2;
      i++;
    }
  }
  if (quote) return `has an unclosed ${quote} quote`;
  parts.push(selector.slice(start).trim());
  return parts;
}

function balanceProblem(body: string): string | undefined {
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') stack.push(c === '[' ? ']' : ')');
    else if (c === ']' || c === ')') {
      if (stack.pop() !== c) return `has an unmatched "${c}"`;
    }
  }
  return stack.length > 0 ? `has an unclosed "${stack[stack.length - 1] === ']' ? '[' : '('}"` : undefined;
}
