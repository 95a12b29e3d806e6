/**
 * Is a saved session still good, decided without a browser: first what the
 * session itself says (missing, expired), then the portal's daily cutoff,
 * then one HTTP request to the portal's probe URL with the session's
 * cookies. The cheap answers come first, so a session known to be dead
 * never reaches the portal.
 */
import type { ProbeAuth } from '../config/probe-schema.js';
import type { PortalConfig } from '../config/schema.js';
import { DIRECT, type Egress } from '../net/egress.js';
import { fetchVia } from '../net/http-fetch.js';
import { ProxyError } from '../net/tunnel.js';
import { cookieHeader, liveCookies } from './cookie-match.js';
import { lastCutoff, nextCutoff } from './daily-cutoff.js';
import type { Session } from './model.js';

export type Validity = 'yes' | 'no' | 'unknown';

export interface Verdict {
  valid: Validity;
  /** Why, in words for a person; never a cookie or token value. */
  reason: string;
  /** The session's own expiry (ISO), null for browser-session cookies or no session. */
  expiresAt: string | null;
  /** The first daily cutoff after now (ISO), when the portal has one: the session ends then at the latest. */
  nextCutoffAt: string | null;
  /**
   * The probe's Set-Cookie headers when it answered "valid" and set cookies
   * (a portal that rotates its session on every use): they hold live
   * values, so they are for session/write-back.ts only, never printed.
   */
  rotation?: Rotation;
}

/** Cookies a probe's answer set, with the address they came from (their domain and path default to it). */
export interface Rotation {
  url: string;
  setCookies: string[];
}

export interface ProbeRequest {
  url: URL;
  headers: Record<string, string>;
  /** ms */
  timeoutMs: number;
}

export interface ProbeResponse {
  status: number;
  /** Read only when the config asks for `probeExpect.contains`. */
  body: () => Promise<string>;
  setCookies: string[];
}

/** One GET to the probe URL; injectable so unit tests need no server. */
export type Probe = (request: ProbeRequest) => Promise<ProbeResponse>;

/** Default time one probe may take, in ms. */
export const PROBE_TIMEOUT_MS = 10_000;

/**
 * One GET from the account's egress (its proxy, when it has one: a session
 * bound to the login's IP answers only there), redirects not followed: a
 * logged-out portal answers its probe with a redirect to the login page,
 * and following it would end on a 200 that says nothing about the session.
 */
export function probeVia(egress: Egress): Probe {
  const send = fetchVia(egress);
  return async ({ url, headers, timeoutMs }) => {
    const response = await send(url, { method: 'GET', headers, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: () => response.text(), setCookies: response.headers.getSetCookie() };
  };
}

/** The probe of an account without a proxy. */
export const httpProbe: Probe = probeVia(DIRECT);

export interface JudgeOptions {
  probe?: Probe;
  timeoutMs?: number;
}

/**
 * The verdict on `session` (undefined: none saved) for `portal` at `now`.
 * Without a probe URL, a session that has not expired and is not past its
 * cutoff is "unknown": only the portal can say more.
 */
export async function judge(session: Session | undefined, portal: PortalConfig, now: Date, options: JudgeOptions = {}): Promise<Verdict> {
  if (!session) return { valid: 'no', reason: 'no saved session', expiresAt: null, nextCutoffAt: null };
  const cutoff = portal.session.dailyCutoff;
  const base = { expiresAt: session.info.expiresAt, nextCutoffAt: cutoff ? new Date(nextCutoff(cutoff, now.getTime())).toISOString() : null };
  const ended = endedReason(session, portal, now);
  if (ended) return { ...base, valid: 'no', reason: ended };
  const probeUrl = portal.success.probeUrl;
  if (!probeUrl) return { ...base, valid: 'unknown', reason: 'no probe configured; add success.probeUrl' };
  return { ...base, ...(await probeVerdict(session, portal, new URL(probeUrl), now, options)) };
}

/** Why the session has ended by its own account (expiry, cutoff), or undefined while it may still be good. */
function endedReason(session: Session, portal: PortalConfig, now: Date): string | undefined {
  const { expiresAt, sessionCookies, savedAt } = session.info;
  if (expiresAt !== null && Date.parse(expiresAt) <= now.getTime()) return `the session expired at ${expiresAt}`;
  const live = new Set(liveCookies(session.cookies, now).map((c) => c.name));
  const gone = sessionCookies.filter((name) => !live.has(name));
  if (sessionCookies.length > 0 && gone.length === sessionCookies.length) return `its session cookie${gone.length > 1 ? 's' : ''} ${gone.join(', ')} ${gone.length > 1 ? 'are' : 'is'} missing or expired`;
  const cutoff = portal.session.dailyCutoff;
  if (cutoff && Date.parse(savedAt) < lastCutoff(cutoff, now.getTime())) return `past the daily cutoff ${cutoff.text}`;
  return undefined;
}

/** What the probe URL answers with the session's cookies. */
async function probeVerdict(session: Session, portal: PortalConfig, url: URL, now: Date, options: JudgeOptions): Promise<Pick<Verdict, 'valid' | 'reason' | 'rotation'>> {
  const where = `${url.origin}${url.pathname}`; // never the query: it may carry a token
  const { headers, missing } = probeHeaders(session, portal.success.probeAuth, url, now);
  // Names only, never a value: a probe sent without its token says why it was turned away.
  const without = missing.length > 0 ? ` (sent without token${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: not in the saved session)` : '';
  let response: ProbeResponse;
  try {
    response = await (options.probe ?? httpProbe)({ url, headers, timeoutMs: options.timeoutMs ?? PROBE_TIMEOUT_MS });
  } catch (error) {
    return { valid: 'unknown', reason: `probe ${where} could not be reached (${networkReason(error)})` };
  }
  const expect = portal.success.probeExpect;
  const statusOk = expect?.status !== undefined ? response.status === expect.status : response.status >= 200 && response.status < 300;
  if (!statusOk) return { valid: 'no', reason: `probe ${where} answered ${response.status}${expect?.status !== undefined ? `, not ${expect.status}` : ''}${without}` };
  if (expect?.contains !== undefined && !(await response.body()).includes(expect.contains)) {
    return { valid: 'no', reason: `probe ${where} answered ${response.status} without the expected text (success.probeExpect.contains)` };
  }
  const rotation = response.setCookies.length > 0 ? { rotation: { url: url.href, setCookies: response.setCookies } } : {};
  return { valid: 'yes', reason: `probe ${where} answered ${response.status}`, ...rotation };
}

/**
 * The probe's headers: the cookies a client would send to `url`, and each
 * captured token `probeAuth` names under its header (`Authorization:
 * Bearer <token>` by default). A token the session lacks is left out and
 * named in `missing`; one a header cannot carry (a line break) too, since
 * fetch would put the value into its error message.
 */
export function probeHeaders(session: Session, probeAuth: readonly ProbeAuth[], url: URL, now: Date): { headers: Record<string, string>; missing: string[] } {
  const cookie = cookieHeader(session.cookies, url, now);
  const headers: Record<string, string> = cookie ? { cookie } : {};
  const missing: string[] = [];
  for (const { token, header, prefix } of probeAuth) {
    const value = session.tokens[token];
    if (value === undefined || value === '' || /[\r\n\0]/.test(value)) missing.push(token);
    else headers[header.toLowerCase()] = `${prefix}${value}`;
  }
  return { headers, missing };
}

/** fetch's own message is "fetch failed"; the reason is in its cause (ECONNREFUSED, a timeout). */
function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (cause instanceof ProxyError) return cause.message;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}
