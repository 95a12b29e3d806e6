/**
 * The email code source against a real Dovecot started per test: which
 * message counts (after the request, matching the filters, never twice),
 * waiting with IDLE or polling, afterUse, and its two errors.
 */
import { ImapFlow } from 'imapflow';
import type { EmailCodeConfig } from '../../config/email-code-schema.js';
import { emailCodeSchema } from '../../config/email-code-schema.js';
import { PortalLoginError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { Redactor } from '../../core/redact.js';
import { emailCodeSource } from '../../codes/email-source.js';
import type { CodeSource } from '../../codes/code-source.js';
import { otpMailMessage } from '../../demo-portal/otp-mail.js';
import { startDovecot, type Dovecot, type DovecotOptions } from '../../devtools/dovecot.js';
import { expect, test } from '../support/fixtures.js';

const BROKER = 'Demo Broking <no-reply@demo-broker.example>';

const it = test.extend<{ dovecotOptions: DovecotOptions; mail: Dovecot; lines: string[] }>({
  dovecotOptions: [{}, { option: true }],
  mail: async ({ dovecotOptions }, use) => {
    const dovecot = await startDovecot(dovecotOptions);
    await use(dovecot);
    await dovecot.stop();
  },
  lines: async ({}, use) => use([]),
});

function mailConfig(mail: Dovecot, extra: Record<string, unknown> = {}): EmailCodeConfig {
  return emailCodeSchema.parse({
    source: 'email',
    imap: { host: mail.host, port: mail.imapPort, security: 'plain', user: mail.user, passwordEnv: 'IMAP_PASSWORD' },
    timeoutSeconds: 10,
    ...extra,
  });
}

function otp(code: string, extra: Partial<Parameters<typeof otpMailMessage>[0]> = {}): string {
  return otpMailMessage({ from: BROKER, to: 'trader@example.com', subject: 'Your login OTP', code, validMinutes: 5, date: Date.now(), ...extra });
}

/** A source whose logger writes into `lines` (so tests can check nothing secret is logged). */
function source(mail: Dovecot, lines: string[], config = mailConfig(mail), password = mail.password) {
  const redactor = new Redactor();
  const log = createLogger({ redactor, verbose: true, write: (line) => lines.push(line) });
  const codes = emailCodeSource({ config, password, log, redactor });
  return { codes, redactor };
}

async function withClient<T>(mail: Dovecot, run: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host: mail.host, port: mail.imapPort, secure: false, doSTARTTLS: false, auth: { user: mail.user, pass: mail.password }, logger: false });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.logout();
  }
}

/** Flags of every message in `mailbox`, by subject's code-free order. */
async function mailboxFlags(mail: Dovecot, mailbox: string): Promise<string[][]> {
  return withClient(mail, async (client) => {
    const opened = await client.mailboxOpen(mailbox, { readOnly: true });
    if (opened.exists === 0) return [];
    return (await client.fetchAll('1:*', { flags: true })).map((m) => [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort());
  });
}

async function failure(promise: Promise<unknown>): Promise<PortalLoginError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PortalLoginError);
  return error as PortalLoginError;
}

async function closeAfter<T>(codes: CodeSource, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } finally {
    await codes.close?.();
  }
}

it('reads a code that arrives after the request, registers it, logs no secret, keeps the message unseen', async ({ mail, lines }) => {
  const { codes, redactor } = source(mail, lines);
  await closeAfter(codes, async () => {
    const requestedAt = Date.now();
    const waits: Array<[number, string]> = [];
    const issued = codes.next({ afterRejection: false, requestedAt, onWait: (s, why) => waits.push([s, why]) });
    await mail.deliver(otp('482913'));
    const { code, label } = await issued;
    expect(code).toBe('482913');
    expect(label).toMatch(/^email UID 1 from no-reply@demo-broker\.example, received \d\d:\d\d:\d\d UTC$/);
    expect(waits).toEqual([[10, 'the code email in INBOX (at most)']]);
    expect(redactor.leaks('code 482913')).toBe(true);
    expect(redactor.leaks(mail.password)).toBe(true);
  });
  expect(await mailboxFlags(mail, 'INBOX')).toEqual([[]]);
  expect(lines.join('\n')).not.toMatch(/482913|imap-test-password/);
});

