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
  if (/\b(before|will be|attempts? (left|remaining)|remaining attempts?)\b/i.test(message)) return false;
  return /\b(locked|suspended|blocked|disabled)\b|too many (failed |unsuccessful |invalid )?(attempts|tries|requests)/i.test(message);
}
