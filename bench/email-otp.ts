/**
 * Email OTP latency (issue 8; target < 1 s): from the code email landing in
 * the mailbox (Dovecot's LMTP reply that it saved the message) to the email
 * source (codes/email-source.ts, waiting in IDLE) returning the code. The
 * same delivery is watched by a bare imapflow client in IDLE, the baseline:
 * how soon the server tells anyone, so what the source adds (search, fetch,
 * MIME parsing, the filters) is the difference, paired per message.
 *
 * Needs Debian's dovecot-imapd and dovecot-lmtpd; reports "skipped" without.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { ImapFlow } from 'imapflow';
import { emailCodeSource } from '../codes/email-source.js';
import { emailCodeSchema } from '../config/email-code-schema.js';
import { createLogger } from '../core/log.js';
import { Redactor } from '../core/redact.js';
import { otpMailMessage } from '../demo-portal/otp-mail.js';
import { DOVECOT_BINARY, startDovecot, type Dovecot } from '../devtools/dovecot.js';
import { summarize, table } from './stats.js';

const TARGET_MS = 1000;
/** Time given to both watchers to be in IDLE before a message is sent (untimed): the IDLE path is what is measured. */
const SETTLE_MS = 300;

export async function emailOtpBench(runs: number): Promise<string> {
  if (!existsSync(DOVECOT_BINARY)) return `\nEmail OTP: skipped (no ${DOVECOT_BINARY}; apt-get install dovecot-imapd dovecot-lmtpd)\n`;
  const mail = await startDovecot();
  const redactor = new Redactor();
  const config = emailCodeSchema.parse({
    source: 'email',
    imap: { host: mail.host, port: mail.imapPort, security: 'plain', user: mail.user, passwordEnv: 'IMAP_PASSWORD' },
    from: '@demo-broker.example',
    timeoutSeconds: 10,
  });
  const source = emailCodeSource({ config, password: mail.password, redactor, log: createLogger({ redactor, verbose: false, quiet: true, write: () => undefined }) });
  const watcher = await idleWatcher(mail);
  try {
    await source.opened();
    const times = { source: [] as number[], idle: [] as number[], deliver: [] as number[] };
    const loadBefore = loadavg();
    for (let i = 0; i <= runs; i++) {
      const code = String(100_000 + Math.floor(Math.random() * 900_000));
      const requestedAt = Date.now();
      const issued = source.next({ afterRejection: false, requestedAt }).then((c) => ({ c, at: performance.now() }));
      const told = watcher.nextExists();
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const sent = performance.now();
      await mail.deliver(otpMailMessage({ from: 'Demo Broking <no-reply@demo-broker.example>', to: `${mail.user}@example.com`, subject: 'Your login OTP', code, validMinutes: 5, date: Date.now() }));
      const landed = performance.now();
      const [{ c, at }, toldAt] = await Promise.all([issued, told]);
      if (c.code !== code) throw new Error('email bench: the source returned another code than the one just sent');
      if (i === 0) continue; // warm-up: the first fetch and parse compile their code
      times.deliver.push(landed - sent);
      times.source.push(at - landed);
      times.idle.push(toldAt - landed);
    }
    return emailReport(times, { runs, loadBefore, loadAfter: loadavg() });
  } finally {
    await source.close();
    await watcher.close();
    await mail.stop();
  }
}

/** A bare imapflow client idling on INBOX: resolves nextExists() at the server's EXISTS. */
async function idleWatcher(mail: Dovecot): Promise<{ nextExists: () => Promise<number>; close: () => Promise<void> }> {
  const client = new ImapFlow({ host: mail.host, port: mail.imapPort, secure: false, doSTARTTLS: false, auth: { user: mail.user, pass: mail.password }, logger: false });
  await client.connect();
  await client.mailboxOpen('INBOX');
  let waiting: ((at: number) => void) | undefined;
  client.on('exists', () => {
    waiting?.(performance.now());
    waiting = undefined;
  });
  return {
    nextExists: () => {
      // imapflow idles by itself when nothing else runs; asking makes it start now.
      void client.idle().catch(() => undefined);
      return new Promise((resolve) => (waiting = resolve));
    },
    close: () => client.logout(),
  };
}

function emailReport(times: { source: number[]; idle: number[]; deliver: number[] }, context: { runs: number; loadBefore: number[]; loadAfter: number[] }): string {
  const [s, idle, deliver] = [summarize(times.source), summarize(times.idle), summarize(times.deliver)];
  const added = summarize(times.source.map((t, i) => t - times.idle[i]!));
  const ms = (v: number) => v.toFixed(0);
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  return [
    '',
    `Email OTP through a real Dovecot (IMAP IDLE), ${context.runs} messages after 1 warm-up, medians:`,
    `machine: nproc ${availableParallelism()}; load average (1/5/15 min) before ${load(context.loadBefore)}, after ${load(context.loadAfter)}`,
    table([
      ['span', 'median ms', 'min..max ms'],
      ['landed → code returned by the email source', ms(s.median), `${ms(s.min)}..${ms(s.max)}`],
      ['landed → EXISTS at a bare imapflow IDLE client (baseline)', ms(idle.median), `${ms(idle.min)}..${ms(idle.max)}`],
      ['what the source adds (paired: search, fetch, parse, filter)', ms(added.median), `${ms(added.min)}..${ms(added.max)}`],
      ['LMTP delivery (sent → landed; not in the figures above)', ms(deliver.median), `${ms(deliver.min)}..${ms(deliver.max)}`],
    ]),
    `email: ${s.median < TARGET_MS ? 'TARGET MET' : 'TARGET MISSED'}: landed → code ${ms(s.median)} ms (target < ${TARGET_MS} ms; max ${ms(s.max)} ms)`,
    '',
  ].join('\n');
}
