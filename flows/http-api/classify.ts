/**
 * What an API reply that is not a success means, by its status AND its
 * body: a 401 says nothing until its body says "invalid app key" or
 * "invalid credentials". First match wins, in this order: the portal's own
 * `errors` rules, then the statuses that say it all (429, 5xx, 3xx), then
 * the API phrasings below, then the browser flows' phrasing table
 * (flows/messages.ts), then the status alone.
 */
import type { ApiErrorRule } from '../../config/api-flow-schema.js';
import type { ErrorCode } from '../../core/errors.js';
import { classifyMessage, errorCodeFor, IP_NOT_ALLOWED, isPlainCodeRejection, rateLimitFromStatus } from '../messages.js';

export type ApiStep = 'login' | 'verify';

export interface ReplyFacts {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export interface Refusal {
  code: ErrorCode;
  /** A plain "wrong or expired code": worth one more try with a new code. */
  retryable: boolean;
  /** What the portal said, shortened for a message (may still hold values: redact before showing). */
  portalSays: string;
  /** Seconds the portal asks to wait (Retry-After, or its text). */
  retryAfterSeconds?: number;
}

/** The most of a reply's text shown in a message. */
const SHOWN_CHARS = 200;

// Portals spell the app key as a header name or a constant: "Et-App-Key", "INVALID_API_KEY", "x-api-key".
const APP_KEY = /\b(?:app(?:lication)?|api|consumer|developer|partner) ?key\b/;
const NEGATIVE = String.raw`(?:invalid|expired|missing|unknown|bad|malformed|revoked|no|wrong)`;
// Not an OTP: "invalid otp token" is the code, which messages.ts knows.
const NOT_A_CODE = String.raw`(?<!\b(?:otp|totp|mfa|2fa|sms|verification|security|one time) )`;
const INTERIM_TOKEN: readonly RegExp[] = [
  new RegExp(String.raw`\b${NEGATIVE}(?: (?:or|and|/) ${NEGATIVE})? (?:interim |session |auth(?:entication|orization)? |bearer |access |request |login |temporary |jwt )?token\b`),
  new RegExp(String.raw`${NOT_A_CODE}\btoken (?:is |has |was |has been )?(?:invalid|expired|missing|required|not valid|not found|revoked|malformed)\b`),
  /\b(?:session|login|sign ?in|request) (?:has |is |was )?(?:expired|timed out)\b|\bauthorization (?:header )?(?:is )?(?:missing|required|invalid)\b|\bmissing (?:the )?(?:authorization|bearer)\b/,
];

/** Phrasings of the API login's own failures, which the browser table has no words for (or would read as another). */
const API_PHRASES: ReadonlyArray<{ code: ErrorCode; steps: readonly ApiStep[]; matches: (text: string) => boolean }> = [
  // Before the app key: "API_KEY_NOT_ALLOWED_FROM_UNREGISTERED_IP" is about the address, and a new key would not help.
  { code: 'IP_NOT_ALLOWED', steps: ['login', 'verify'], matches: (t) => IP_NOT_ALLOWED.some((p) => p.test(t)) },
  { code: 'APP_KEY_REJECTED', steps: ['login', 'verify'], matches: (t) => APP_KEY.test(t) },
  { code: 'INTERIM_TOKEN_REJECTED', steps: ['verify'], matches: (t) => INTERIM_TOKEN.some((p) => p.test(t)) },
];

/** Statuses that say what happened whatever the body says. */
function byStatus(status: number): ErrorCode | undefined {
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500 || (status >= 300 && status < 400)) return 'PORTAL_ERROR';
  return undefined;
}

/**
 * Why the portal refused this reply's request, or undefined when it did
 * not say anything we recognise (the caller decides: for a 2xx that means
 * "no refusal", else PORTAL_ERROR).
 */
