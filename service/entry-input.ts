import { URI } from 'otpauth';
import { PortalLoginError } from '../core/errors.js';
import { resolveTotpSpec, type TotpAlgorithm } from '../totp/spec.js';
import { isValidName, type VaultEntry } from './vault-model.js';

/** A new entry as `POST /v1/totp/keys/:name` or `vault add` gives it: an otpauth URI, or a base32 key and parameters. */
export interface EntryInput {
  name: string;
  /** `otpauth://totp/...`; its issuer, label and parameters are used unless given below. */
  url?: string | undefined;
  /** Base32 secret. */
  key?: string | undefined;
  issuer?: string | undefined;
  accountName?: string | undefined;
  period?: number | undefined;
  digits?: number | undefined;
  algorithm?: TotpAlgorithm | undefined;
}

/**
 * Validates and normalises a new entry; throws PortalLoginError (USAGE or
 * SECRET_INVALID, never quoting the secret). Codes come from totp/, so what
 * the service hands out is what `portal-login totp` would print.
 */
export function buildEntry(input: EntryInput, nowMs: number, source: string): VaultEntry {
  assertName(input.name, 'entry');
  const secretText = input.url ?? input.key;
  if ((input.url === undefined) === (input.key === undefined) || secretText === undefined) {
    throw new PortalLoginError('USAGE', 'Give exactly one of an otpauth URI (url) or a base32 secret (key).');
  }
  if (input.key !== undefined && /^otpauth:/i.test(input.key.trim())) {
    throw new PortalLoginError('USAGE', 'The key field takes a base32 secret; put an otpauth:// URI in the url field.');
  }
  if (input.url !== undefined && !/^otpauth:/i.test(input.url.trim())) {
    throw new PortalLoginError('SECRET_INVALID', `The url from ${source} is not an otpauth://totp/ URI.`);
  }
  const flags = { period: input.period, digits: input.digits, algorithm: input.algorithm };
  const spec = resolveTotpSpec(secretText, { flags }, source);
  if (!Number.isInteger(spec.period) || spec.period < 10 || spec.period > 300) throw new PortalLoginError('USAGE', `period must be a whole number of seconds from 10 to 300 (got ${spec.period}).`);
  if (!Number.isInteger(spec.digits) || spec.digits < 6 || spec.digits > 10) throw new PortalLoginError('USAGE', `digits must be a whole number from 6 to 10 (got ${spec.digits}).`);
  const label = input.url !== undefined ? uriLabel(input.url.trim()) : { issuer: '', accountName: '' };
  return {
    name: input.name,
    secret: spec.secret.base32,
    issuer: input.issuer ?? label.issuer,
    accountName: input.accountName ?? label.accountName,
    period: spec.period,
    digits: spec.digits,
    algorithm: spec.algorithm,
    createdAt: new Date(nowMs).toISOString(),
  };
}

/** USAGE unless `name` is a valid entry or token name. */
export function assertName(name: string, what: 'entry' | 'token'): void {
  if (!isValidName(name)) {
    // Shown only when short and printable: a mistyped secret must not come back in an error.
    const shown = /^[\x20-\x7e]{1,64}$/.test(name) ? ` "${name}"` : '';
    throw new PortalLoginError('USAGE', `The ${what} name${shown} is not valid: use 1-64 characters from A-Z a-z 0-9 . _ - (not "." or "..").`);
  }
}

function uriLabel(url: string): { issuer: string; accountName: string } {
  const parsed = URI.parse(url); // already checked by resolveTotpSpec
  return { issuer: parsed.issuer, accountName: parsed.label };
}
