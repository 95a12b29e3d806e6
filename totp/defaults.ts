/**
 * The TOTP defaults, in one place: the config schema fills them in, the
 * `totp` command's help names them, and resolveTotpSpec falls back to them.
 * No imports, so the CLI's entry point can read them without loading otpauth.
 */

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** Everything besides the secret that is needed to compute a code. */
export interface TotpParams {
  digits: number;
  /** Window length in seconds. */
  period: number;
  algorithm: TotpAlgorithm;
}

/** RFC 6238's parameters, which most portals use. */
export const TOTP_DEFAULTS: Readonly<TotpParams> = { digits: 6, period: 30, algorithm: 'SHA1' };

/** Seconds a submitted code must still be valid for, unless `totp.minSecondsLeft` says otherwise. */
export const DEFAULT_MIN_SECONDS_LEFT = 5;
