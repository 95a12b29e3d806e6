/**
 * The two-step HTTP API login, no browser: send the app key, username and
 * password; read the interim token; get a code; send it with the interim
 * token; keep the tokens and cookies of the answer. Nothing here loads
 * Playwright (an API-only run must work without it): session types are
 * imported as types only.
 */
import { CookieJar } from 'tough-cookie';
import type { CodeSource, IssuedCode } from '../codes/code-source.js';
import type { ApiFlowConfig } from '../config/api-flow-schema.js';
import { systemClock, type Clock } from '../core/clock.js';
import { PortalLoginError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Redactor } from '../core/redact.js';
import type { SessionCookie } from '../session/model.js';
import { fromToughCookie } from '../session/cookie-match.js';
import type { Egress } from '../net/egress.js';
import { measureSkew, unbelievableSkew } from './clock-skew.js';
import { classifyReply, replyFields, shownText, type ApiStep, type Refusal } from './http-api/classify.js';
import { tokenAt } from './http-api/json-path.js';
import { refusalError } from './http-api/refusal-error.js';
import { sendRequest, shownEndpoint, type ApiReply, type PlacedValues, type SendContext } from './http-api/request.js';

export interface ApiLoginInput {
  portal: ApiFlowConfig;
  /** e.g. "config.yaml: portals.broker", for messages. */
  portalRef: string;
  username: string;
  password: string;
  /** The app (API) key from portal.appKeyEnv; not sent when undefined. */
  appKey?: string;
  /** Builds the code source once the portal's clock offset (ms) is known; closed when the login ends. */
  codeSource: (portalClockOffsetMs: number) => CodeSource;
  redactor: Redactor;
  log: Logger;
  /** Per request, reply included (ms). */
  timeoutMs: number;
  /** This machine's clock; tests inject one. Default: the system clock. */
  clock?: Clock;
  /** Where the requests leave from (the account's proxy); default direct. */
  egress?: Egress;
}

export interface ApiLoginResult {
  /** Cookies the portal set on either request (tough-cookie applied their domain, path and expiry). */
  cookies: SessionCookie[];
  /** verify.tokens' names → values, e.g. { authToken: '…' }. */
  tokens: Record<string, string>;
  /** Portal clock minus ours (ms); 0 when within noise. */
  skewMs: number;
}

/** Logs in over the portal's HTTP API; every token, cookie and code is registered with the redactor before it can be printed. */
export async function apiLogin(input: ApiLoginInput): Promise<ApiLoginResult> {
  const { portal, log, redactor } = input;
  const clock = input.clock ?? systemClock;
  redactor.add(input.password);
  redactor.add(input.appKey);
  const jar = new CookieJar();
  const send = (step: ApiStep, values: PlacedValues) => sendRequest(portal[step], values, { jar, timeoutMs: input.timeoutMs, clock, redactor, specRef: `${input.portalRef}.${step}`, ...(input.egress ? { egress: input.egress } : {}) } satisfies SendContext);
  const credentials = { username: input.username, password: input.password, ...(input.appKey === undefined ? {} : { appKey: input.appKey }) };

  const requestedAt = clock.now();
  let first = await logIn(input, send, credentials);
  const skewMs = skewOf(first.reply);
  if (skewMs !== 0) log.warn(`The portal's clock is ${(skewMs / 1000).toFixed(1)} s ${skewMs > 0 ? 'ahead of' : 'behind'} this machine's; codes are generated on the portal's clock. Check NTP on this machine.`);
  log.debug(`Login API answered ${first.reply.status}; portal clock offset ${skewMs} ms.`);

  const codes = input.codeSource(skewMs);
  try {
    await codes.opened?.();
    // For a source that needs a new code sent (email): the login request is what sends one, and it brings a new interim token.
    const resend = async () => {
      first = await logIn(input, send, credentials);
    };
    const codeRequest = { requestedAt, resend, onWait: (seconds: number, reason: string) => log.info(`Waiting ${seconds} s for ${reason}.`) };
    const verifyWith = async (issued: IssuedCode) => {
      redactor.add(issued.code);
      const reply = await send('verify', { ...credentials, interimToken: first.interim, code: issued.code });
      log.info(`Submitted the verification code (${issued.label}).`);
      return { reply, refusal: refusalOf('verify', reply, input, clock) };
    };
    let outcome = await verifyWith(await codes.next({ ...codeRequest, afterRejection: false }));
    if (outcome.refusal?.code === 'CODE_REJECTED' && outcome.refusal.retryable) {
      log.warn('The portal rejected the code; retrying once with a new code.');
      outcome = await verifyWith(await codes.next({ ...codeRequest, afterRejection: true }));
      if (outcome.refusal) throw errorFor('verify', outcome.reply, outcome.refusal, input, codes, true);
    }
    if (outcome.refusal) throw errorFor('verify', outcome.reply, outcome.refusal, input, codes, false);
    const tokens = readTokens(outcome.reply, input, clock, codes);
    const cookies = await jarCookies(jar, new Date(clock.now()));
    log.info(`Logged in over the API (${Object.keys(tokens).length} token${Object.keys(tokens).length === 1 ? '' : 's'}, ${cookies.length} cookie${cookies.length === 1 ? '' : 's'}).`);
    return { cookies, tokens, skewMs };
  } finally {
    await codes.close?.();
  }
}

