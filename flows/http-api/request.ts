/**
 * One API request, built from its spec (config/api-flow-schema.ts) and the
 * values it carries, and sent with node's fetch, the run's cookie jar and a
 * timeout. Knows nothing about what the reply means (classify.ts does).
 */
import type { CookieJar } from 'tough-cookie';
import { placementsOf, type LoginRequestSpec, type Placement, type PlacedValue, type VerifyRequestSpec } from '../../config/api-flow-schema.js';
import type { Clock } from '../../core/clock.js';
import { PortalLoginError, type ErrorCode } from '../../core/errors.js';
import type { Redactor } from '../../core/redact.js';
import { describeEgress, DIRECT, type Egress } from '../../net/egress.js';
import { fetchVia } from '../../net/http-fetch.js';
import { ProxyError } from '../../net/tunnel.js';
import { writePath } from './json-path.js';

export type RequestSpec = LoginRequestSpec | VerifyRequestSpec;
export type PlacedValues = Partial<Record<PlacedValue, string>>;

export interface ApiReply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
  /** This machine's clock just before the request and when the reply's headers arrived (ms), for the clock skew. */
  sentAt: number;
  receivedAt: number;
}

export interface SendContext {
  jar: CookieJar;
  /** Per request, reply body included (ms). */
  timeoutMs: number;
  clock: Clock;
  /** Told every cookie value the portal sets, as it arrives. */
  redactor: Redactor;
  /** "config.yaml: portals.broker.login", for messages. */
  specRef: string;
  /** Where the request leaves from (the account's proxy); default direct. */
  egress?: Egress;
}

/** What a value is called in messages, and the error when it cannot go into a header. */
const VALUES: Readonly<Record<PlacedValue, { label: string; unsendable: ErrorCode }>> = {
  appKey: { label: 'app key', unsendable: 'SECRET_INVALID' },
  username: { label: 'username', unsendable: 'CONFIG_INVALID' },
  password: { label: 'password', unsendable: 'SECRET_INVALID' },
  interimToken: { label: 'interim token', unsendable: 'PORTAL_ERROR' },
  code: { label: 'code', unsendable: 'SECRET_INVALID' },
};

/** Where a request goes, for messages: never the query, which may carry a value. */
export function shownEndpoint(spec: RequestSpec): string {
  const url = new URL(spec.url);
  return `${spec.method} ${url.origin}${url.pathname}`;
}

/** Sends `spec` with `values` in their places; network failures and timeouts become PortalLoginErrors. */
export async function sendRequest(spec: RequestSpec, values: PlacedValues, context: SendContext): Promise<ApiReply> {
  const { url, init } = buildRequest(spec, values, context.specRef);
  const cookie = await cookieHeader(context.jar, url, context.clock.now());
  if (cookie !== '') init.headers.set('cookie', cookie);
  const signal = AbortSignal.timeout(context.timeoutMs);
  const sentAt = context.clock.now();
  try {
    // Redirects are not followed: they would carry the password headers to an address nobody configured.
    const response = await fetchVia(context.egress ?? DIRECT)(url, { ...init, signal });
    const receivedAt = context.clock.now();
    for (const header of response.headers.getSetCookie()) {
      // ignoreError: a cookie this URL may not set (another domain) is dropped, as a browser drops it.
      const cookie = await context.jar.setCookie(header, url.href, { ignoreError: true, now: new Date(receivedAt) });
      context.redactor.add(cookie?.value);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: parseJson(text), sentAt, receivedAt };
  } catch (error) {
    throw networkError(error, spec, context);
  }
}

/** The Cookie header for `url`, expiry judged on the run's clock (tough-cookie's own check would use the wall clock). */
async function cookieHeader(jar: CookieJar, url: URL, nowMs: number): Promise<string> {
  const cookies = await jar.getCookies(url.href, { expire: false });
  const now = new Date(nowMs);
  return cookies
    .filter((c) => {
      const expiry = c.expiryTime(now);
      return expiry === undefined || expiry > nowMs;
    })
    .map((c) => c.cookieString())
    .join('; ');
}

