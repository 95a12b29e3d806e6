import type { Page, Request, Response } from 'playwright';

/** What the page sent and got back, as far as the loop cares: pending loads, auto-submits, rate limits. */
export interface NetworkWatch {
  /** A position to ask "since when" about. */
  mark(): number;
  /** Whether the page navigated a frame, or sent a non-GET request carrying `code`, since `mark`. */
  sentSince(mark: number, code: string): boolean;
  /** The first HTTP 429 answer to a document, fetch or XHR request since `mark`. */
  rateLimitSince(mark: number): { url: string; retryAfter?: string } | undefined;
  /** Document, fetch and XHR requests still waiting for an answer. */
  pending(): number;
  stop(): void;
}

const WATCHED = new Set(['document', 'xhr', 'fetch']);

/** Watches one page's requests (every frame's) for the length of a login. */
export function watchNetwork(page: Page): NetworkWatch {
  const events: Array<{ kind: 'navigation' | 'send'; body: string } | { kind: 'rate-limit'; url: string; retryAfter?: string }> = [];
  const open = new Set<Request>();
  const onRequest = (request: Request) => {
    if (!WATCHED.has(request.resourceType())) return;
    open.add(request);
    if (request.isNavigationRequest()) events.push({ kind: 'navigation', body: request.postData() ?? '' });
    else if (request.method() !== 'GET') events.push({ kind: 'send', body: request.postData() ?? '' });
  };
  const onDone = (request: Request) => open.delete(request);
  const onResponse = (response: Response) => {
    if (response.status() === 429 && WATCHED.has(response.request().resourceType())) {
      events.push({ kind: 'rate-limit', url: response.url(), retryAfter: response.headers()['retry-after'] });
    }
  };
  page.on('request', onRequest);
  page.on('requestfinished', onDone);
  page.on('requestfailed', onDone);
  page.on('response', onResponse);
  return {
    mark: () => events.length,
    sentSince: (mark, code) =>
      events.slice(mark).some((e) => e.kind === 'navigation' || (e.kind === 'send' && (e.body.includes(code) || digitsInOrder(e.body, code)))),
    rateLimitSince: (mark) => {
      const hit = events.slice(mark).find((e) => e.kind === 'rate-limit');
      return hit && hit.kind === 'rate-limit' ? { url: hit.url, retryAfter: hit.retryAfter } : undefined;
    },
    pending: () => open.size,
    stop: () => {
      page.off('request', onRequest);
      page.off('requestfinished', onDone);
      page.off('requestfailed', onDone);
      page.off('response', onResponse);
    },
  };
}

/** A body that carries the code one digit per field (d1=8&d2=7…). */
function digitsInOrder(body: string, code: string): boolean {
  const values = [...body.matchAll(/=(\d)(?=&|$|")/g)].map((m) => m[1]).join('');
  return values.includes(code);
}
