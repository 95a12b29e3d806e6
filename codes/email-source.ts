/**
 * The email code source: reads the one-time code from a mailbox over IMAP.
 * Only a message that arrived after the code was requested counts, each
 * message is used at most once, and after a rejection only a newer one will
 * do — so an older code is never typed into the portal.
 */
import type { EmailCodeConfig } from '../config/email-code-schema.js';
import { systemClock, type Clock } from '../core/clock.js';
import { PortalLoginError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Redactor } from '../core/redact.js';
import { extractCode } from './code-pattern.js';
import type { CodeRequest, CodeSource } from './code-source.js';
import { describeFilter, parseSubjectFilter, senderMatches, subjectMatches, type SubjectMatcher } from './email-filter.js';
import type { ImapMailbox, MailboxMessage } from './imap-mailbox.js';

export interface EmailSourceOptions {
  config: EmailCodeConfig;
  /** The IMAP password (from config.imap.passwordEnv). */
  password: string;
  log: Logger;
  redactor: Redactor;
  /** This machine's clock: request times and the deadline. */
  clock?: Clock;
}

/** OTP mails are small; a big one is a newsletter or an attachment, not worth downloading while the portal waits. */
const MAX_MESSAGE_BYTES = 2_000_000;

/** Why a message in the window was passed over; counted for the timeout's hint. */
type Skip = 'older' | 'filter' | 'no-code' | 'too-big';

interface Picked {
  message: MailboxMessage;
  code: string;
}

export interface EmailCodeSource extends CodeSource {
  /**
   * Resolves once the mailbox is open, or rejects with CODE_SOURCE_FAILED.
   * A runner that awaits it before submitting the password learns of a bad
   * IMAP setting before the portal sends anything, and guarantees the UID
   * rule (messages already there are older) for the first code.
   */
  opened(): Promise<void>;
  /** Logs out of the IMAP session (also after a failed open: then it does nothing). */
  close(): Promise<void>;
}

