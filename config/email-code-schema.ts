import * as z from 'zod';
import { codePatternProblem } from '../codes/code-pattern.js';
import { parseSubjectFilter } from '../codes/email-filter.js';
import { envVarName } from './env-var-name.js';
import { isLoopbackHost } from './loopback.js';

/**
 * `code: { source: email, … }`: read the one-time code from a mailbox over
 * IMAP. One branch of the code-source union; every default is filled here.
 */

/** IMAP's standard ports: 993 for implicit TLS, 143 for STARTTLS and cleartext. */
const DEFAULT_PORT = { tls: 993, starttls: 143, plain: 143 } as const;

const imapSchema = z
  .strictObject({
    host: z.string().min(1),
    port: z.int().min(1).max(65535).optional(),
    security: z.enum(['tls', 'starttls', 'plain']).default('tls'),
    /** The IMAP login name (often the address); not a secret. */
    user: z.string().min(1),
    passwordEnv: envVarName,
  })
  .superRefine((imap, ctx) => {
    if (imap.security === 'plain' && !isLoopbackHost(imap.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['security'],
        message: `plain sends the mailbox password and the codes unencrypted, so it is allowed only to a loopback host (localhost, 127.0.0.1, ::1), not "${imap.host}"; use tls (port 993) or starttls (port 143)`,
      });
    }
  })
  .transform(({ port, ...imap }) => ({ ...imap, port: port ?? DEFAULT_PORT[imap.security] }));

const subjectFilter = z
  .string()
  .min(1)
  .superRefine((subject, ctx) => {
    const parsed = parseSubjectFilter(subject);
    if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
  });

const codePattern = z
  .string()
  .min(1)
  .superRefine((pattern, ctx) => {
    const problem = codePatternProblem(pattern);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const emailCodeSchema = z
  .strictObject({
    source: z.literal('email'),
    imap: imapSchema,
    mailbox: z.string().min(1).default('INBOX'),
    /** Part of the sender's address (case-insensitive), e.g. "@5paisa.com" or "noreply@broker.example". */
    from: z.string().min(1).optional(),
    /** Part of the subject (case-insensitive), or a /regular expression/flags. */
    subject: subjectFilter.optional(),
    /** Where the code is: a regular expression whose one capture group (or whole match) is the code. Not set: the first standalone 4–8 digit number that is not a date or year (codes/code-pattern.ts). */
    pattern: codePattern.optional(),
    /** How long to wait for the code email after it was requested. */
    timeoutSeconds: z.int().min(1).max(900).default(120),
    /** What happens to the message the code was taken from. */
    afterUse: z.enum(['keep', 'seen', 'move']).default('keep'),
    /** The mailbox a used message goes to with afterUse: move (it must exist). */
    moveTo: z.string().min(1).optional(),
  })
  .superRefine(
    (email, ctx) => {
      if (email.afterUse === 'move' && !email.moveTo) {
        ctx.addIssue({ code: 'custom', path: ['moveTo'], message: 'afterUse: move needs moveTo, the mailbox used code emails go to (e.g. "Archive" or "OTP/Used"); it must exist' });
      } else if (email.afterUse !== 'move' && email.moveTo) {
        ctx.addIssue({ code: 'custom', path: ['moveTo'], message: `moveTo is only used with afterUse: move (afterUse is ${String(email.afterUse)}); remove it or set afterUse: move` });
      } else if (email.moveTo && email.moveTo === email.mailbox) {
        ctx.addIssue({ code: 'custom', path: ['moveTo'], message: `moveTo is the mailbox codes are read from (${email.mailbox}); name another mailbox` });
      }
    },
    { when: () => true },
  );

export type EmailCodeConfig = z.output<typeof emailCodeSchema>;
export type EmailCodeConfigInput = z.input<typeof emailCodeSchema>;