it('a code already in the mailbox when it was opened is stale: the newer one is taken', async ({ mail, lines }) => {
  await mail.deliver(otp('111111'));
  const { codes } = source(mail, lines);
  await closeAfter(codes, async () => {
    await codes.opened();
    // Likely the same second as the stale one: only UIDNEXT at opening tells them apart.
    const issued = codes.next({ afterRejection: false, requestedAt: Date.now(), resend: () => Promise.reject(new Error('not asked for')) });
    await mail.deliver(otp('222222'));
    expect((await issued).code).toBe('222222');
  });
});

it('a message received before the request is stale even when it shows up later', async ({ mail, lines }) => {
  const { codes } = source(mail, lines);
  await closeAfter(codes, async () => {
    const requestedAt = Date.now();
    // Appended after the mailbox was opened, but received (INTERNALDATE) a minute before the request.
    await withClient(mail, (client) => client.append('INBOX', otp('333333'), [], new Date(requestedAt - 60_000)));
    const issued = codes.next({ afterRejection: false, requestedAt });
    await mail.deliver(otp('444444'));
    expect((await issued).code).toBe('444444');
  });
});

it('after a rejection: resend first, then only a newer message; never the same UID', async ({ mail, lines }) => {
  const { codes } = source(mail, lines, mailConfig(mail, { timeoutSeconds: 1 }));
  await closeAfter(codes, async () => {
    const first = codes.next({ afterRejection: false, requestedAt: Date.now() });
    await mail.deliver(otp('510001'));
    expect((await first).code).toBe('510001');

    let resends = 0;
    const retry = await codes.next({
      afterRejection: true,
      requestedAt: Date.now(),
      resend: async () => {
        resends += 1;
        await mail.deliver(otp('510002'));
        await mail.deliver(otp('510003'));
      },
    });
    expect(resends).toBe(1);
    // Two arrived after the resend: the newest is the portal's current code.
    expect(retry.code).toBe('510003');
    expect(retry.label).toMatch(/^email UID 3 /);

    // Nothing new: the rejected messages are not offered again, the wait ends in CODE_TIMEOUT.
    const error = await failure(codes.next({ afterRejection: true, requestedAt: Date.now() }));
    expect(error.code).toBe('CODE_TIMEOUT');
  });
  expect(lines.join('\n')).toContain('Asking the portal to send a new code email.');
});

it('no message: CODE_TIMEOUT naming the mailbox and the filter, with what was passed over', async ({ mail, lines }) => {
  const { codes } = source(mail, lines, mailConfig(mail, { timeoutSeconds: 1, from: '@demo-broker.example', subject: 'OTP' }));
  await closeAfter(codes, async () => {
    const requestedAt = Date.now();
    const pending = failure(codes.next({ afterRejection: false, requestedAt }));
    await mail.deliver(otpMailMessage({ from: 'News <news@other.example>', to: 'trader@example.com', subject: 'Weekly OTP digest', code: '909090', validMinutes: 5, date: Date.now() }));
    const error = await pending;
    expect(error.code).toBe('CODE_TIMEOUT');
    expect(error.exitStatus).toBe(19);
    expect(error.message).toBe('No code email arrived in INBOX within 1 s (filter: from "@demo-broker.example", subject "OTP").');
    expect(error.hint).toContain(`Check that the portal sends the code to ${mail.user} and that it lands in INBOX (not Spam`);
    expect(error.hint).toContain('Passed over meanwhile: 1 message that did not match the from/subject filter.');
  });
});

it('a wrong IMAP password: CODE_SOURCE_FAILED that names the user and the env var, never the password', async ({ mail, lines }) => {
  const wrong = 'not-the-imap-password-7731';
  const { codes } = source(mail, lines, mailConfig(mail), wrong);
  const error = await failure(codes.next({ afterRejection: false, requestedAt: Date.now() }));
  await codes.close?.();
  expect(error.code).toBe('CODE_SOURCE_FAILED');
  expect(error.exitStatus).toBe(20);
  expect(error.message).toBe(`The IMAP server 127.0.0.1:${mail.imapPort} refused the login of "${mail.user}".`);
  expect(error.hint).toContain('imap.passwordEnv (IMAP_PASSWORD)');
  expect(`${error.message}${error.hint}${lines.join('')}`).not.toContain(wrong);
});

