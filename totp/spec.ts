import { Secret, URI, TOTP } from 'otpauth';
import { PortalLoginError } from '../core/errors.js';
import { TOTP_DEFAULTS, type TotpAlgorithm, type TotpParams } from './defaults.js';

export { TOTP_DEFAULTS, type TotpAlgorithm, type TotpParams };

export interface TotpSpec extends TotpParams {
  secret: Secret;
}

/** The parameters one layer sets; a missing or undefined key falls through to the next layer. */
export type TotpOverrides = { readonly [K in keyof TotpParams]?: TotpParams[K] | undefined };

/** Where TOTP parameters are set, besides an otpauth URI in the secret itself. */
export interface TotpLayers {
  /** `portal-login totp --digits/--period/--algorithm`. */
  flags?: TotpOverrides | undefined;
  /** `accounts.NAME.totp`. */
  account?: TotpOverrides | undefined;
  /** `portals.NAME.totp`. */
  portal?: TotpOverrides | undefined;
}

const BASE32 = /^[A-Z2-7]+$/;

/**
 * The one merge of TOTP parameters. Per parameter, the first that is set
 * wins: command-line flags > the otpauth URI's own digits/period/algorithm
 * (when the secret is an `otpauth://totp/...` URI) > the account's `totp:` >
 * the portal's `totp:` > TOTP_DEFAULTS. Flags win over the URI because the
 * person typing them is looking at the portal now. The secret may be base32
 * with spaces/lower case, or the URI. `source` names where the secret came
 * from for error messages; the secret itself never appears in an error.
 */
export function resolveTotpSpec(input: string, layers: TotpLayers, source: string): TotpSpec {
  const { secret, uriParams } = readSecret(input, source);
  const order = [layers.flags, uriParams, layers.account, layers.portal];
  return { secret, digits: firstSet('digits', order), period: firstSet('period', order), algorithm: firstSet('algorithm', order) };
}

function firstSet<K extends keyof TotpParams>(key: K, layers: readonly (TotpOverrides | undefined)[]): TotpParams[K] {
  for (const layer of layers) {
    const value = layer?.[key];
    if (value !== undefined) return value;
  }
  return TOTP_DEFAULTS[key];
}

interface ReadSecret {
  secret: Secret;
  /** Only what the URI states explicitly: otpauth's own defaults must not hide the config's. */
  uriParams: TotpOverrides;
}

function readSecret(input: string, source: string): ReadSecret {
  const trimmed = input.trim();
  if (/^otpauth:/i.test(trimmed)) return parseUri(trimmed, source);
  return { secret: Secret.fromBase32(normalizeBase32(trimmed, source)), uriParams: {} };
}

/** Upper-cases, drops spaces, dashes and '=' padding; throws SECRET_INVALID on anything else. */
export function normalizeBase32(input: string, source: string): string {
  const cleaned = input.replace(/[\s-]+/g, '').replace(/=+$/, '').toUpperCase();
  if (cleaned.length === 0) {
    throw new PortalLoginError('SECRET_INVALID', `The TOTP secret from ${source} is empty.`, {
      hint: 'Paste the base32 secret shown when you set up the authenticator (letters A-Z and digits 2-7), or the full otpauth://totp/ URI.',
    });
  }
  if (!BASE32.test(cleaned)) {
    const bad = [...cleaned].filter((c) => !/[A-Z2-7]/.test(c)).length;
    throw new PortalLoginError(
      'SECRET_INVALID',
      `The TOTP secret from ${source} is not valid base32: ${bad} character(s) outside A-Z and 2-7.`,
      { hint: 'Base32 secrets use only letters A-Z and digits 2-7 (0, 1, 8 and 9 never occur). Check for a copy/paste mistake, or use the otpauth://totp/ URI from the QR code.' },
    );
  }
  if ((cleaned.length * 5) / 8 < 10) {
    throw new PortalLoginError('SECRET_INVALID', `The TOTP secret from ${source} is too short (${cleaned.length} base32 characters; at least 16 expected).`, {
      hint: 'Check that the whole secret was copied.',
    });
  }
  return cleaned;
}

const ALGORITHMS: readonly TotpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];

function isTotpAlgorithm(name: string): name is TotpAlgorithm {
  return (ALGORITHMS as readonly string[]).includes(name);
}

function unsupportedAlgorithm(requested: string, source: string): PortalLoginError {
  // Repeated only when short like an algorithm name (SHA3-256): in a mangled URI a secret could follow algorithm=.
  const shown = /^[A-Za-z0-9-]{1,10}$/.test(requested) ? `algorithm ${requested}` : 'an unreadable algorithm';
  return new PortalLoginError('SECRET_INVALID', `The otpauth URI from ${source} uses ${shown}, which portal-login does not support.`, {
    hint: `Supported algorithms: ${ALGORITHMS.join(', ')}. Set algorithm= in the URI to the one the portal uses, or leave it out to use totp.algorithm from the config (--algorithm for \`portal-login totp\`; default ${TOTP_DEFAULTS.algorithm}, what most portals use).`,
  });
}

function parseUri(uri: string, source: string): ReadSecret {
  const explicit = new URLSearchParams(uri.split('?')[1] ?? '');
  // Checked before otpauth parses the URI: it rejects some names (MD5) with a generic message and accepts others (SHA3-256).
  const requested = explicit.get('algorithm');
  if (requested !== null && !isTotpAlgorithm(requested.toUpperCase())) throw unsupportedAlgorithm(requested, source);
  let parsed: ReturnType<typeof URI.parse>;
  try {
    parsed = URI.parse(uri);
  } catch (error) {
    // otpauth's messages name the parameter, never its value, so they are safe to repeat.
    const reason = error instanceof Error ? error.message : 'unreadable';
    throw new PortalLoginError('SECRET_INVALID', `The otpauth URI from ${source} is malformed: ${reason}.`, {
      hint: 'Expected otpauth://totp/LABEL?secret=BASE32[&digits=6&period=30&algorithm=SHA1]. Copy it again from the QR code export.',
    });
  }
  if (!(parsed instanceof TOTP)) {
    throw new PortalLoginError('SECRET_INVALID', `The otpauth URI from ${source} is for HOTP (counter based), not TOTP.`, {
      hint: 'portal-login generates time-based codes; use an otpauth://totp/ URI.',
    });
  }
  const algorithm = parsed.algorithm.toUpperCase();
  if (!isTotpAlgorithm(algorithm)) throw unsupportedAlgorithm(algorithm, source);
  return {
    secret: parsed.secret,
    uriParams: {
      digits: explicit.has('digits') ? parsed.digits : undefined,
      period: explicit.has('period') ? parsed.period : undefined,
      algorithm: explicit.has('algorithm') ? algorithm : undefined,
    },
  };
}