export function emailCodeSource(options: EmailSourceOptions): EmailCodeSource {
  const { config, password, log, redactor } = options;
  const clock = options.clock ?? systemClock;
  redactor.add(password);
  const subject = config.subject === undefined ? undefined : subjectMatcher(config.subject);
  const used = new Set<number>();
  /** Verdicts on messages already looked at, so waiting does not download them again. */
  const skipped = new Map<number, Skip>();
  let lastIssuedUid = 0;
  // Opened now, not at the first next(): a mailbox open before the code is requested tells by UID which messages are older.
  // Loaded here, not at start-up: imapflow and mailparser are most of the bundle, and only email accounts need them.
  const opening = import('./imap-mailbox.js').then(({ openMailbox }) => openMailbox({ config, password, log, clock }));
  opening.catch(() => undefined); // reported by next(); never an unhandled rejection

  const verdict = async (mailbox: ImapMailbox, message: MailboxMessage, request: CodeRequest): Promise<Skip | Picked> => {
    const known = skipped.get(message.uid);
    if (known) return known;
    const skip = (why: Skip) => (skipped.set(message.uid, why), why);
    // INTERNALDATE has whole seconds: a message received in the same second as the request still counts.
    if (message.receivedAt < Math.floor(request.requestedAt / 1000) * 1000) return skip('older');
    if (config.from !== undefined && !senderMatches(config.from, message.from)) return skip('filter');
    if (subject && !subjectMatches(subject, message.subject)) return skip('filter');
    if (message.size > MAX_MESSAGE_BYTES) return skip('too-big');
    const code = extractCode(await mailbox.body(message.uid), config.pattern);
    return code ? { message, code } : skip('no-code');
  };

  const find = async (mailbox: ImapMailbox, request: CodeRequest, minUid: number): Promise<Picked | undefined> => {
    // Newest first: after a resend the newest code is the one the portal accepts.
    for (const message of await mailbox.list(request.requestedAt, minUid)) {
      if (used.has(message.uid)) continue;
      const result = await verdict(mailbox, message, request);
      if (typeof result !== 'string') return result;
    }
    return undefined;
  };

  const afterUse = async (mailbox: ImapMailbox, uid: number) => {
    try {
      if (config.afterUse === 'seen') await mailbox.markSeen(uid);
      if (config.afterUse === 'move' && config.moveTo) await mailbox.move(uid, config.moveTo);
    } catch (error) {
      // The code is good either way; a message left in place is only untidy (and is never used twice).
      log.warn(`Could not apply afterUse: ${config.afterUse} to the code email: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  return {
    method: 'email',
    rejectedHint: `Check ${describeFilter(config)} in ${config.mailbox}: the code must come from the newest email the portal sent (a wider filter may pick another sender's mail; a mail server whose clock is behind makes fresh mail look old).`,
    opened: async () => void (await opening),
    async next(request) {
      const mailbox = await opening;
      if (request.afterRejection && request.resend) {
        log.info('Asking the portal to send a new code email.');
        await request.resend();
      }
      // What the server told us before the request is older than it, whatever its (whole-second) date says.
      let minUid = mailbox.uidFloorAt(request.requestedAt);
      if (request.afterRejection) minUid = Math.max(minUid, lastIssuedUid + 1);
      const started = clock.now();
      const deadline = started + config.timeoutSeconds * 1000;
      request.onWait?.(config.timeoutSeconds, `the code email in ${config.mailbox} (at most)`);
      for (;;) {
        const picked = await find(mailbox, request, minUid);
        if (picked) {
          used.add(picked.message.uid);
          lastIssuedUid = Math.max(lastIssuedUid, picked.message.uid);
          redactor.add(picked.code);
          log.debug(`Code email found after ${((clock.now() - started) / 1000).toFixed(1)} s (UID ${picked.message.uid}).`);
          await afterUse(mailbox, picked.message.uid);
          return { code: picked.code, label: label(picked.message) };
        }
        const left = deadline - clock.now();
        if (left <= 0) throw timeoutError(config, [...skipped.entries()].filter(([uid]) => uid >= minUid).map(([, why]) => why));
        await mailbox.waitForNews(left);
      }
    },
    async close() {
      const mailbox = await opening.catch(() => undefined);
      await mailbox?.close();
    },
  };
}

function subjectMatcher(filter: string): SubjectMatcher {
  const parsed = parseSubjectFilter(filter);
  // The schema refused a filter that does not parse; reaching this is a bug.
  if ('problem' in parsed) throw new Error(`subject filter passed the schema but does not parse: ${parsed.problem}`);
  return parsed.matcher;
}

/** Says which message without revealing the code: the subject may contain it, so it is left out. */
function label(message: MailboxMessage): string {
  const time = new Date(message.receivedAt).toISOString().slice(11, 19);
  return `email UID ${message.uid} from ${message.from[0] ?? 'unknown sender'}, received ${time} UTC`;
}

const SKIP_WORDS: Record<Skip, string> = {
  older: 'arrived before the code was requested',
  filter: 'did not match the from/subject filter',
  'no-code': 'had no code the pattern finds',
  'too-big': `were over ${MAX_MESSAGE_BYTES / 1_000_000} MB`,
};

function timeoutError(config: EmailCodeConfig, skips: Skip[]): PortalLoginError {
  const filter = describeFilter(config);
  const counts = (Object.keys(SKIP_WORDS) as Skip[]).map((why) => [why, skips.filter((s) => s === why).length] as const).filter(([, n]) => n > 0);
  const seen = counts.length
    ? ` Passed over meanwhile: ${counts.map(([why, n]) => `${n} message${n === 1 ? '' : 's'} that ${SKIP_WORDS[why]}`).join('; ')}.`
    : ' No new message arrived in it at all.';
  const clockNote = counts.some(([why]) => why === 'older') ? ' If the mail server\'s clock runs behind this machine\'s, fresh mail looks older: check NTP on both.' : '';
  return new PortalLoginError('CODE_TIMEOUT', `No code email arrived in ${config.mailbox} within ${config.timeoutSeconds} s (filter: ${filter}).`, {
    hint: `Check that the portal sends the code to ${config.imap.user} and that it lands in ${config.mailbox} (not Spam or a folder a mail rule moves it to), that from/subject match its emails${config.pattern ? ' and pattern finds the code' : ''}, or raise timeoutSeconds.${seen}${clockNote}`,
  });
}