function buildRequest(spec: RequestSpec, values: PlacedValues, specRef: string): { url: URL; init: { method: string; headers: Headers; body?: string } } {
  const url = new URL(spec.url);
  const headers = new Headers(spec.headers);
  const json: Record<string, unknown> = {};
  const form = new URLSearchParams();
  let body: 'json' | 'form' | undefined;
  for (const [name, placement] of placementsOf(spec)) {
    const value = values[name];
    // A value the run does not have (no appKeyEnv) is not sent at all.
    if (value === undefined) continue;
    body = place(placement, value, { url, headers, json, form }, () => unsendable(name, placement, specRef)) ?? body;
  }
  if (body === 'json') headers.set('content-type', 'application/json');
  if (body === 'form') headers.set('content-type', 'application/x-www-form-urlencoded');
  if (!headers.has('accept')) headers.set('accept', 'application/json');
  const text = body === 'json' ? JSON.stringify(json) : body === 'form' ? form.toString() : undefined;
  return { url, init: { method: spec.method, headers, ...(text === undefined ? {} : { body: text }) } };
}

interface Parts {
  url: URL;
  headers: Headers;
  json: Record<string, unknown>;
  form: URLSearchParams;
}

/** Puts one value in its place; returns the body kind it needs, if any. */
function place(placement: Placement, value: string, parts: Parts, unsendable: () => PortalLoginError): 'json' | 'form' | undefined {
  if ('header' in placement) {
    const headerValue = `${placement.prefix ?? ''}${value}`;
    // fetch refuses these with a TypeError that would name no key; and a line break must never reach the wire.
    if (/[\r\n\0]|[^\u0000-\u00ff]/.test(headerValue)) throw unsendable();
    parts.headers.set(placement.header, headerValue);
    return undefined;
  }
  if ('json' in placement) {
    writePath(parts.json, placement.json, value);
    return 'json';
  }
  if ('form' in placement) {
    parts.form.set(placement.form, value);
    return 'form';
  }
  parts.url.searchParams.set(placement.query, value);
  return undefined;
}

function unsendable(name: PlacedValue, placement: Placement, specRef: string): PortalLoginError {
  const { label, unsendable: code } = VALUES[name];
  const header = 'header' in placement ? placement.header : '';
  return new PortalLoginError(code, `The ${label} cannot be sent in the ${header} header: it holds a line break or characters outside Latin-1.`, {
    hint: `Send it in the body instead (${specRef}.${name}: { json: "…" } or { form: "…" }), or check the value.`,
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** fetch's own message is "fetch failed"; the reason is in its cause (ECONNREFUSED, ENOTFOUND). */
function networkError(error: unknown, spec: RequestSpec, context: SendContext): PortalLoginError {
  const where = shownEndpoint(spec);
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new PortalLoginError('TIMEOUT', `${where} did not answer within ${Math.round(context.timeoutMs / 1000)} s.`, {
      hint: 'The portal did not answer in time: raise --timeout, or check that it is up. Whether the request reached it is unknown; the next run may find the account throttled.',
    });
  }
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  const reason = cause instanceof ProxyError ? cause.message : (cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)));
  const egress = context.egress ?? DIRECT;
  const via = egress.kind === 'proxy' ? ` ${describeEgress(egress)}` : '';
  return new PortalLoginError('PORTAL_ERROR', `Could not reach ${where}${via}: ${reason}.`, {
    hint: egress.kind === 'proxy'
      ? 'Check that the account\'s proxy is up and reachable from this machine, and its proxy.usernameEnv / passwordEnv; then that the portal is reachable from the proxy.'
      : `Check ${context.specRef}.url and that the portal is reachable from this machine (DNS, proxy, firewall).`,
    cause: error,
  });
}
