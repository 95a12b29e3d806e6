import * as z from 'zod';
import { emailCodeSchema } from './email-code-schema.js';
import { envVarName } from './env-var-name.js';
import { regexString } from './regex-string.js';
import { vaultCodeSchema } from './vault-code-schema.js';

/**
 * Where an account's second-factor code comes from: one branch per code
 * source kind (codes/kinds.ts builds each), each with only its own keys.
 * `accounts.NAME.totpSecretEnv: VAR` is the short form of `{ source: totp, secretEnv: VAR }`.
 */

/** The verification method a source answers on a portal's "how do you want to verify?" screen. */
const method = z.enum(['totp', 'email', 'sms']);

/** Seconds a source may take to produce a code before the login fails (CODE_TIMEOUT). */
const timeoutSeconds = (fallback: number) => z.number().positive().max(900).default(fallback);

export const totpCodeSchema = z.strictObject({
  source: z.literal('totp'),
  /** Env var holding the base32 secret or an otpauth:// URI. */
  secretEnv: envVarName,
});

export const commandCodeSchema = z
  .strictObject({
    source: z.literal('command'),
    /** The program and its arguments, run without a shell; a single string only with `shell: true`. */
    command: z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]),
    shell: z.boolean().default(false),
    /** Where the code is in the program's output: a regular expression, its first group (or whole match) is the code. */
    pattern: regexString.default('\\b(\\d{4,10})\\b'),
    timeoutSeconds: timeoutSeconds(30),
    method: method.default('totp'),
  })
  .refine((c) => c.shell || Array.isArray(c.command), {
    path: ['command'],
    message: 'without shell: true, give the program and its arguments as a list, e.g. ["oathtool", "--totp", "-b", "…"] (no shell parses a string), or set shell: true',
  });

export const promptCodeSchema = z.strictObject({
  source: z.literal('prompt'),
  timeoutSeconds: timeoutSeconds(300),
  method: method.default('totp'),
});

export const codeSchema = z.discriminatedUnion('source', [totpCodeSchema, emailCodeSchema, vaultCodeSchema, commandCodeSchema, promptCodeSchema], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'source must be one of totp, email, vault, command, prompt (and the keys that kind takes; see the README, "Code sources")' : undefined,
});

export type CodeConfig = z.output<typeof codeSchema>;
export type CodeSourceKind = CodeConfig['source'];
export type CodeMethod = z.output<typeof method>;
