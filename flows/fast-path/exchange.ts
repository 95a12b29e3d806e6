/**
 * One request of a recorded login and what came back, as plain data: the
 * recorder (recorder.ts) fills it from Playwright's events, the learner
 * (learn.ts) reads it. Lives only in memory: it holds every secret of the login.
 */
export interface Exchange {
  method: string;
  url: string;
  /** Request headers as sent, names in lower case (the cookie header included). */
  headers: Record<string, string>;
  /** The request body as sent, when it had one. */
  body?: string;
  /** Index of the request this one followed as a redirect. */
  redirectedFrom?: number;
  /** Undefined when no answer came (aborted, failed). */
  response?: ExchangeResponse;
}

export interface ExchangeResponse {
  status: number;
  /** Every header, repeated ones (set-cookie) as separate entries; names in lower case. */
  headers: Array<{ name: string; value: string }>;
  /** The body of an HTML or JSON answer; undefined for redirects and other types. */
  text?: string;
}

/** A header of a response (the first when repeated). */
export function responseHeader(response: ExchangeResponse, name: string): string | undefined {
  return response.headers.find((h) => h.name === name)?.value;
}

/** name → value of the cookies a response set (attributes dropped). */
export function setCookiesOf(response: ExchangeResponse): Array<{ name: string; value: string }> {
  return response.headers
    .filter((h) => h.name === 'set-cookie')
    .flatMap((h) => h.value.split('\n'))
    .map((line) => /^\s*([^=;\s]+)=([^;]*)/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1]!, value: m[2]!.trim() }));
}
