/**
 * The portal-message classifier: one phrasing table (how real portals word
 * their errors) as data, then the decisions taken from a classified message:
 * the run's error code, whether a code may be retried, and HTTP 429.
 */
import { expect, test } from '@playwright/test';
import { EXIT_STATUS, type ErrorCode } from '../../core/errors.js';
import {
  classifyMessage,
  errorCodeFor,
  isPlainCodeRejection,
  rateLimitFromStatus,
  rateLimitHint,
  type ClassifiedMessage,
  type MessageClass,
} from '../../flows/messages.js';

type Extra = Omit<ClassifiedMessage, 'kind'>;

/** [text as a portal shows it, expected class, expected wait/attempt facts]. */
const PHRASINGS: Array<[text: string, kind: MessageClass, extra?: Extra]> = [
  // bad credentials
  ['Invalid username or password.', 'bad-credentials'], // Keycloak, Zerodha Kite, our demo
  ["The credentials you entered don't match our records", 'bad-credentials'],
  ['Incorrect password', 'bad-credentials'],
  ['User not found', 'bad-credentials'],
  ['Invalid Client Code or Password', 'bad-credentials'], // Angel One
  ['Invalid User ID or Password', 'bad-credentials'], // ICICI Direct
  ['Invalid credentials', 'bad-credentials'], // Upstox
  ['Incorrect username or password.', 'bad-credentials'], // GitHub
  ["Your account or password is incorrect. If you don't remember your password, reset it now.", 'bad-credentials'], // Microsoft
  ['Wrong password. Try again or click Forgot password to reset it.', 'bad-credentials'], // Google
  ["Couldn't find your Google Account", 'bad-credentials'], // Google
  ["That Microsoft account doesn't exist. Enter a different account or get a new one.", 'bad-credentials'],
  ['Wrong email or password.', 'bad-credentials'], // Auth0
  ['Invalid Email or password.', 'bad-credentials'], // Rails Devise
  ['Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive.', 'bad-credentials'], // Django admin
  ['Your authentication information is incorrect. Please try again.', 'bad-credentials'], // AWS console
  ['Bad credentials', 'bad-credentials'], // GitHub API
  ['The username or password you entered is incorrect.', 'bad-credentials'],
  ['Invalid login credentials', 'bad-credentials'], // Supabase
  ['Mobile number not registered', 'bad-credentials'],
  ['The email and password you entered did not match our records. Please double-check and try again.', 'bad-credentials'],
  ['  INVALID USERNAME OR PASSWORD!!  ', 'bad-credentials'],
  // code rejected
  ['Verification failed', 'code-rejected'],
  ['Wrong one-time password', 'code-rejected'],
  ['This code is invalid', 'code-rejected'],
  ['Invalid OTP', 'code-rejected'], // ICICI Direct, Upstox
  ['The code you entered is incorrect.', 'code-rejected'],
  ['Code expired', 'code-rejected'],
  ['This code has already been used. Wait for the next code.', 'code-rejected'], // our demo's replay message
  ['Invalid TOTP', 'code-rejected'], // Zerodha Kite
  ['Invalid verification code. Please try again.', 'code-rejected'], // our demo
  ['Two-factor authentication failed.', 'code-rejected'], // GitHub
  ['Wrong code. Try again.', 'code-rejected'], // Google
  ["That code didn't work. Check the code and try again.", 'code-rejected'], // Microsoft
  ["You didn't enter the expected verification code. Please try again.", 'code-rejected'], // Microsoft
  ["Your token doesn't match our records. Please try again.", 'code-rejected'], // Okta
  ['Invalid Passcode/Answer', 'code-rejected'], // Okta
  ['Invalid authenticator code.', 'code-rejected'], // Keycloak
  ['Invalid two-factor code.', 'code-rejected'], // devise-two-factor
  ['Entered token is not valid.', 'code-rejected'], // django-two-factor-auth
  ['OTP expired. Please request a new one.', 'code-rejected'],
  ['MFA code is incorrect', 'code-rejected'],
  ['\n\t× Invalid OTP.\n', 'code-rejected'],
  // locked
  ['Account locked. 0 attempts remaining', 'locked', { attemptsLeft: 0 }],
  ['Your account has been temporarily blocked.', 'locked'],
  ['Your account has been suspended.', 'locked'],
  ['Account is disabled, contact your administrator.', 'locked'], // Keycloak
  ['Too many failed attempts. Your account is locked', 'locked'],
  ['Account locked: too many failed attempts. Contact support.', 'locked'], // our demo
  ['Your account has been blocked after multiple consecutive login attempts.', 'locked'], // Auth0
  ['Your account is temporarily locked to prevent unauthorized use. Try again later, and if you still have trouble, contact your admin.', 'locked'], // Microsoft
  ['Your account has been locked for 30 minutes due to too many failed login attempts.', 'locked', { retryAfterSeconds: 1800 }],
  ['Your account has been deactivated.', 'locked'],
  ['You have no attempts left.', 'locked', { attemptsLeft: 0 }],
  ['You have been locked out due to too many failed sign-in attempts.', 'locked'],
  ['Client is blocked. Please contact customer care.', 'locked'],
  ['Your account will be unlocked in 15 minutes.', 'locked', { retryAfterSeconds: 900 }],
  ['Multiple failed login attempts. For your security, we have blocked your account for 30 min.', 'locked', { retryAfterSeconds: 1800 }],
  // attempts running out
  ['2 tries left', 'attempts-running-out', { attemptsLeft: 2 }],
  ['Only 2 more chances', 'attempts-running-out', { attemptsLeft: 2 }],
  ['Wrong OTP (2 left)', 'attempts-running-out', { attemptsLeft: 2 }],
  ['3 attempts remaining before your account is locked', 'attempts-running-out', { attemptsLeft: 3 }],
  ['Invalid code. 2 attempts left', 'attempts-running-out', { attemptsLeft: 2 }],
  ['Invalid password. 2 attempts left before your account is locked.', 'attempts-running-out', { attemptsLeft: 2 }],
  ['Invalid OTP. Your account will be locked after 1 more failed attempt.', 'attempts-running-out', { attemptsLeft: 1 }],
  ['Incorrect password. You have 4 remaining attempts.', 'attempts-running-out', { attemptsLeft: 4 }],
  ['Invalid credentials. Attempts remaining: 3', 'attempts-running-out', { attemptsLeft: 3 }],
  ['Wrong OTP. This is your last attempt.', 'attempts-running-out', { attemptsLeft: 1 }],
  ['Incorrect password. You have one more try before your account is locked.', 'attempts-running-out', { attemptsLeft: 1 }],
  ['Invalid username or password. Further failed attempts will lock your account.', 'attempts-running-out'],
  // rate limited
  ['Too many requests', 'rate-limited'],
  ['too many attempts, try again in 5 minutes', 'rate-limited', { retryAfterSeconds: 300 }],
  ['Please wait 30 seconds before trying again', 'rate-limited', { retryAfterSeconds: 30 }],
  ['Rate limit exceeded', 'rate-limited'],
  ['Too many login attempts. Please try again in 1 hour.', 'rate-limited', { retryAfterSeconds: 3600 }],
  ["You've tried to sign in too many times with an incorrect account or password.", 'rate-limited'], // Microsoft
  ['Maximum OTP attempts exceeded. Please try after 30 minutes.', 'rate-limited', { retryAfterSeconds: 1800 }],
  ['OTP request limit reached. Try again after 24 hours.', 'rate-limited', { retryAfterSeconds: 86_400 }],
  ['Too many attempts. Please try again in 1 hour and 30 minutes.', 'rate-limited', { retryAfterSeconds: 5400 }],
  ['Request was throttled. Expected available in 57 seconds.', 'rate-limited', { retryAfterSeconds: 57 }], // Django REST framework
  ['Password attempts exceeded', 'rate-limited'], // AWS Cognito
  ['You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', 'rate-limited'], // GitHub
  ['Please wait 2 minutes before requesting another OTP.', 'rate-limited', { retryAfterSeconds: 120 }],
  ['Incorrect OTP. Please try again in 30 seconds.', 'rate-limited', { retryAfterSeconds: 30 }],
  ['Invalid TOTP. Please try again after some time.', 'rate-limited'],
  ['You’ve reached the maximum number of attempts. Retry in 10 mins.', 'rate-limited', { retryAfterSeconds: 600 }],
  ['*** TOO MANY REQUESTS ***', 'rate-limited'],
  ['Your IP address has been temporarily blocked.', 'rate-limited'],
  ['Your IP has been blocked for 1 hour.', 'rate-limited', { retryAfterSeconds: 3600 }],
  ['Please wait a minute and try again', 'rate-limited', { retryAfterSeconds: 60 }],
  // captcha
  ['Please verify you are human', 'captcha'],
  ["I'm not a robot", 'captcha'],
  ['Please complete the captcha', 'captcha'],
  ['Verify you are human by completing the action below.', 'captcha'], // Cloudflare
  ['Our systems have detected unusual traffic from your computer network.', 'captcha'], // Google
  ['Incorrect captcha. Please try again.', 'captcha'],
  ['reCAPTCHA verification failed, please try again.', 'captcha'],
  // session conflict
  ['You are already logged in elsewhere', 'session-conflict'],
  ['You are already signed in on another device.', 'session-conflict'],
  ['You have an active session on another device.', 'session-conflict'],
  ['Already logged in on another device. Do you want to continue here?', 'session-conflict'],
  ['Another session is active for this user. Log out of it to continue.', 'session-conflict'],
  ['Concurrent logins are not allowed.', 'session-conflict'],
  ['Your session was ended because you signed in from another browser.', 'session-conflict'],
  // ip not allowed: the address the login came from is not the one registered for the account
  ['IP not allowed', 'ip-not-allowed'],
  ['Request from an unregistered IP address.', 'ip-not-allowed'], // our demo's login API
  ['Access denied: requests from this IP address are not allowed for this account.', 'ip-not-allowed'], // our demo's login page
  ['Access denied from this IP', 'ip-not-allowed'],
  ['Request from unauthorised IP', 'ip-not-allowed'],
  ['Your IP 203.0.113.7 is not whitelisted for API access.', 'ip-not-allowed'],
  ['Login is not permitted from this IP address. Please register your static IP.', 'ip-not-allowed'],
  ['The IP address is not registered for this client.', 'ip-not-allowed'],
  ['Invalid source IP', 'ip-not-allowed'],
  ['IP whitelist check failed', 'ip-not-allowed'],
  ['Your IP address is not in the allowlist. Too many requests from unknown addresses are blocked.', 'ip-not-allowed'], // wins over the throttle words
  // unclassified: the caller decides by stage
  ['Something went wrong. Please try again later.', 'unclassified'],
  ['Invalid CSRF token', 'unclassified'], // our demo's form-expiry page
  ['Invalid authenticity token', 'unclassified'], // Rails
  ['Please enable JavaScript; cookies are disabled in this browser.', 'unclassified'],
  ['Invalid PIN', 'unclassified'], // a password at some brokers, the second factor at others
  ['Authentication failed', 'unclassified'],
  ['Service temporarily unavailable', 'unclassified'],
  ['Codes are valid for 30 seconds.', 'unclassified'],
  ['Wait 10 seconds for the next code.', 'unclassified'],
  ['Please log in again from the registered device.', 'unclassified'], // a device, not an address
  ['Zip code is not valid', 'unclassified'], // zip is not ip
  ['', 'unclassified'],
];

