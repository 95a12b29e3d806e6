/**
 * One IMAP mailbox as the email code source needs it, over imapflow: open it
 * (remembering UIDNEXT and when), list recent messages, read one, wait for
 * news (IDLE, else a short poll), mark or move a used one, log out.
 */
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import type { EmailCodeConfig } from '../config/email-code-schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { MessageBody } from './code-pattern.js';
import { imapConnectFailure, imapSessionFailure, mailboxFailure } from './imap-errors.js';

export interface MailboxMessage {
  uid: number;
  /** When the server received it (ms since epoch, the server's clock; IMAP gives whole seconds). */
  receivedAt: number;
  /** Sender addresses from the From header. */
  from: string[];
  subject: string;
  /** Size in bytes. */
  size: number;
}

export interface ImapMailbox {
  /**
   * The lowest UID a message that arrived after `time` (this machine's clock)
   * can have, as far as the server has told us: every UID below it was
   * already in the mailbox by then. 1 when nothing is known about `time`.
   */
  uidFloorAt(time: number): number;
  /** Messages with UID ≥ minUid received on or after the day before `sinceMs`, newest first. */
  list(sinceMs: number, minUid: number): Promise<MailboxMessage[]>;
  body(uid: number): Promise<MessageBody>;
  /** Resolves when the server reports a change, or after at most `ms`. */
  waitForNews(ms: number): Promise<void>;
  markSeen(uid: number): Promise<void>;
  move(uid: number, mailbox: string): Promise<void>;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
/** Without IDLE the server only tells of new mail when asked: ask this often. */
const POLL_MS = 1_000;
/** Even with IDLE, look again this often: some servers push IDLE updates late or not at all for some deliveries. */
const IDLE_RECHECK_MS = 5_000;
/** A quiet connection goes into IDLE after this long (imapflow's auto-IDLE); short, so a new message is pushed at once. */
const AUTO_IDLE_DELAY_MS = 100;

export interface OpenMailboxOptions {
  config: EmailCodeConfig;
  password: string;
  log: Logger;
  clock: Clock;
}

/** Connects, logs in and opens the configured mailbox (read-only when nothing is changed after use). */
export async function openMailbox({ config, password, log, clock }: OpenMailboxOptions): Promise<ImapMailbox> {
  const { imap } = config;
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.security === 'tls',
    doSTARTTLS: imap.security === 'starttls',
    auth: { user: imap.user, pass: password },
    // Its logger would write credentials and message bodies (the codes) to stdout.
    logger: false,
    autoIdleDelay: AUTO_IDLE_DELAY_MS,
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    clientInfo: { name: 'portal-login' },
  });
  // An idle connection that drops would otherwise be an unhandled 'error' event; the next command reports it.
  client.on('error', (error: unknown) => log.debug(`IMAP connection error: ${String(error)}`));
  try {
    await client.connect();
  } catch (error) {
    throw imapConnectFailure(error, imap);
  }
  const mailboxNames = async () => (await client.list().catch(() => [])).map((m) => m.path);
  if (config.afterUse === 'move' && config.moveTo && !(await client.status(config.moveTo, { messages: true }).catch(() => false))) {
    const names = await mailboxNames();
    await client.logout().catch(() => undefined);
    throw mailboxFailure(config.moveTo, 'moveTo', imap, names);
  }
  let opened;
  try {
    opened = await client.mailboxOpen(config.mailbox, { readOnly: config.afterUse === 'keep' });
  } catch {
    const names = await mailboxNames();
    await client.logout().catch(() => undefined);
    throw mailboxFailure(config.mailbox, 'mailbox', imap, names);
  }
  const openedAt = clock.now();
  const supportsIdle = client.capabilities.has('IDLE');
  log.debug(`IMAP: opened ${config.mailbox} on ${imap.host}:${imap.port} as ${imap.user} (UIDNEXT ${opened.uidNext}, ${supportsIdle ? 'IDLE' : `no IDLE: polling every ${POLL_MS} ms`}).`);

  /**
   * UIDNEXT as known at local times: at opening, then after each new-mail
   * push. IMAP dates have whole seconds; these tell a message that came just
   * before the request from one just after it (see uidFloorAt).
   */
  const floors: Array<{ uidNext: number; at: number }> = [{ uidNext: opened.uidNext, at: openedAt }];
  const learnUidNext = async () => {
    const last = await client.fetchOne('*', { uid: true }).catch(() => false as const);
    if (last) floors.push({ uidNext: last.uid + 1, at: clock.now() });
  };
  let changes = 0;
  let changesListed = 0;
  let notify: (() => void) | undefined;
  client.on('exists', () => {
    changes += 1;
    notify?.();
    void learnUidNext();
  });
  const session = async <T>(doing: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw imapSessionFailure(error, imap, doing);
    }
  };

  return {
    uidFloorAt: (time) => floors.filter((floor) => floor.at <= time).reduce((max, floor) => Math.max(max, floor.uidNext), 1),
    list: (sinceMs, minUid) =>
      session(`searching ${config.mailbox}`, async () => {
        changesListed = changes;
        // SINCE compares dates only, in the server's time zone: a day earlier cannot miss one; the caller filters exactly.
        const uids = (await client.search({ since: new Date(sinceMs - DAY_MS), uid: `${minUid}:*` }, { uid: true })) || [];
        // "N:*" also matches the newest message when every UID is below N.
        const wanted = uids.filter((uid) => uid >= minUid);
        if (wanted.length === 0) return [];
        const messages = await client.fetchAll(wanted.join(','), { uid: true, internalDate: true, envelope: true, size: true }, { uid: true });
        return messages
          .map((m) => ({
            uid: m.uid,
            receivedAt: m.internalDate ? new Date(m.internalDate).getTime() : 0,
            from: (m.envelope?.from ?? []).map((a) => a.address ?? '').filter(Boolean),
            subject: m.envelope?.subject ?? '',
            size: m.size ?? 0,
          }))
          .sort((a, b) => b.uid - a.uid);
      }),
    body: (uid) =>
      session(`reading message ${uid}`, async () => {
        const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (!message || !message.source) return {};
        const parsed = await simpleParser(message.source, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
        return { text: parsed.text, html: parsed.html || undefined };
      }),
    waitForNews: async (ms) => {
      if (changes !== changesListed) return;
      const wait = Math.min(ms, supportsIdle ? IDLE_RECHECK_MS : POLL_MS);
      let timer: NodeJS.Timeout | undefined;
      // The quiet connection is in IDLE meanwhile (auto-IDLE); the next command ends it.
      await new Promise<void>((resolve) => {
        notify = resolve;
        timer = setTimeout(resolve, wait);
      });
      notify = undefined;
      clearTimeout(timer);
    },
    markSeen: (uid) => session(`marking message ${uid} seen`, async () => void (await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true }))),
    move: (uid, mailbox) =>
      session(`moving message ${uid} to ${mailbox}`, async () => {
        if (!(await client.messageMove(String(uid), mailbox, { uid: true }))) throw new Error(`the server did not move it`);
      }),
    close: async () => {
      await client.logout().catch(() => client.close());
    },
  };
}
