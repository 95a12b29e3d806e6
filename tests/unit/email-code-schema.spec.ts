/** The email code source's config branch: defaults, and one message per mistake, each at its key path. */
import { expect, test } from '@playwright/test';
import * as z from 'zod';
import { emailCodeSchema } from '../../config/email-code-schema.js';

const imap = { host: 'imap.example.com', user: 'trader@example.com', passwordEnv: 'BROKER_IMAP_PASSWORD' };

/** Every problem as "path: message". */
function problems(input: unknown): string[] {
  const result = emailCodeSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

test('defaults: TLS on 993, INBOX, 120 s, keep, the default code rule', () => {
  expect(emailCodeSchema.parse({ source: 'email', imap })).toEqual({
    source: 'email',
    imap: { ...imap, security: 'tls', port: 993 },
    mailbox: 'INBOX',
    timeoutSeconds: 120,
    afterUse: 'keep',
  });
});

test('port follows security unless given', () => {
  expect(emailCodeSchema.parse({ source: 'email', imap: { ...imap, security: 'starttls' } }).imap.port).toBe(143);
  expect(emailCodeSchema.parse({ source: 'email', imap: { ...imap, host: '127.0.0.1', security: 'plain' } }).imap.port).toBe(143);
  expect(emailCodeSchema.parse({ source: 'email', imap: { ...imap, port: 1993 } }).imap.port).toBe(1993);
});

test('plain only to a loopback host', () => {
  expect(problems({ source: 'email', imap: { ...imap, security: 'plain' } })).toEqual([
    'imap.security: plain sends the mailbox password and the codes unencrypted, so it is allowed only to a loopback host (localhost, 127.0.0.1, ::1), not "imap.example.com"; use tls (port 993) or starttls (port 143)',
  ]);
  for (const host of ['localhost', '127.0.0.1', '127.8.0.2', '::1', '[::1]']) {
    expect(problems({ source: 'email', imap: { ...imap, host, security: 'plain' } }), host).toEqual([]);
  }
});

test('every mistake at once, each at its path', () => {
  const found = problems({
    source: 'email',
    imap: { host: 'imap.example.com', user: 'u', passwordEnv: 'hunter2 pasted', tls: true },
    subject: '/(unclosed/',
    pattern: '(code|otp) (\\d+)',
    timeoutSeconds: 0,
    afterUse: 'move',
  });
  expect(found).toEqual([
    expect.stringMatching(/^imap\.passwordEnv: must be the NAME of the environment variable/),
    expect.stringMatching(/^imap: Unrecognized key: "tls"/),
    expect.stringMatching(/^subject: "\/\(unclosed\/" is not a valid \/regular expression\//),
    expect.stringMatching(/^pattern: has 2 capture groups/),
    expect.stringMatching(/^timeoutSeconds: /),
    'moveTo: afterUse: move needs moveTo, the mailbox used code emails go to (e.g. "Archive" or "OTP/Used"); it must exist',
  ]);
  // The pasted value is never echoed.
  expect(found.join('\n')).not.toContain('hunter2');
});

test('moveTo only with move, and not the mailbox itself', () => {
  expect(problems({ source: 'email', imap, moveTo: 'Archive' })).toEqual([
    'moveTo: moveTo is only used with afterUse: move (afterUse is keep); remove it or set afterUse: move',
  ]);
  expect(problems({ source: 'email', imap, afterUse: 'move', moveTo: 'INBOX' })).toEqual([
    'moveTo: moveTo is the mailbox codes are read from (INBOX); name another mailbox',
  ]);
  expect(emailCodeSchema.parse({ source: 'email', imap, afterUse: 'move', moveTo: 'Archive' }).moveTo).toBe('Archive');
});

test('filters: subject as text or /regex/flags, from as text', () => {
  const parsed = emailCodeSchema.parse({ source: 'email', imap, from: '@5paisa.com', subject: '/(otp|verification code)/i', pattern: 'code: (\\d{6})' });
  expect([parsed.from, parsed.subject, parsed.pattern]).toEqual(['@5paisa.com', '/(otp|verification code)/i', 'code: (\\d{6})']);
});

test('is a branch of a discriminated union on source', () => {
  const codeSchema = z.discriminatedUnion('source', [emailCodeSchema, z.strictObject({ source: z.literal('totp'), secretEnv: z.string() })]);
  expect(codeSchema.parse({ source: 'email', imap }).source).toBe('email');
  const wrong = codeSchema.safeParse({ source: 'email', imap: { ...imap, security: 'plain' } });
  expect(wrong.success).toBe(false);
  expect(wrong.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['imap.security']);
});
