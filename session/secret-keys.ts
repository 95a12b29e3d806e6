/**
 * Bearer tokens, interim tokens, session ids and CSRF tokens travel under a
 * handful of key names: in JSON bodies, form fields, query strings, headers
 * and cookies. Their values are secrets whether or not the run ever learned
 * them (an SPA's interim token lives only in the page's memory), so the
 * trace scrubber redacts them by key name.
 */

/** Compared without case, `_`, `-` or spaces: accessToken, access_token and Access-Token are one key. */
const normalize = (key: string) => key.toLowerCase().replace(/[\s_-]/g, '');

/** Endings that name a credential: interimToken, refresh_token, id_token, X-CSRF-Token, clientSecret, apiKey, demo_session, JSESSIONID, Set-Cookie. */
const SECRET_ENDING = /(token|tokens|jwt|secret|password|passwd|apikey|csrf|xsrf|session|sessionid|sid|cookie)$/;

/** Whole names that hold a credential or a one-time code. */
const SECRET_NAMES: ReadonlySet<string> = new Set([
  'auth',
  'authorization',
  'proxyauthorization',
  'assertion',
  'samlresponse',
  'credential',
  'credentials',
  'otp',
  'totp',
  'passcode',
  'pin',
]);

/**
 * True when a JSON key, form field, header or cookie name says its value is
 * a credential. `token_type`, `expires_in` and `hasToken`'s boolean are
 * not; callers only blank string values.
 */
export function isSecretKey(key: string): boolean {
  const name = normalize(key);
  return SECRET_ENDING.test(name) || SECRET_NAMES.has(name);
}
