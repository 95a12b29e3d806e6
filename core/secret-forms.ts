/**
 * The spellings a secret takes when a page, a URL or a JSON body carries it:
 * a portal that reflects the password into its HTML escapes `&` as `&amp;`,
 * `&#38;` or `&#x26;`, an API escapes it as `\u0026`, a query string as `%26`.
 * The Redactor registers every form, so a reflected secret is caught too.
 */

type Escape = (char: string) => string;

const hex = (char: string) => char.charCodeAt(0).toString(16);
const decimalEntity: Escape = (c) => `&#${c.charCodeAt(0)};`;
const hexEntity: Escape = (c) => `&#x${hex(c)};`;
const upperHexEntity: Escape = (c) => `&#x${hex(c).toUpperCase()};`;
const NAMED: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** Named entities, with the apostrophe as the given spelling: serializers disagree on it (&#39; lodash/Go/Ruby, &#x27; Python/React, &apos; PHP 8, &#039; older PHP). */
const named = (apostrophe: string): Escape => (c) => NAMED[c] ?? apostrophe;
const namedOnly: Escape = (c) => NAMED[c] ?? c;
const jsonUnicode: Escape = (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One HTML form: which characters a serializer escapes, and how it spells them. */
interface HtmlStyle {
  chars: RegExp;
  escape: Escape;
}

const HTML_STYLES: readonly HtmlStyle[] = [
  ...['&#39;', '&#x27;', '&apos;', '&#039;'].map((apostrophe) => ({ chars: /[&<>"']/g, escape: named(apostrophe) })),
  { chars: /[&<>"']/g, escape: decimalEntity },
  { chars: /[&<>"']/g, escape: hexEntity },
  { chars: /[&<>"']/g, escape: upperHexEntity },
  // What the DOM serializes (innerHTML, outerHTML): text escapes only & < >, attribute values only & and ".
  { chars: /[&<>]/g, escape: namedOnly },
  { chars: /[&"]/g, escape: namedOnly },
];

/** JSON string content without the quotes. */
const json = (secret: string) => JSON.stringify(secret).slice(1, -1);

const FORMS: ReadonlyArray<(secret: string) => string> = [
  encodeURIComponent,
  // Some encoders write the hex digits in lower case (%2f).
  (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
  // Browsers form-encode more than encodeURIComponent does (! ' ( ) ~) and write a space as +.
  (s) => new URLSearchParams({ v: s }).toString().slice(2),
  json,
  // HTML-safe JSON (Go's encoding/json, PHP's JSON_HEX_*): < > & ' as \u003c \u003e \u0026 \u0027.
  (s) => json(s).replace(/[<>&']/g, jsonUnicode),
  // ASCII-only JSON (Python's json.dumps): everything past U+007F as \uXXXX.
  (s) => json(s).replace(/[^\x00-\x7f]/g, jsonUnicode),
  ...HTML_STYLES.map((style) => (s: string) => s.replace(style.chars, style.escape)),
];

/** `secret` and each distinct encoded form of it (a secret of plain letters and digits has just one). */
export function secretForms(secret: string): string[] {
  return [...new Set([secret, ...FORMS.map((form) => form(secret))])];
}
