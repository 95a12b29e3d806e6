/**
 * Alerts: a failed login POSTs what happened to the configured webhooks
 * (`alerts.webhooks`, top level and per portal). Facts only — account,
 * portal, code, message, hint, time — and the whole body passes through the
 * run's redactor, so no password, code, cookie or token can ride along. A
 * webhook that fails is a warning: the login's result and exit status are
 * what they were.
 */
import type { Config, Webhook } from '../config/schema.js';
import type { PortalLoginError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Redactor } from '../core/redact.js';

/** A webhook gets this long (ms) to answer: a slow receiver must not hold a scheduled run of many accounts. */
export const ALERT_TIMEOUT_MS = 5_000;

/** What an alert says; the `json` format's body as is. */
export interface AlertFacts {
  account: string;
  portal: string;
  code: string;
  message: string;
  hint: string | null;
  /** ISO time of the failure. */
  at: string;
}

type AlertFormat = Webhook['format'];

/** Format → body; adding a format is one function and one line (plus its schema enum value). */
const bodies: { [K in AlertFormat]: (facts: AlertFacts) => unknown } = {
  json: (facts) => facts,
  // Slack's incoming webhooks (and Mattermost, Discord's /slack endpoint) take {text}.
  slack: (facts) => ({
    text: `portal-login: login of ${facts.account} (portal ${facts.portal}) failed: ${facts.code}: ${facts.message}${facts.hint ? `\nHint: ${facts.hint}` : ''}`,
  }),
};

export interface AlertOptions {
  redactor: Redactor;
  log: Logger;
  /** Injected in tests; default the global fetch. */
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => Date;
}

/** Every webhook told about `account`'s failed logins: the config's top-level ones, then its portal's. */
export function webhooksFor(config: Config, account: string): Webhook[] {
  const portal = config.portals[config.accounts[account]!.portal]!;
  return [...config.alerts.webhooks, ...portal.alerts.webhooks];
}

/** The facts of `error` for account/portal, at `now`. */
export function alertFacts(account: string, portal: string, error: PortalLoginError, now: Date): AlertFacts {
  return { account, portal, code: error.code, message: error.message, hint: error.hint ?? null, at: now.toISOString() };
}

/**
 * POSTs the failure to every webhook at once and waits for all (each at
 * most `timeoutMs`). Never throws: a webhook that fails, answers non-2xx or
 * times out is a warning naming its origin only (a Slack webhook's path is
 * itself a secret).
 */
export async function sendAlerts(webhooks: readonly Webhook[], facts: AlertFacts, options: AlertOptions): Promise<void> {
  const post = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? ALERT_TIMEOUT_MS;
  await Promise.all(
    webhooks.map(async (webhook) => {
      const body = options.redactor.redact(JSON.stringify(bodies[webhook.format](facts)));
      const where = new URL(webhook.url).origin;
      try {
        const response = await post(webhook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) });
        await response.body?.cancel(); // nothing in the answer is needed; free the socket
        if (!response.ok) options.log.warn(`The alert webhook at ${where} answered HTTP ${response.status}; the alert was not delivered.`);
      } catch (error) {
        const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : causeOf(error);
        options.log.warn(`The alert webhook at ${where} could not be reached (${reason}); the alert was not delivered.`);
      }
    }),
  );
}

/** fetch's "fetch failed" hides the reason (ECONNREFUSED, ENOTFOUND) in `cause`. */
function causeOf(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
