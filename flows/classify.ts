import type { ErrorCode } from '../core/errors.js';

/**
 * Maps an error message shown by the portal to what went wrong. The stage
 * decides the default: after the password it is the credentials, after the
 * code it is the code. Lockouts and captchas win at any stage because
 * retrying them makes things worse.
 */
export function classifyPortalError(stage: 'credentials' | 'code', message: string): ErrorCode {
  if (isLockout(message)) return 'ACCOUNT_LOCKED';
  if (/captcha|robot|verify (that )?you are (a )?human/i.test(message)) return 'CAPTCHA';
  return stage === 'credentials' ? 'BAD_CREDENTIALS' : 'CODE_REJECTED';
}

/** "Account locked", "too many attempts" — but not a warning like "2 attempts left before your account is locked". */
function isLockout(message: string): boolean {
  if (/too many\b/i.test(message)) return true;
  if (/\b(before|will be|attempts? (left|remaining)|remaining attempts?)\b/i.test(message)) return false;
  return /\b(locked|suspended|blocked|disabled)\b/i.test(message);
}

/**
 * Whether a rejected code may be retried (once, with a new window): only when
 * the portal plainly says the code was wrong, expired or used, and says
 * nothing about attempts running out, locking, or waiting.
 */
export function isRetryableCodeRejection(message: string): boolean {
  if (classifyPortalError('code', message) !== 'CODE_REJECTED') return false;
  if (/attempts?\b|lock|try again (later|after|in)|\blater\b|\d+\s*(sec|min|hour)|wait (a |some|\d)/i.test(message)) return false;
  return /\b(invalid|incorrect|wrong (code|otp|totp|token)|expired|already (been )?used|mismatch|not valid|verification failed)\b/i.test(message);
}
