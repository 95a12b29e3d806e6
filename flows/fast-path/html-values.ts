/**
 * The values a server-rendered page hands to its next request: <input>
 * fields (a CSRF token in a hidden one) and <meta> tags (Rails' csrf-token).
 * Read with patterns, not a DOM: the learner and the replay must agree on
 * what a page holds, and neither may load a browser.
 */

const TAG = /<(input|meta)\b([^>]*)>/gi;
const ATTRIBUTE = /([^\s"'=<>`/]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

export interface PageValues {
  /** input name → value, the first of each name. */
  inputs: Map<string, string>;
  /** meta name (or property) → content. */
  metas: Map<string, string>;
}

/** The inputs and meta tags of an HTML document. */
export function pageValues(html: string): PageValues {
  const inputs = new Map<string, string>();
  const metas = new Map<string, string>();
  for (const [, tag = '', attributeText = ''] of html.matchAll(TAG)) {
    const attributes = new Map<string, string>();
    for (const m of attributeText.matchAll(ATTRIBUTE)) attributes.set(m[1]!.toLowerCase(), decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
    if (tag.toLowerCase() === 'input') {
      const name = attributes.get('name');
      if (name !== undefined && !inputs.has(name)) inputs.set(name, attributes.get('value') ?? '');
    } else {
      const name = attributes.get('name') ?? attributes.get('property');
      const content = attributes.get('content');
      if (name !== undefined && content !== undefined && !metas.has(name)) metas.set(name, content);
    }
  }
  return { inputs, metas };
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number.parseInt(lower.slice(1), 10));
    return ENTITIES[lower] ?? entity;
  });
}
