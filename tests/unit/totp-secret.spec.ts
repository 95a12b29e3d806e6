/**
 * What users paste as a TOTP secret: messy base32 or an otpauth:// URI.
 * Every rejection is SECRET_INVALID, names where the secret came from, and
 * never repeats the secret.
 */
import { expect, test } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { PortalLoginError } from '../../core/errors.js';
import { codeAt } from '../../totp/code.js';
import { normalizeBase32, resolveTotpSpec, TOTP_DEFAULTS, type TotpParams } from '../../totp/spec.js';

const CLEAN = 'JBSWY3DPEHPK3PXPGEZDGNBVGY3TQOJQ'; // 20 bytes
const SOURCE = 'ACME_TOTP_SECRET (accounts.main.totpSecretEnv)';
const NOW = Date.UTC(2026, 0, 5, 9, 0, 10);

/** Runs `fn`, expects SECRET_INVALID naming SOURCE, and checks no part of `secret` leaks. */
function expectSecretInvalid(fn: () => unknown, secret: string): PortalLoginError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PortalLoginError);
  const error = caught as PortalLoginError;
  expect(error.code).toBe('SECRET_INVALID');
  expect(error.message).toContain(SOURCE);
  const said = `${error.message}\n${error.hint ?? ''}`;
  // The whole secret, and any 8-character run of it (raw or upper-cased), must not appear.
  for (const text of [secret, secret.toUpperCase()]) {
    if (text.length >= 8) for (let i = 0; i + 8 <= text.length; i++) expect(said).not.toContain(text.slice(i, i + 8));
    else if (text.trim()) expect(said).not.toContain(text);
  }
  return error;
}

test.describe('base32 input', () => {
  const padded = (() => {
    const base32 = new Secret({ buffer: new Uint8Array(16).fill(0x5a).buffer }).base32.replace(/=+$/, '');
    return { base32, padded: `${base32}======` };
  })();

  const variants: Array<[label: string, input: string, clean: string]> = [
    ['groups of four with spaces', 'JBSW Y3DP EHPK 3PXP GEZD GNBV GY3T QOJQ', CLEAN],
    ['lower case', CLEAN.toLowerCase(), CLEAN],
    ['dashes', 'JBSW-Y3DP-EHPK-3PXP-GEZD-GNBV-GY3T-QOJQ', CLEAN],
    ['tabs, newline and surrounding blanks', `  jbsw y3dp\tEHPK 3pxp\nGEZDGNBVGY3TQOJQ  `, CLEAN],
    ['"=" padding', padded.padded, padded.base32],
  ];
  for (const [label, input, clean] of variants) {
    test(`${label}: accepted and gives the same codes as the clean form`, () => {
      expect(normalizeBase32(input, SOURCE)).toBe(clean);
      const messy = resolveTotpSpec(input, {}, SOURCE);
      const tidy = resolveTotpSpec(clean, {}, SOURCE);
      expect(messy.secret.base32).toBe(tidy.secret.base32);
      for (const t of [NOW, NOW + 30_000, NOW + 60_000]) expect(codeAt(messy, t)).toBe(codeAt(tidy, t));
      expect(codeAt(messy, NOW)).toBe(TOTP.generate({ secret: Secret.fromBase32(clean), timestamp: NOW }));
    });
  }

  for (const bad of ['0', '1', '8', '9', '!']) {
    test(`"${bad}" is not base32 → SECRET_INVALID without the secret`, () => {
      const input = `${CLEAN.slice(0, 10)}${bad}${CLEAN.slice(11)}`;
      const error = expectSecretInvalid(() => resolveTotpSpec(input, {}, SOURCE), input);
      expect(error.message).toMatch(/base32/);
    });
  }

  test('empty or blank → SECRET_INVALID', () => {
    for (const input of ['', '   ', ' - - ']) {
      const error = expectSecretInvalid(() => resolveTotpSpec(input, {}, SOURCE), input);
      expect(error.message).toMatch(/empty/);
    }
  });

  test('too short (under 16 base32 characters = 80 bits) → SECRET_INVALID; 16 is enough', () => {
    const short = CLEAN.slice(0, 15);
    const error = expectSecretInvalid(() => resolveTotpSpec(short, {}, SOURCE), short);
    expect(error.message).toMatch(/too short/);
    expect(normalizeBase32(CLEAN.slice(0, 16), SOURCE)).toBe(CLEAN.slice(0, 16));
  });
});

