/**
 * A session in the formats other programs read: pure functions of a Session,
 * one per format, in one table. Every format leaves out cookies past their
 * expiry at `now` (tough-cookie decides), so a reader that ignores expiry
 * (Python's `ignore_expires=True`, needed for session cookies) never sends a
 * dead cookie.
 */
import { PortalLoginError } from '../core/errors.js';
import { cookieHeader, liveCookies } from './cookie-match.js';
import type { ExportFormat } from './export-formats.js';
import type { Session, SessionCookie } from './model.js';

export interface ExportOptions {
  /** The request the cookies are for (cookie-header, env): only cookies matching it are included. */
  url: URL;
  now: Date;
  /**
   * netscape: mark HttpOnly cookies with curl's `#HttpOnly_` prefix (default).
   * wget (1.21) reads such lines as comments, so for wget turn it off.
   */
  httpOnlyPrefix?: boolean;
}

export type Exporter = (session: Session, options: ExportOptions) => string;

/** Playwright's storageState: what `browser.newContext({ storageState })` loads. */
const storageState: Exporter = (session, { now }) =>
  JSON.stringify({ cookies: liveCookies(session.cookies, now), origins: session.origins }, null, 2);

const cookieHeaderExporter: Exporter = (session, { url, now }) => cookieHeader(session.cookies, url, now);

/**
 * cookies.txt as curl writes it: a domain cookie keeps its leading dot with
 * TRUE, a host-only cookie has none with FALSE (Python's MozillaCookieJar
 * rejects the file when the two disagree), expiry 0 for a session cookie.
 */
const netscape: Exporter = (session, { now, httpOnlyPrefix = true }) => {
  const lines = liveCookies(session.cookies, now).map((c) => netscapeLine(c, httpOnlyPrefix));
  // Python's MozillaCookieJar refuses a file whose first line is not this magic comment.
  return ['# Netscape HTTP Cookie File', '# Written by portal-login export: a live session, keep it private.', '', ...lines].join('\n');
};

function netscapeLine(c: SessionCookie, httpOnlyPrefix: boolean): string {
  for (const [field, text] of [['name', c.name], ['value', c.value], ['domain', c.domain], ['path', c.path]] as const) {
    // The format has no escaping: a tab or line break would shift every later field.
    if (/[\t\r\n]/.test(text)) throw new PortalLoginError('USAGE', `Cookie ${JSON.stringify(c.name.replace(/[\t\r\n]/g, ' '))} has a tab or line break in its ${field}: it cannot be written as cookies.txt.`, { hint: 'Use --format json or --format cookie-header instead.' });
  }
  const flag = (on: boolean) => (on ? 'TRUE' : 'FALSE');
  const prefix = c.httpOnly && httpOnlyPrefix ? '#HttpOnly_' : '';
  const expires = c.expires > 0 ? Math.floor(c.expires) : 0;
  return [prefix + c.domain, flag(c.domain.startsWith('.')), c.path, flag(c.secure), String(expires), c.name, c.value].join('\t');
}

/** The whole Session (cookies with every attribute, origins, tokens, info), live cookies only. */
const json: Exporter = (session, { now }) => JSON.stringify({ ...session, cookies: liveCookies(session.cookies, now) }, null, 2);

/**
 * `KEY=value` lines for a shell (`eval "$(…)"`) or a dotenv file:
 * `<ACCOUNT>_COOKIE` is the cookie header for `url`, then one
 * `<ACCOUNT>_<TOKEN>` per captured token. Values are single-quoted, so
 * `$`, backquotes, spaces and `;` in a cookie stay literal.
 */
const env: Exporter = (session, { url, now }) => {
  const stem = envName(session.info.account);
  const entries: Array<[string, string]> = [[`${stem}_COOKIE`, cookieHeader(session.cookies, url, now)]];
  for (const [token, value] of Object.entries(session.tokens)) entries.push([`${stem}_${envName(token)}`, value]);
  const seen = new Set<string>();
  for (const [key] of entries) {
    if (seen.has(key)) throw new PortalLoginError('USAGE', `Two values would be exported as ${key} (account "${session.info.account}", tokens ${Object.keys(session.tokens).join(', ')}).`, { hint: 'Rename one of the captured tokens in the config, or use --format json.' });
    seen.add(key);
  }
  return entries.map(([key, value]) => `${key}=${shellQuote(value)}`).join('\n');
};

/** An env var name from a free-form name: upper case, [A-Z0-9_] only, not starting with a digit. */
export function envName(name: string): string {
  const upper = name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[0-9]/.test(upper) ? `_${upper}` : upper;
}

/** POSIX single quotes: everything literal; a quote inside becomes '\'' (close, escaped quote, reopen). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface ExportFormatSpec {
  render: Exporter;
  /** Whether only cookies matching `options.url` go in (so an empty match is worth a warning). */
  forUrl: boolean;
}

/** Format name → exporter; adding a format is one function and one line here. */
export const EXPORTERS = {
  'storage-state': { render: storageState, forUrl: false },
  'cookie-header': { render: cookieHeaderExporter, forUrl: true },
  netscape: { render: netscape, forUrl: false },
  json: { render: json, forUrl: false },
  env: { render: env, forUrl: true },
} as const satisfies Record<ExportFormat, ExportFormatSpec>;

/** The session in `format`, without a trailing newline (the CLI adds one). */
export function exportSession(format: ExportFormat, session: Session, options: ExportOptions): string {
  return EXPORTERS[format].render(session, options);
}
