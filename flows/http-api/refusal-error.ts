/**
 * A refused API request as the error the run ends with: what the portal
 * said (redacted, shortened) and, per error code, what to do next.
 */
import { PortalLoginError, type ErrorCode } from '../../core/errors.js';
import type { Redactor } from '../../core/redact.js';
import { IP_NOT_ALLOWED_HINT } from '../../net/egress.js';
import { rateLimitHint } from '../messages.js';
import type { ApiStep, Refusal } from './classify.js';

export interface RefusalContext {
  step: ApiStep;
  /** "POST https://api.example.com/auth/login" */
  endpoint: string;
  status: number;
  /** "config.yaml: portals.broker", for hints. */
  portalRef: string;
  /** Whether the run had an app key to send. */
  sentAppKey: boolean;
  /** The code source's own advice for a rejected code (a TOTP hint talks of the secret and the clock). */
  codeHint?: string;
  /** Whether this refusal came after the one retry with a new code. */
  retried: boolean;
  redactor: Redactor;
}

type HintFor = (refusal: Refusal, context: RefusalContext) => string;

const DEFAULT_CODE_HINT = "Check the code source: for TOTP, the secret and this machine's clock (NTP), and that digits/period/algorithm match the portal (totp: in the config).";

const HINTS: Partial<Record<ErrorCode, HintFor>> = {
  APP_KEY_REJECTED: (_, c) =>
    c.sentAppKey
      ? `Check that ${c.portalRef}.appKeyEnv names the variable holding this portal's app (API) key and that the key is still active in the portal's developer settings; ${c.portalRef}.${c.step}.appKey says where it is sent.`
      : `The portal wants an app (API) key: set ${c.portalRef}.appKeyEnv to the NAME of the environment variable holding it.`,
  BAD_CREDENTIALS: (_, c) => `Check the account's username and the password in its passwordEnv variable. portal-login did not retry: a second wrong password can lock the account (${c.portalRef}.login says where they are sent).`,
  INTERIM_TOKEN_REJECTED: (_, c) =>
    `The token from the first reply was refused by the second request. Check ${c.portalRef}.login.interimToken (where it is read in the login reply) and ${c.portalRef}.verify.interimToken (where it is sent); if both are right, the portal expired it: run again.`,
  CODE_REJECTED: (r, c) =>
    c.retried || r.retryable
      ? `Two codes were refused, the second a new one. ${c.codeHint ?? DEFAULT_CODE_HINT}`
      : `portal-login did not retry: the portal's answer says more than "wrong code" (attempts running out, a wait). ${c.codeHint ?? DEFAULT_CODE_HINT}`,
  RATE_LIMITED: (r) => rateLimitHint(r.retryAfterSeconds === undefined ? { kind: 'rate-limited' } : { kind: 'rate-limited', retryAfterSeconds: r.retryAfterSeconds }),
  IP_NOT_ALLOWED: () => IP_NOT_ALLOWED_HINT,
  ACCOUNT_LOCKED: () => 'Unlock the account on the portal (or through its support) before the next run; portal-login did not retry.',
  PORTAL_ERROR: (r, c) =>
    c.status >= 500
      ? 'The portal failed on its side: try again later. Nothing in the account or the config needs changing.'
      : c.status >= 300 && c.status < 400
        ? `The API answered with a redirect, which portal-login does not follow (it would carry the credentials to another address): check ${c.portalRef}.${c.step}.url (http:// for https://, a missing path).`
        : `portal-login does not recognise this reply${r.portalSays ? '' : ' (it had no body)'}. If it means a known case, add a rule to ${c.portalRef}.errors, e.g. { step: ${c.step}, status: ${c.status}, match: "…", code: CODE_REJECTED }.`,
};

const STEP_NAMES: Readonly<Record<ApiStep, string>> = { login: 'The login request', verify: 'The verification request' };

/** The error for `refusal`; its message names the request and the status, and quotes what the portal said. */
export function refusalError(refusal: Refusal, context: RefusalContext): PortalLoginError {
  const retryAfter = refusal.code === 'RATE_LIMITED' && refusal.retryAfterSeconds !== undefined ? ` (Retry-After: ${refusal.retryAfterSeconds} s)` : '';
  const said = refusal.portalSays ? `: "${context.redactor.redact(refusal.portalSays)}"` : '';
  const message = `${STEP_NAMES[context.step]} (${context.endpoint}) answered ${context.status}${retryAfter}${said}.`;
  const hint = HINTS[refusal.code]?.(refusal, context) ?? 'See the portal\'s message above.';
  return new PortalLoginError(refusal.code, message, { hint });
}
