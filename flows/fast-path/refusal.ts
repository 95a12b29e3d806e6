/**
 * What an unexpected answer to a replayed step means, read the way every
 * flow reads a portal's words (flows/messages.ts): a refusal of the
 * password or the code ends the login as it would in the browser (never a
 * second password attempt), a plain code rejection lets the browser try once
 * with a new code, anything else means the recipe no longer fits.
 */
import { htmlToText } from '../../codes/html-text.js';
import { PortalLoginError } from '../../core/errors.js';
import { classifyMessage, errorCodeFor, isPlainCodeRejection, rateLimitFromStatus, rateLimitHint } from '../messages.js';
import { jsonLeaves } from './trace.js';

export type Reading =
  | { kind: 'refused'; error: PortalLoginError }
  /** A plain "wrong code": the browser may try once more, with a code from a new window. */
  | { kind: 'code-rejected'; said: string }
  /** Not a refusal portal-login recognises: the recipe is stale. */
  | { kind: 'stale' };

export interface Answer {
  status: number;
  retryAfter?: string;
  contentType: string;
  text: string;
}

/** Reads `answer` to a step that carried the password (`credentials`) or the code. */
export function readRefusal(answer: Answer, stage: 'credentials' | 'code', codeHint: string): Reading {
  const limited = rateLimitFromStatus(answer.status, answer.retryAfter);
  if (limited) return { kind: 'refused', error: new PortalLoginError('RATE_LIMITED', `The portal is rate-limiting logins: HTTP 429 to the replayed login.`, { hint: `${rateLimitHint(limited)} Scheduled runs should be at least that far apart.` }) };
  const said = messageOf(answer);
  if (said === '') return { kind: 'stale' };
  const classified = classifyMessage(said);
  // A captcha the browser may still get past (or fail with its own CAPTCHA error): the recipe cannot.
  if (classified.kind === 'captcha') return { kind: 'stale' };
  if (stage === 'code' && isPlainCodeRejection(classified)) return { kind: 'code-rejected', said };
  const code = errorCodeFor(stage, classified);
  if (code === undefined) return { kind: 'stale' };
  const left = classified.attemptsLeft !== undefined ? ` Not retried: the portal says ${classified.attemptsLeft} attempt(s) are left.` : '';
  const hint = code === 'RATE_LIMITED' ? rateLimitHint(classified) : `${HINTS[code] ?? codeHint}${left}`;
  return { kind: 'refused', error: new PortalLoginError(code, `The portal said: "${said}"`, { hint }) };
}

const HINTS: Partial<Record<string, string>> = {
  BAD_CREDENTIALS: 'Not retried (not in the browser either), so the account is not locked by repeated attempts. Check the username and the password environment variable.',
  ACCOUNT_LOCKED: "Stop automated logins for this account and unlock it with the portal's support or reset flow.",
};

/** The portal's words: an HTML page's alert (or its whole text), a JSON reply's messages. */
function messageOf(answer: Answer): string {
  if (answer.contentType.includes('json')) {
    try {
      return jsonLeaves(JSON.parse(answer.text))
        .filter((leaf) => /error|message|detail|reason|description/i.test(leaf.path))
        .map((leaf) => leaf.value)
        .join(' ')
        .trim();
    } catch {
      return '';
    }
  }
  const alert = /<([a-z]+)\b[^>]*(?:role=["']?alert|class=["'][^"']*\b(?:error|alert|danger|invalid)\b)[^>]*>([\s\S]*?)<\/\1>/i.exec(answer.text);
  return htmlToText(alert?.[2] ?? answer.text).replace(/\s+/g, ' ').trim().slice(0, 500);
}