test.describe('otpauth:// URIs', () => {
  const defaults: TotpParams = { digits: 7, period: 45, algorithm: 'SHA512' };
  const reference = (params: TotpParams) =>
    TOTP.generate({ secret: Secret.fromBase32(CLEAN), ...params, timestamp: NOW });

  test('digits, period and algorithm come from the URI', () => {
    const uri = `otpauth://totp/ACME:alice@example.com?secret=${CLEAN}&issuer=ACME&digits=8&period=60&algorithm=SHA256`;
    const spec = resolveTotpSpec(uri, { portal: defaults }, SOURCE);
    expect({ digits: spec.digits, period: spec.period, algorithm: spec.algorithm }).toEqual({ digits: 8, period: 60, algorithm: 'SHA256' });
    expect(spec.secret.base32).toBe(CLEAN);
    const code = codeAt(spec, NOW);
    expect(code).toBe(reference({ digits: 8, period: 60, algorithm: 'SHA256' }));
    expect(code).toHaveLength(8);
  });

  test('parameters missing from the URI fall back to the given defaults, not otpauth\'s', () => {
    const bare = resolveTotpSpec(`otpauth://totp/ACME:alice?secret=${CLEAN}`, { portal: defaults }, SOURCE);
    expect({ digits: bare.digits, period: bare.period, algorithm: bare.algorithm }).toEqual(defaults);
    expect(codeAt(bare, NOW)).toBe(reference(defaults));

    const some = resolveTotpSpec(`otpauth://totp/ACME:alice?secret=${CLEAN}&digits=8`, { portal: defaults }, SOURCE);
    expect({ digits: some.digits, period: some.period, algorithm: some.algorithm }).toEqual({ ...defaults, digits: 8 });
    expect(codeAt(some, NOW)).toBe(reference({ ...defaults, digits: 8 }));
  });

  test('surrounding blanks and an upper-case scheme are accepted', () => {
    const spec = resolveTotpSpec(`  OTPAUTH://totp/ACME:alice?secret=${CLEAN}&period=60 \n`, { portal: defaults }, SOURCE);
    expect(spec.period).toBe(60);
    expect(codeAt(spec, NOW)).toBe(reference({ ...defaults, period: 60 }));
  });

  test('an HOTP URI is rejected', () => {
    const uri = `otpauth://hotp/ACME:alice?secret=${CLEAN}&counter=3`;
    const error = expectSecretInvalid(() => resolveTotpSpec(uri, { portal: defaults }, SOURCE), CLEAN);
    expect(error.message).toMatch(/HOTP/);
  });

  for (const algorithm of ['SHA3-256', 'MD5', 'sha224']) {
    test(`unsupported algorithm ${algorithm} → SECRET_INVALID naming it, with a hint listing SHA1/SHA256/SHA512`, () => {
      const uri = `otpauth://totp/ACME:alice?secret=${CLEAN}&algorithm=${algorithm}`;
      const error = expectSecretInvalid(() => resolveTotpSpec(uri, { portal: defaults }, SOURCE), CLEAN);
      expect(error.message).toContain(`uses algorithm ${algorithm}, which portal-login does not support`);
      expect(error.hint).toContain('Supported algorithms: SHA1, SHA256, SHA512.');
    });
  }

  test('a secret that ended up after algorithm= is not repeated', () => {
    const uri = `otpauth://totp/ACME:alice?digits=6&algorithm=${CLEAN}`;
    const error = expectSecretInvalid(() => resolveTotpSpec(uri, { portal: defaults }, SOURCE), CLEAN);
    expect(error.message).toContain('uses an unreadable algorithm');
  });

  test('lower-case algorithm names are accepted', () => {
    const spec = resolveTotpSpec(`otpauth://totp/ACME:alice?secret=${CLEAN}&algorithm=sha512`, {}, SOURCE);
    expect(spec.algorithm).toBe('SHA512');
    expect(codeAt(spec, NOW)).toBe(reference({ ...TOTP_DEFAULTS, algorithm: 'SHA512' }));
  });

  const malformed: Array<[label: string, uri: string]> = [
    ['no secret', 'otpauth://totp/ACME:alice?issuer=ACME&digits=6'],
    ['invalid secret', `otpauth://totp/ACME:alice?secret=${CLEAN.slice(0, 20)}0189`],
    ['bad period', `otpauth://totp/ACME:alice?secret=${CLEAN}&period=soon`],
    ['bad digits', `otpauth://totp/ACME:alice?secret=${CLEAN}&digits=many`],
    ['not a URI', `otpauth:${CLEAN}`],
    ['unsupported algorithm', `otpauth://totp/ACME:alice?secret=${CLEAN}&algorithm=SHA3-256`],
  ];
  for (const [label, uri] of malformed) {
    test(`malformed URI (${label}) → SECRET_INVALID without the secret`, () => {
      const error = expectSecretInvalid(() => resolveTotpSpec(uri, { portal: defaults }, SOURCE), CLEAN);
      expect(error.message).toMatch(/otpauth URI/);
    });
  }
});