test.describe('classifyMessage', () => {
  for (const [text, kind, extra = {}] of PHRASINGS) {
    test(`${JSON.stringify(text)} → ${kind}${Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : ''}`, () => {
      expect(classifyMessage(text)).toEqual({ kind, ...extra });
    });
  }

  test('the table covers every class with real phrasings', () => {
    const counts = new Map<MessageClass, number>();
    for (const [, kind] of PHRASINGS) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    expect(PHRASINGS.length).toBeGreaterThanOrEqual(70);
    for (const kind of ['bad-credentials', 'code-rejected', 'locked', 'attempts-running-out', 'rate-limited', 'captcha', 'session-conflict', 'ip-not-allowed', 'unclassified'] satisfies MessageClass[]) {
      expect(counts.get(kind) ?? 0, kind).toBeGreaterThanOrEqual(5);
    }
  });
});

test('errorCodeFor: what a run ends with, per class and stage', () => {
  const rows: Array<[MessageClass, credentials: ErrorCode | undefined, code: ErrorCode | undefined]> = [
    ['bad-credentials', 'BAD_CREDENTIALS', 'CODE_REJECTED'], // after the code the password was already accepted
    ['code-rejected', 'CODE_REJECTED', 'CODE_REJECTED'],
    ['locked', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED'],
    ['attempts-running-out', 'BAD_CREDENTIALS', 'CODE_REJECTED'],
    ['rate-limited', 'RATE_LIMITED', 'RATE_LIMITED'],
    ['captcha', 'CAPTCHA', 'CAPTCHA'],
    ['session-conflict', undefined, undefined],
    ['ip-not-allowed', 'IP_NOT_ALLOWED', 'IP_NOT_ALLOWED'],
    ['unclassified', undefined, undefined],
  ];
  for (const [kind, credentials, code] of rows) {
    expect(errorCodeFor('credentials', { kind }), `credentials: ${kind}`).toBe(credentials);
    expect(errorCodeFor('code', { kind }), `code: ${kind}`).toBe(code);
  }
  expect(errorCodeFor('code', classifyMessage('Invalid OTP. 2 attempts left'))).toBe('CODE_REJECTED');
  expect(errorCodeFor('credentials', classifyMessage('Too many attempts, try again in 30 minutes'))).toBe('RATE_LIMITED');
});

test('RATE_LIMITED exits 13, a status of its own', () => {
  expect(EXIT_STATUS.RATE_LIMITED).toBe(13);
  const others = Object.entries(EXIT_STATUS).filter(([code]) => code !== 'RATE_LIMITED');
  expect(others.map(([, status]) => status)).not.toContain(13);
});

test('rateLimitHint says how long to wait, and that nothing was retried', () => {
  expect(rateLimitHint(classifyMessage('too many attempts, try again in 5 minutes'))).toBe('Wait 300 s before the next run; portal-login did not retry.');
  expect(rateLimitHint(classifyMessage('Too many requests'))).toBe('Wait before the next run (the portal did not say how long); portal-login did not retry.');
});

test.describe('isPlainCodeRejection', () => {
  test('a code plainly wrong, expired or used may be retried once', () => {
    for (const text of ['Invalid OTP', 'The code has expired', 'This code has already been used. Wait for the next code.', 'Incorrect OTP', 'Invalid verification code. Please try again.']) {
      expect(isPlainCodeRejection(classifyMessage(text)), text).toBe(true);
    }
  });

  test('anything about attempts, locks or waits is not retried', () => {
    const texts = [
      'Invalid code. 2 attempts left',
      'Invalid OTP. Your account will be locked after 1 more failed attempt.',
      'Invalid TOTP. Please try again after some time.',
      'Too many login attempts, please wait 15 minutes',
      'Account locked: too many failed attempts. Contact support.',
      'Invalid username or password', // not the code at all
      'Please complete the captcha',
      'Something went wrong',
    ];
    for (const text of texts) expect(isPlainCodeRejection(classifyMessage(text)), text).toBe(false);
  });

  test('a code rejection that carries a wait or a count is not plain either', () => {
    expect(isPlainCodeRejection({ kind: 'code-rejected' })).toBe(true);
    expect(isPlainCodeRejection({ kind: 'code-rejected', attemptsLeft: 2 })).toBe(false);
    expect(isPlainCodeRejection({ kind: 'code-rejected', retryAfterSeconds: 30 })).toBe(false);
  });
});

test.describe('rateLimitFromStatus', () => {
  const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

  test('429 without Retry-After → rate-limited, no wait', () => {
    expect(rateLimitFromStatus(429)).toEqual({ kind: 'rate-limited' });
    expect(rateLimitFromStatus(429, 'soon', NOW)).toEqual({ kind: 'rate-limited' });
  });

  test('429 with Retry-After in seconds', () => {
    expect(rateLimitFromStatus(429, '120', NOW)).toEqual({ kind: 'rate-limited', retryAfterSeconds: 120 });
    expect(rateLimitFromStatus(429, ' 0 ', NOW)).toEqual({ kind: 'rate-limited', retryAfterSeconds: 0 });
  });

  test('429 with Retry-After as an HTTP date, measured from now', () => {
    expect(rateLimitFromStatus(429, 'Wed, 15 Jan 2025 12:01:30 GMT', NOW)).toEqual({ kind: 'rate-limited', retryAfterSeconds: 90 });
    expect(rateLimitFromStatus(429, 'Wed, 15 Jan 2025 11:59:00 GMT', NOW)).toEqual({ kind: 'rate-limited', retryAfterSeconds: 0 });
  });

  test('any other status is not a rate limit, even with Retry-After', () => {
    expect(rateLimitFromStatus(200)).toBeUndefined();
    expect(rateLimitFromStatus(503, '120', NOW)).toBeUndefined();
  });
});
