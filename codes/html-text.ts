/**
 * HTML mail → plain text, just enough to find a code in it: the words a
 * person sees, with table cells and blocks kept apart so numbers in
 * neighbouring cells do not run together. Not a renderer.
 */

/** Elements that carry no visible text (or only metadata). */
const INVISIBLE = /<(head|script|style|title|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
/** Tags that end a line where they appear. */
const BLOCK = /<\/?(br|p|div|tr|table|tbody|thead|h[1-6]|li|ul|ol|center|blockquote|hr|section|article|header|footer)\b[^>]*>/gi;
/** Table cells: a tab, so a phone number in one cell never joins a code in the next. */
const CELL = /<\/?(td|th)\b[^>]*>/gi;
/** Inline formatting inside a word (a code styled as <b>48</b>2913) is dropped without a space. */
const INLINE = /<\/?(a|b|i|u|em|strong|span|font|small|big|sub|sup|code|mark|abbr|tt|s)\b[^>]*>/gi;

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'",
  zwnj: '', zwj: '', shy: '', ndash: '–', mdash: '—', bull: '•', middot: '·', copy: '©', reg: '®', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', hellip: '…',
};

/** Zero-width characters mail senders put between digits to stop auto-linking. */
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (entity, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return codePoint(Number.parseInt(lower.slice(2), 16), entity);
    if (lower.startsWith('#')) return codePoint(Number.parseInt(lower.slice(1), 10), entity);
    return NAMED_ENTITIES[lower] ?? entity;
  });
}

function codePoint(value: number, fallback: string): string {
  return Number.isFinite(value) && value > 0 && value <= 0x10ffff ? String.fromCodePoint(value) : fallback;
}

/** The visible text of an HTML body: one line per block, cells separated by tabs, spaces collapsed. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ') // source line breaks are not visible; the block tags below make the lines
    .replace(BLOCK, '\n')
    .replace(CELL, '\t')
    .replace(INLINE, '')
    .replace(/<[^>]*>/g, ' ');
  return decodeEntities(text)
    .replace(ZERO_WIDTH, '')
    .split('\n')
    .map((line) => line.replace(/[ \u00A0]+/g, ' ').replace(/\t[\t ]*/g, '\t').trim())
    .filter((line) => line !== '')
    .join('\n');
}
