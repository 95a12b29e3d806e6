import * as z from 'zod';
import type { EntryInput } from './entry-input.js';

/**
 * The body of `POST /v1/totp/keys/:name`, as Vault's TOTP engine names its
 * fields. Vault's `generate` mode (the server makes the secret) is not
 * offered; `generate: false` is accepted since clients send it.
 */
const period = z.union([z.int(), z.string().regex(/^\d{1,4}s?$/, 'expected seconds like 30 or "30s"').transform((s) => Number.parseInt(s, 10))]);
const keyBodySchema = z.strictObject({
  url: z.string().max(4096).optional(),
  key: z.string().max(1024).optional(),
  issuer: z.string().max(256).optional(),
  account_name: z.string().max(256).optional(),
  period: period.optional(),
  digits: z.int().optional(),
  algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']).optional(),
  generate: z.literal(false).optional(),
});

/** The entry input, or every problem found (field names only: values may be secrets). */
export function parseKeyBody(name: string, json: unknown): { ok: true; input: EntryInput } | { ok: false; problems: string[] } {
  const parsed = keyBodySchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) =>
        issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}` : `${issue.path.join('.') || 'body'}: ${issue.message}`,
      ),
    };
  }
  const body = parsed.data;
  return { ok: true, input: { name, url: body.url, key: body.key, issuer: body.issuer, accountName: body.account_name, period: body.period, digits: body.digits, algorithm: body.algorithm } };
}
