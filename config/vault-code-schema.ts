import * as z from 'zod';
import { envVarName } from './env-var-name.js';
import { isLoopbackHost } from './loopback.js';

/**
 * `code: { source: vault, … }`: codes from a Vault TOTP engine API, either
 * `portal-login serve` or HashiCorp Vault / OpenBao. One branch of the
 * code-source union; every default is filled here.
 */

/** Why an address cannot be used, or undefined. The token travels in a header, so plain http is only for this machine. */
function addressProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be the server\'s URL, e.g. https://vault.example.com:8200 or http://127.0.0.1:8200 (what VAULT_ADDR holds)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must be an https: (or, to this machine, http:) URL, not ${url.protocol}`;
  if (url.username || url.password) return 'must not contain a user or password: the token comes from tokenEnv, in a header';
  if (url.search || url.hash) return 'must not contain a query or fragment: give the server\'s base URL only (the token is never put in a URL)';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return `http sends the token and the codes unencrypted, so it is allowed only to a loopback host (localhost, 127.0.0.1, ::1), not "${url.hostname}"; use https (portal-login serve --tls-cert/--tls-key)`;
  }
  return undefined;
}

const address = z
  .string({ error: 'required: the server\'s base URL, e.g. https://vault.example.com:8200 or http://127.0.0.1:8200 (what VAULT_ADDR holds)' })
  .min(1)
  .superRefine((text, ctx) => {
    const problem = addressProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((text) => text.replace(/\/+$/, ''));

/** Vault's key names (`\w`, `.`, `-`); also what `portal-login serve` accepts, and safe in a URL path unescaped. */
const keyName = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be the key\'s name in the TOTP engine: letters, digits, . _ - (as in `vault read totp/code/NAME`)');

/** A mount path such as `totp` or `team/totp`: path segments of Vault's name characters. */
const mount = z
  .string()
  .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'must be the TOTP engine\'s mount path without slashes at the ends, e.g. totp or team/totp')
  .refine((m) => !m.split('/').some((part) => part === '.' || part === '..'), 'must not contain . or .. segments');

/** `url` is what other tools call it; the message says which key this one reads instead of only "unrecognized". */
const unknownKey = (issue: { code?: string; keys?: readonly string[] }): string | undefined =>
  issue.code === 'unrecognized_keys' && issue.keys?.includes('url')
    ? 'the vault source takes the server\'s base URL as address: (as in VAULT_ADDR), not url:'
    : undefined;

export const vaultCodeSchema = z.strictObject(
  {
    source: z.literal('vault'),
    /** The server's base URL, as in VAULT_ADDR. */
    address,
    /** NAME of the env var holding the token (sent as X-Vault-Token). */
    tokenEnv: envVarName,
    /** The key's name under the mount. */
    key: keyName,
    mount: mount.default('totp'),
    /** How long to wait for a code in all (the server may hold a request until a fresh window opens). */
    timeoutSeconds: z.number().positive().max(900).default(60),
  },
  { error: unknownKey },
);

export type VaultCodeConfig = z.output<typeof vaultCodeSchema>;
export type VaultCodeConfigInput = z.input<typeof vaultCodeSchema>;
