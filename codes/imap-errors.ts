/**
 * IMAP failures → CODE_SOURCE_FAILED with what to check. One row per kind of
 * failure; the message names host, port and user, never the password (the
 * caller's redactor also knows it, in case a server echoes it).
 */
import { PortalLoginError } from '../core/errors.js';
import type { EmailCodeConfig } from '../config/email-code-schema.js';

type Imap = EmailCodeConfig['imap'];
interface ImapErrorFacts {
  code?: unknown;
  authenticationFailed?: unknown;
  tlsFailed?: unknown;
  responseText?: unknown;
  message?: unknown;
}

const TLS_CODES = /^(ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_|ERR_OSSL_|ClosedAfterConnectTLS|UPGRADE_TIMEOUT)/;
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EConnectionClosed', 'ClosedAfterConnectText', 'NoConnection']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'ETIMEOUT']);

const where = (imap: Imap) => `${imap.host}:${imap.port}`;
const portAdvice = 'security: tls is implicit TLS (usually port 993), starttls upgrades a cleartext connection (usually port 143)';

/** Each kind of failure: does it apply, and what it says. */
const KINDS: ReadonlyArray<{ applies(facts: ImapErrorFacts, code: string): boolean; describe(imap: Imap, facts: ImapErrorFacts): [message: string, hint: string] }> = [
  {
    applies: (facts) => facts.authenticationFailed === true,
    describe: (imap) => [
      `The IMAP server ${where(imap)} refused the login of "${imap.user}".`,
      `Check the password in the variable named by imap.passwordEnv (${imap.passwordEnv}) and imap.user; providers with 2-step verification (Gmail, Outlook, Yahoo) need an app password, and IMAP access may have to be turned on in the mailbox settings.`,
    ],
  },
  {
    applies: (facts, code) => facts.tlsFailed === true || TLS_CODES.test(code),
    describe: (imap, facts) => [
      `TLS with the IMAP server ${where(imap)} failed (${imap.security}): ${text(facts)}.`,
      `Check imap.security and imap.port (${portAdvice}); a self-signed or expired server certificate is refused.`,
    ],
  },
  {
    applies: (_facts, code) => code === 'ENOTFOUND' || code === 'EAI_AGAIN',
    describe: (imap) => [`The IMAP host "${imap.host}" could not be resolved.`, 'Check imap.host (e.g. imap.gmail.com, outlook.office365.com) and this machine\'s DNS.'],
  },
  {
    applies: (_facts, code) => TIMEOUT_CODES.has(code),
    describe: (imap) => [
      `The IMAP server ${where(imap)} did not answer in time.`,
      `Check imap.host and imap.port, and that a firewall lets this machine reach it; ${portAdvice}.`,
    ],
  },
  {
    applies: (_facts, code) => UNREACHABLE_CODES.has(code),
    describe: (imap) => [
      `Could not connect to the IMAP server ${where(imap)} (${imap.security}).`,
      `Check imap.host and imap.port, and that the server is up; ${portAdvice}.`,
    ],
  },
];

function text(facts: ImapErrorFacts): string {
  const detail = typeof facts.responseText === 'string' && facts.responseText ? facts.responseText : typeof facts.message === 'string' ? facts.message : String(facts.code ?? 'unknown error');
  return detail.replace(/[.\s]+$/, '');
}

/** The CODE_SOURCE_FAILED error for a failure while connecting or logging in. */
export function imapConnectFailure(error: unknown, imap: Imap): PortalLoginError {
  const facts: ImapErrorFacts = typeof error === 'object' && error !== null ? (error as ImapErrorFacts) : { message: String(error) };
  const code = typeof facts.code === 'string' ? facts.code : '';
  const kind = KINDS.find((k) => k.applies(facts, code));
  const [message, hint] = kind
    ? kind.describe(imap, facts)
    : [`IMAP with ${where(imap)} failed: ${text(facts)}.`, `Check the imap settings (host, port, security: ${imap.security}, user); run with --verbose for details.`];
  return new PortalLoginError('CODE_SOURCE_FAILED', message, { hint, cause: error });
}

/** The CODE_SOURCE_FAILED error for a mailbox that cannot be opened. */
export function mailboxFailure(mailbox: string, role: 'mailbox' | 'moveTo', imap: Imap, available: readonly string[]): PortalLoginError {
  return new PortalLoginError('CODE_SOURCE_FAILED', `The mailbox "${mailbox}" (${role}) does not exist for "${imap.user}" on ${imap.host}.`, {
    hint: `Set ${role} to one of: ${available.join(', ') || '(the server listed none)'}; folder names are case-sensitive except INBOX, and nested ones use the server's separator (e.g. "OTP/Used" or "OTP.Used").`,
  });
}

/** A failure after the mailbox was open (connection dropped, server error). */
export function imapSessionFailure(error: unknown, imap: Imap, doing: string): PortalLoginError {
  const facts: ImapErrorFacts = typeof error === 'object' && error !== null ? (error as ImapErrorFacts) : { message: String(error) };
  return new PortalLoginError('CODE_SOURCE_FAILED', `IMAP with ${where(imap)} failed while ${doing}: ${text(facts)}.`, {
    hint: 'Run again; if it repeats, check the server with another mail client and run with --verbose.',
    cause: error,
  });
}