it('nothing listening, or a mailbox that does not exist: CODE_SOURCE_FAILED with what to check, from opened() and next()', async ({ mail, lines }) => {
  const config = mailConfig(mail);
  const unreachable = source(mail, lines, { ...config, imap: { ...config.imap, port: 1 } }).codes;
  expect((await failure(unreachable.opened())).code).toBe('CODE_SOURCE_FAILED');
  const refused = await failure(unreachable.next({ afterRejection: false, requestedAt: Date.now() }));
  expect(refused.code).toBe('CODE_SOURCE_FAILED');
  expect(refused.message).toBe('Could not connect to the IMAP server 127.0.0.1:1 (plain).');
  expect(refused.hint).toMatch(/^Check imap\.host and imap\.port/);

  const { codes } = source(mail, lines, mailConfig(mail, { mailbox: 'OTP' }));
  const missing = await failure(codes.next({ afterRejection: false, requestedAt: Date.now() }));
  expect(missing.code).toBe('CODE_SOURCE_FAILED');
  expect(missing.message).toBe(`The mailbox "OTP" (mailbox) does not exist for "${mail.user}" on 127.0.0.1.`);
  expect(missing.hint).toMatch(/^Set mailbox to one of: INBOX;/);
});

it('from and subject filters skip other mail; the address counts, not the display name', async ({ mail, lines }) => {
  const { codes } = source(mail, lines, mailConfig(mail, { from: 'demo-broker.example', subject: '/login (otp|code)/i' }));
  await closeAfter(codes, async () => {
    const issued = codes.next({ afterRejection: false, requestedAt: Date.now() });
    await mail.deliver(otp('600001', { from: '"no-reply@demo-broker.example" <phish@evil.example>' }));
    await mail.deliver(otp('600002', { subject: 'Your statement is ready' }));
    await mail.deliver(otp('600003', { subject: 'Your LOGIN Code' }));
    expect((await issued).code).toBe('600003');
  });
});

test.describe('no IDLE on the server', () => {
  it.use({ dovecotOptions: { noIdle: true } });
  it('polls until the message comes', async ({ mail, lines }) => {
    const { codes } = source(mail, lines);
    await closeAfter(codes, async () => {
      const issued = codes.next({ afterRejection: false, requestedAt: Date.now() });
      await mail.deliver(otp('700001'));
      expect((await issued).code).toBe('700001');
    });
    expect(lines.join('\n')).toContain('no IDLE: polling every 1000 ms');
  });
});

test.describe('afterUse', () => {
  it.use({ dovecotOptions: { mailboxes: ['Archive'] } });
  it('seen marks the used message \\Seen and leaves the others', async ({ mail, lines }) => {
    await mail.deliver(otp('800001'));
    const { codes } = source(mail, lines, mailConfig(mail, { afterUse: 'seen' }));
    await closeAfter(codes, async () => {
      await codes.opened();
      const issued = codes.next({ afterRejection: false, requestedAt: Date.now() });
      await mail.deliver(otp('800002'));
      expect((await issued).code).toBe('800002');
    });
    expect(await mailboxFlags(mail, 'INBOX')).toEqual([[], ['\\Seen']]);
  });

  it('move puts the used message in moveTo', async ({ mail, lines }) => {
    const { codes } = source(mail, lines, mailConfig(mail, { afterUse: 'move', moveTo: 'Archive' }));
    await closeAfter(codes, async () => {
      const issued = codes.next({ afterRejection: false, requestedAt: Date.now() });
      await mail.deliver(otp('800003'));
      expect((await issued).code).toBe('800003');
    });
    expect(await mailboxFlags(mail, 'INBOX')).toEqual([]);
    expect(await mailboxFlags(mail, 'Archive')).toHaveLength(1);
  });

  it('a moveTo that does not exist fails before any code is read', async ({ mail, lines }) => {
    const { codes } = source(mail, lines, mailConfig(mail, { afterUse: 'move', moveTo: 'Used' }));
    const error = await failure(codes.next({ afterRejection: false, requestedAt: Date.now() }));
    expect(error.message).toBe(`The mailbox "Used" (moveTo) does not exist for "${mail.user}" on 127.0.0.1.`);
    expect(error.hint).toMatch(/^Set moveTo to one of: (INBOX, Archive|Archive, INBOX);/);
  });
});
