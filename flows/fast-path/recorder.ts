/**
 * Records a login's document, fetch and XHR traffic in a browser context
 * for the learner: requests with their headers and bodies, answers with
 * their headers and (HTML or JSON) bodies. In memory only; everything here
 * is as secret as the login itself. Playwright is imported for types only.
 */
import type { BrowserContext, Request, Response } from 'playwright';
import type { Exchange } from './exchange.js';

const RECORDED = new Set(['document', 'xhr', 'fetch']);
/** Bodies larger than this are not kept: a login's answers are small, a bundle or report is not what holds a token. */
const MAX_BODY = 1_000_000;

/** How long finish() waits for header and body reads (ms). */
const SETTLE_MS = 3000;

export interface Recording {
  /** Stops recording and resolves once every header and body read has settled. */
  finish(): Promise<Exchange[]>;
}

/** Starts recording `context` (before the login's first page load, so its first request is seen). */
export function recordLogin(context: BrowserContext): Recording {
  const exchanges: Exchange[] = [];
  const index = new Map<Request, number>();
  const reads: Array<Promise<void>> = [];
  const onRequest = (request: Request) => {
    if (!RECORDED.has(request.resourceType())) return;
    const from = request.redirectedFrom();
    const body = request.postData();
    const exchange: Exchange = { method: request.method(), url: request.url(), headers: {}, ...(body === null ? {} : { body }), ...(from && index.has(from) ? { redirectedFrom: index.get(from)! } : {}) };
    index.set(request, exchanges.length);
    exchanges.push(exchange);
    reads.push(request.allHeaders().then((headers) => void (exchange.headers = lowerCased(headers)), () => void (exchange.headers = lowerCased(request.headers()))));
  };
  const onResponse = (response: Response) => {
    const at = index.get(response.request());
    if (at === undefined) return;
    reads.push(readResponse(response).then((read) => void (exchanges[at]!.response = read)));
  };
  context.on('request', onRequest);
  context.on('response', onResponse);
  return {
    async finish() {
      context.off('request', onRequest);
      context.off('response', onResponse);
      // An answer still streaming (a long poll) must not hold the login up: what has not settled by then is left out.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(reads), new Promise<void>((resolve) => (timer = setTimeout(resolve, SETTLE_MS)))]);
      clearTimeout(timer);
      return exchanges;
    },
  };
}

async function readResponse(response: Response): Promise<Exchange['response']> {
  const headers = await response.headersArray().catch(() => Object.entries(response.headers()).map(([name, value]) => ({ name, value })));
  const lower = headers.map((h) => ({ name: h.name.toLowerCase(), value: h.value }));
  const status = response.status();
  const type = lower.find((h) => h.name === 'content-type')?.value ?? '';
  const readable = (status < 300 || status >= 400) && /html|json/.test(type);
  // A body the browser no longer holds (the page navigated on) only leaves that answer without values to trace.
  const text = readable ? await response.text().catch(() => undefined) : undefined;
  return { status, headers: lower, ...(text !== undefined && text.length <= MAX_BODY ? { text } : {}) };
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
