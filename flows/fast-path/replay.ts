/**
 * The replay: a recipe's requests over plain HTTP (node's fetch and a
 * tough-cookie jar; nothing here loads Playwright), with the run's username
 * and password and a fresh code from the account's source. Every answer
 * must be the one the browser got; a refusal of the password or the code
 * ends the login as in the browser, any other difference is a stale recipe.
 */
import type { HttpFetch } from '../../net/http-fetch.js';
import { CookieJar } from 'tough-cookie';
import type { CodeSource, IssuedCode } from '../../codes/code-source.js';
import type { Logger } from '../../core/log.js';
import type { Redactor } from '../../core/redact.js';
import { fromToughCookie } from '../../session/cookie-match.js';
import type { OriginStorage, SessionCookie } from '../../session/model.js';
import { measureSkew, unbelievableSkew } from '../clock-skew.js';
import type { ReplayRecipe, RecipeStep, Typed } from './recipe.js';
import { readRefusal } from './refusal.js';
import { fill, fillJson, StaleRecipe, type ReplayedAnswer, type ValueContext } from './replay-values.js';
import { shownUrl } from './request-shape.js';

export interface ReplayInput {
  recipe: ReplayRecipe;
  username: string;
  password: string;
  /** Builds the account's code source once the portal's clock offset (ms) is known. */
  codes: (portalClockOffsetMs: number) => CodeSource;
  redactor: Redactor;
  log: Logger;
  /** Per request, answer included (ms). */
  timeoutMs: number;
  /** Sends from the account's egress (its proxy, or direct). */
  http: HttpFetch;
}

export type ReplayOutcome =
  | { kind: 'done'; cookies: SessionCookie[]; origins: OriginStorage[]; skewMs: number }
  | { kind: 'stale'; reason: string }
  /** The portal plainly rejected the replay's code: `source` issued it, and the browser's code must be a new one from it. */
  | { kind: 'code-rejected'; said: string; source: CodeSource };

/** Runs the recipe; PortalLoginErrors (wrong password, locked, rate limit) end the login with no browser attempt. */
export async function replayRecipe(input: ReplayInput): Promise<ReplayOutcome> {
  const { recipe, redactor, log } = input;
  const jar = new CookieJar();
  const answers: ReplayedAnswer[] = [];
  let skewMs = 0;
  let source: CodeSource | undefined;
  let issued: IssuedCode | undefined;
  let requestedAt = Date.now();
  const typed: Record<Typed, () => string> = { username: () => input.username, password: () => input.password, code: () => issued!.code };
  const context: ValueContext = { typed: (value) => typed[value](), answers, jar, secret: (value) => redactor.add(value) };
  try {
    for (const [index, step] of recipe.steps.entries()) {
      if (step.carries.length > 0 && !source) {
        source = input.codes(skewMs);
        await source.opened?.(); // before the password is sent: a mailbox that cannot open costs no attempt
      }
      if (step.carries.includes('code') && !issued) {
        issued = await source!.next({ afterRejection: false, requestedAt, onWait: (seconds, reason) => log.info(`Waiting ${seconds} s for ${reason}.`) });
        redactor.add(issued.code);
      }
      if (step.carries.includes('password')) requestedAt = Date.now();
      const sentAt = Date.now();
      const answer = await send(step, answers[index - 1], context, input.timeoutMs, input.http);
      if (index === 0) skewMs = portalSkew(answer, sentAt);
      answers.push(answer);
      const mismatch = differs(step, answer);
      if (mismatch) {
        if (step.carries.includes('code') || step.carries.includes('password')) {
          const reading = readRefusal({ status: answer.status, contentType: answer.headers.get('content-type') ?? '', text: answer.text, ...retryAfter(answer) }, step.carries.includes('code') ? 'code' : 'credentials', source?.rejectedHint ?? '');
          if (reading.kind === 'refused') throw reading.error;
          if (reading.kind === 'code-rejected') return { kind: 'code-rejected', said: reading.said, source: source! };
        }
        return { kind: 'stale', reason: `${step.method} ${shownUrl(answer.url)} answered ${mismatch}` };
      }
      if (step.carries.includes('password')) log.info('Sent the username and password (fast path, no browser).');
      if (step.carries.includes('code')) log.info(`Submitted the verification code (${issued!.label}; fast path).`);
    }
  } catch (error) {
    if (error instanceof StaleRecipe) return { kind: 'stale', reason: error.message };
    throw error;
  }
  return { kind: 'done', cookies: await jarCookies(jar), origins: await storageOf(recipe, context), skewMs };
}

