/**
 * Token capture (portal `capture:`): values the login leaves behind that
 * are not cookies — an API token in localStorage, a JSON field of the login
 * API's reply — read by name and saved in `session.tokens`. One capturer per
 * `from`, in one table; the login depends only on `startCapture`.
 *
 * Every value found is registered with the run's redactor the moment it is
 * read, so no log line, error message or (scrubbed) trace can show it.
 */
import type { BrowserContext, Page, Response } from 'playwright';
import type { Redactor } from '../core/redact.js';
import type { CaptureSpec } from '../config/schema.js';
import type { OriginStorage, SessionCookie } from './model.js';

/** What is known once the login is confirmed (or has failed): the page, and the context's storage as saved. */
export interface AfterLogin {
  page: Page;
  cookies: readonly SessionCookie[];
  origins: readonly OriginStorage[];
}

/** One capture: optionally watches the login as it runs, then says what it found (undefined: nothing). */
interface Capturer {
  read(after: AfterLogin): Promise<string | undefined>;
}

type CaptureKind = CaptureSpec['from'];
/** What a capturer that watches the login needs: the context it listens on, and the redactor to tell at once. */
interface Watch {
  context: BrowserContext;
  redactor: Redactor;
}
type CapturerFactory<K extends CaptureKind> = (spec: Extract<CaptureSpec, { from: K }>, watch: Watch) => Capturer;

export interface CaptureResult {
  /** Name → value for every capture that found one. */
  tokens: Record<string, string>;
  /** The names of the captures that found nothing (for a warning that names no value). */
  missing: string[];
}

export interface CaptureRun {
  /** Reads every capture; safe to call more than once (a failed login calls it only to redact what was found). */
  finish(after: AfterLogin): Promise<CaptureResult>;
}

/**
 * Starts every configured capture on `context` before the login's first
 * page load, so a response capture sees the login's own requests.
 */
export function startCapture(specs: Readonly<Record<string, CaptureSpec>>, context: BrowserContext, redactor: Redactor): CaptureRun {
  const running = Object.entries(specs).map(([name, spec]) => ({ name, capturer: createCapturer(spec, { context, redactor }) }));
  return {
    async finish(after) {
      const tokens: Record<string, string> = {};
      const missing: string[] = [];
      for (const { name, capturer } of running) {
        // A page gone or a body discarded means "not found" for this capture, never a failed login.
        const value = await capturer.read(after).catch(() => undefined);
        redactor.add(value);
        if (value === undefined || value === '') missing.push(name);
        else tokens[name] = value;
      }
      return { tokens, missing };
    },
  };
}

function createCapturer(spec: CaptureSpec, watch: Watch): Capturer {
  const create = capturers[spec.from] as CapturerFactory<CaptureKind>;
  return create(spec, watch);
}

/** The origin a storage capture reads: the configured one, else the logged-in page's. */
function originOf(configured: string | undefined, page: Page): string {
  return new URL(configured ?? page.url()).origin;
}

const localStorageCapturer: CapturerFactory<'localStorage'> = (spec) => ({
  async read({ page, origins }) {
    const origin = originOf(spec.origin, page);
    return origins.find((o) => o.origin === origin)?.localStorage.find((item) => item.name === spec.key)?.value;
  },
});

/** sessionStorage is per tab and not in storageState: read from the page's frame of that origin. */
const sessionStorageCapturer: CapturerFactory<'sessionStorage'> = (spec) => ({
  async read({ page }) {
    const origin = originOf(spec.origin, page);
    const frame = page.frames().find((f) => URL.canParse(f.url()) && new URL(f.url()).origin === origin);
    const value = await frame?.evaluate((key) => window.sessionStorage.getItem(key), spec.key);
    return value ?? undefined;
  },
});

const cookieCapturer: CapturerFactory<'cookie'> = (spec) => ({
  async read({ cookies }) {
    return cookies.find((c) => c.name === spec.name)?.value;
  },
});

/**
 * Listens from the start: a response body is only readable while its page
 * lives, so the first matching response's value is read as it arrives, and
 * registered with the redactor at once: a login that fails later (its trace,
 * a --verbose line) must not show it either.
 */
const responseCapturer: CapturerFactory<'response'> = (spec, { context, redactor }) => {
  const pattern = new RegExp(spec.url);
  let found: Promise<string | undefined> | undefined;
  const onResponse = (response: Response) => {
    if (found || !pattern.test(response.url())) return;
    const value = spec.header !== undefined ? response.headerValue(spec.header).then((v) => v ?? undefined) : response.json().then((body: unknown) => fieldAt(body, spec.json ?? ''));
    found = value.then((v) => (redactor.add(v), v));
    found.catch(() => undefined); // read (and reported as missing) in finish
  };
  context.on('response', onResponse);
  return {
    async read() {
      context.off('response', onResponse);
      return found;
    },
  };
};

const capturers: { [K in CaptureKind]: CapturerFactory<K> } = {
  localStorage: localStorageCapturer,
  sessionStorage: sessionStorageCapturer,
  response: responseCapturer,
  cookie: cookieCapturer,
};

/** The string (or number) at a dot path of parsed JSON (`data.token`, `items.0.id`); undefined for anything else. */
export function fieldAt(json: unknown, path: string): string | undefined {
  let at: unknown = json;
  for (const part of path.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return typeof at === 'string' ? at : typeof at === 'number' ? String(at) : undefined;
}