type Send = (step: ApiStep, values: PlacedValues) => Promise<ApiReply>;

/** The first request; its reply must hold the interim token where login.interimToken says. */
async function logIn(input: ApiLoginInput, send: Send, credentials: PlacedValues): Promise<{ reply: ApiReply; interim: string }> {
  const reply = await send('login', credentials);
  const refusal = refusalOf('login', reply, input, input.clock ?? systemClock);
  if (refusal) throw errorFor('login', reply, refusal, input);
  const path = input.portal.login.interimToken;
  const interim = tokenAt(reply.json, path);
  if (interim === undefined) throw missingValue('login', reply, `the interim token at ${path}`, `${input.portalRef}.login.interimToken`, input);
  input.redactor.add(interim);
  input.log.info(`Sent the username and password (${shownEndpoint(input.portal.login)}).`);
  return { reply, interim };
}

/** The verify reply's tokens, each registered as a secret as soon as it is read. */
function readTokens(reply: ApiReply, input: ApiLoginInput, clock: Clock, codes: CodeSource): Record<string, string> {
  const tokens: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, path] of Object.entries(input.portal.verify.tokens)) {
    const value = tokenAt(reply.json, path);
    if (value === undefined) missing.push(`${name} at ${path}`);
    else {
      input.redactor.add(value);
      tokens[name] = value;
    }
  }
  if (missing.length > 0) {
    // A 200 that says "invalid OTP" in its body is a refusal, not a reply with a token missing.
    const refusal = classifyReply('verify', reply, input.portal.errors, clock.now());
    if (refusal) throw errorFor('verify', reply, refusal, input, codes, false);
    throw missingValue('verify', reply, missing.join(', '), `${input.portalRef}.verify.tokens`, input);
  }
  return tokens;
}

/** Why a reply is not a success, or undefined when it is one (2xx). */
function refusalOf(step: ApiStep, reply: ApiReply, input: ApiLoginInput, clock: Clock): Refusal | undefined {
  if (reply.status >= 200 && reply.status < 300) return undefined;
  return classifyReply(step, reply, input.portal.errors, clock.now()) ?? { code: 'PORTAL_ERROR', retryable: false, portalSays: shownText(reply) };
}

function errorFor(step: ApiStep, reply: ApiReply, refusal: Refusal, input: ApiLoginInput, codes?: CodeSource, retried = false): PortalLoginError {
  return refusalError(refusal, {
    step,
    retried,
    endpoint: shownEndpoint(input.portal[step]),
    status: reply.status,
    portalRef: input.portalRef,
    sentAppKey: input.appKey !== undefined,
    redactor: input.redactor,
    ...(codes?.rejectedHint === undefined ? {} : { codeHint: codes.rejectedHint }),
  });
}

/** A success reply without the value the config says is in it: the config's path is wrong, or the API changed. */
function missingValue(step: ApiStep, reply: ApiReply, what: string, key: string, input: ApiLoginInput): PortalLoginError {
  const body = reply.json === undefined ? 'a reply that is not JSON' : replyFields(reply.json);
  return new PortalLoginError('PORTAL_ERROR', `The ${step} request (${shownEndpoint(input.portal[step])}) answered ${reply.status} without ${what}: ${body}.`, {
    hint: `Check ${key}: it is a dot path into the JSON reply (e.g. "data.token"); the reply's field names are listed above.`,
  });
}

/** The portal's clock offset from the first reply's Date header; an unbelievable one ends the run before any code is sent. */
function skewOf(reply: ApiReply): number {
  const skewMs = measureSkew(reply.headers.get('date') ?? undefined, reply.sentAt, reply.receivedAt);
  const error = unbelievableSkew(skewMs);
  if (error) throw error;
  return skewMs;
}

/** Every live cookie in the jar, as the session keeps them. */
async function jarCookies(jar: CookieJar, now: Date): Promise<SessionCookie[]> {
  const all = await jar.store.getAllCookies();
  return all.filter((c) => {
    const expiry = c.expiryTime(now);
    return expiry === undefined || expiry > now.getTime();
  }).map((c) => fromToughCookie(c, now));
}