/** One step on the wire, redirects not followed (each hop the browser took is a step of its own). */
async function send(step: RecipeStep, previous: ReplayedAnswer | undefined, context: ValueContext, timeoutMs: number, http: HttpFetch): Promise<ReplayedAnswer> {
  const url = await stepUrl(step, previous, context);
  const headers = new Headers();
  for (const { name, value } of step.headers) headers.set(name, await fill(value, context));
  const cookie = await context.jar.getCookieString(url.href);
  if (cookie !== '') headers.set('cookie', cookie);
  const body = await bodyOf(step, context);
  let response: Response;
  try {
    response = await http(url, { method: step.method, headers, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = error instanceof Error ? ((error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.name) : String(error);
    throw new StaleRecipe(`${step.method} ${shownUrl(url.href)} could not be sent (${cause})`);
  }
  for (const header of response.headers.getSetCookie()) {
    const set = await context.jar.setCookie(header, url.href, { ignoreError: true });
    context.secret(set?.value ?? '');
  }
  return { url: url.href, status: response.status, headers: response.headers, text: await response.text() };
}

async function stepUrl(step: RecipeStep, previous: ReplayedAnswer | undefined, context: ValueContext): Promise<URL> {
  if ('location' in step.url) {
    const location = previous?.headers.get('location');
    if (!previous || !location) throw new StaleRecipe(`the redirect before ${step.method} had no Location`);
    return new URL(location, previous.url);
  }
  const url = new URL(step.url.fixed);
  for (const { name, value } of step.query) url.searchParams.append(name, await fill(value, context));
  return url;
}

async function bodyOf(step: RecipeStep, context: ValueContext): Promise<string | undefined> {
  if (!step.body) return undefined;
  if (step.body.kind === 'json') return JSON.stringify(await fillJson(step.body.template, context));
  const form = new URLSearchParams();
  for (const { name, value } of step.body.fields) form.append(name, await fill(value, context));
  return form.toString();
}

/** How the answer differs from the browser's, in words; undefined when it is the same. */
function differs(step: RecipeStep, answer: ReplayedAnswer): string | undefined {
  if (answer.status !== step.expect.status) return `${answer.status}, not ${step.expect.status} as when it was learned`;
  const location = answer.headers.get('location');
  const target = location === null ? undefined : shownUrl(new URL(location, answer.url).href);
  if (step.expect.location !== undefined && target !== step.expect.location) return `a redirect to ${target ?? 'nowhere'}, not to ${step.expect.location}`;
  return undefined;
}

function portalSkew(answer: ReplayedAnswer, sentAt: number): number {
  const skewMs = measureSkew(answer.headers.get('date') ?? undefined, sentAt, Date.now());
  const error = unbelievableSkew(skewMs);
  if (error) throw error;
  return skewMs;
}

function retryAfter(answer: ReplayedAnswer): { retryAfter?: string } {
  const value = answer.headers.get('retry-after');
  return value === null ? {} : { retryAfter: value };
}

async function jarCookies(jar: CookieJar): Promise<SessionCookie[]> {
  const now = new Date();
  const all = await jar.store.getAllCookies();
  return all.filter((c) => {
    const expiry = c.expiryTime(now);
    return expiry === undefined || expiry > now.getTime();
  }).map((c) => fromToughCookie(c, now));
}

/** The localStorage the page would have written, per origin. */
async function storageOf(recipe: ReplayRecipe, context: ValueContext): Promise<OriginStorage[]> {
  const byOrigin = new Map<string, OriginStorage>();
  for (const entry of recipe.storage) {
    const origin = byOrigin.get(entry.origin) ?? { origin: entry.origin, localStorage: [] };
    origin.localStorage.push({ name: entry.key, value: await fill(entry.value, context) });
    byOrigin.set(entry.origin, origin);
  }
  return [...byOrigin.values()];
}