export function classifyReply(step: ApiStep, reply: ReplyFacts, rules: readonly ApiErrorRule[], nowMs: number): Refusal | undefined {
  const portalSays = shownText(reply);
  const retryAfter = rateLimitFromStatus(429, reply.headers.get('retry-after') ?? undefined, nowMs)?.retryAfterSeconds;
  const refusal = (code: ErrorCode, retryable: boolean, wait = retryAfter): Refusal => ({ code, retryable, portalSays, ...(wait === undefined ? {} : { retryAfterSeconds: wait }) });
  const rule = rules.find((r) => (r.step === undefined || r.step === step) && (r.status === undefined || r.status === reply.status) && (r.match === undefined || new RegExp(r.match, 'i').test(reply.text)));
  if (rule) return refusal(rule.code, rule.code === 'CODE_REJECTED');
  const statusCode = byStatus(reply.status);
  if (statusCode) return refusal(statusCode, false);
  const text = normalized(portalSays);
  const phrase = API_PHRASES.find((p) => p.steps.includes(step) && p.matches(text));
  if (phrase) return refusal(phrase.code, false);
  const message = classifyMessage(text);
  const code = errorCodeFor(step === 'login' ? 'credentials' : 'code', message);
  // No code was sent with the first request: "invalid token" there is not about one.
  if (code && !(step === 'login' && code === 'CODE_REJECTED')) return refusal(code, code === 'CODE_REJECTED' && isPlainCodeRejection(message), message.retryAfterSeconds ?? retryAfter);
  if (reply.status === 423) return refusal('ACCOUNT_LOCKED', false);
  return undefined;
}

/**
 * What the reply says in words: the message-like fields of a JSON body
 * ("error", "message", "code"…), else the text unless it is an HTML page.
 * Never a field that may be a token: a 2xx reply whose token is not where
 * the config says shows only its field names, and anything that looks like
 * an opaque value (long, letters and digits mixed) is left out.
 */
export function shownText(reply: Pick<ReplyFacts, 'status' | 'text' | 'json'>): string {
  const text = reply.json === undefined ? (/^\s*</.test(reply.text) ? 'an HTML page' : reply.text.trim()) : jsonText(reply.json, reply.status < 300);
  const masked = text.replace(OPAQUE, '[value]');
  return masked.length > SHOWN_CHARS ? `${masked.slice(0, SHOWN_CHARS)}…` : masked;
}

/** A long run of token characters with both letters and digits: a token, a session id, a key. */
const OPAQUE = /(?=[A-Za-z0-9+/=._~-]*\d)(?=[A-Za-z0-9+/=._~-]*[A-Za-z])[A-Za-z0-9+/=._~-]{20,}/g;
const MESSAGE_KEY = /error|message|msg|detail|description|reason|code|status|title/i;

function jsonText(json: unknown, successful: boolean): string {
  const said = typeof json === 'object' && json !== null ? messageLeaves(json, 0) : stringLeaves(json, 0);
  if (said.length > 0) return said.join(' · ');
  if (successful) return replyFields(json);
  return stringLeaves(json, 0).join(' · ');
}

/** The strings under message-like keys, at any depth. */
function messageLeaves(value: object, depth: number): string[] {
  if (depth > 4) return [];
  return Object.entries(value).flatMap(([key, v]) => (MESSAGE_KEY.test(key) ? stringLeaves(v, depth + 1) : typeof v === 'object' && v !== null ? messageLeaves(v, depth + 1) : []));
}

function stringLeaves(value: unknown, depth: number): string[] {
  if (typeof value === 'string') return value.trim() ? [value.trim()] : [];
  if (depth > 4 || typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap((v) => stringLeaves(v, depth + 1));
}

/** "a JSON reply with data.jwt, data.user.id": where the values are, never what they are. */
export function replyFields(json: unknown): string {
  return `a JSON reply with ${fieldNames(json, '', 0).join(', ') || 'no fields'}`;
}


function fieldNames(value: unknown, prefix: string, depth: number): string[] {
  if (typeof value !== 'object' || value === null || depth > 4) return prefix ? [prefix] : [];
  const entries = Object.entries(value).slice(0, 20);
  if (entries.length === 0) return prefix ? [prefix] : [];
  return entries.flatMap(([key, v]) => fieldNames(v, prefix ? `${prefix}.${key}` : key, depth + 1));
}

/** "INVALID_APP_KEY", "InvalidAppKey" and "invalid-app-key" all read "invalid app key". */
function normalized(text: string): string {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
}
