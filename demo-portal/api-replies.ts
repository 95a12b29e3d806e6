/**
 * What the demo's login API answers for each failure: its own status and
 * body each, a machine-readable `error` and a sentence, the way broker
 * APIs document them. The API flow's tests assert one exit status per row.
 */
export type ApiFailure =
  | 'missing-app-key'
  | 'invalid-app-key'
  | 'invalid-credentials'
  | 'locked'
  | 'rate-limited'
  | 'missing-token'
  | 'invalid-token'
  | 'expired-token'
  | 'missing-code'
  | 'invalid-code'
  | 'expired-code'
  | 'replayed-code'
  | 'ip-not-allowed';

export interface ApiReplySpec {
  status: number;
  error: string;
  /** The sentence; the rate limit's names its wait (seconds). */
  message: (retryAfterSeconds?: number) => string;
}

const says = (text: string) => () => text;

export const API_REPLIES: Readonly<Record<ApiFailure, ApiReplySpec>> = {
  'missing-app-key': { status: 401, error: 'MISSING_APP_KEY', message: says('The Et-App-Key header is required.') },
  'invalid-app-key': { status: 401, error: 'INVALID_APP_KEY', message: says('Invalid app key.') },
  'invalid-credentials': { status: 401, error: 'INVALID_CREDENTIALS', message: says('Invalid username or password.') },
  locked: { status: 423, error: 'ACCOUNT_LOCKED', message: says('Account locked: too many failed attempts. Contact support.') },
  'rate-limited': { status: 429, error: 'TOO_MANY_REQUESTS', message: (s) => `Too many failed attempts. Try again in ${s ?? 60} seconds.` },
  'missing-token': { status: 401, error: 'MISSING_TOKEN', message: says('An Authorization: Bearer header with the interim token is required.') },
  'invalid-token': { status: 401, error: 'INVALID_TOKEN', message: says('Invalid interim token. Log in again.') },
  'expired-token': { status: 401, error: 'TOKEN_EXPIRED', message: says('The interim token has expired. Log in again.') },
  'missing-code': { status: 400, error: 'MISSING_VERIFICATION_CODE', message: says('The VerificationCode header is required.') },
  'invalid-code': { status: 401, error: 'INVALID_OTP', message: says('Invalid verification code.') },
  'expired-code': { status: 401, error: 'OTP_EXPIRED', message: says('The verification code has expired.') },
  'replayed-code': { status: 401, error: 'OTP_ALREADY_USED', message: says('This verification code has already been used.') },
  'ip-not-allowed': { status: 403, error: 'IP_NOT_ALLOWED', message: says('Request from an unregistered IP address.') },
};

/** Failed attempts (password or code) per username within the window after which the API answers 429. */
export const API_RATE_LIMIT = { failures: 3, windowSeconds: 60 } as const;
