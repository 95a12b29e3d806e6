/**
 * The demo portal's accounts. Every value here is public on purpose: the demo
 * exists so anyone can try portal-login without a real broker account.
 */
import { createHash } from 'node:crypto';
import { Secret } from 'otpauth';
import { IP_BOUND_USERNAMES } from './egress.js';

export interface DemoUser {
  username: string;
  password: string;
  /** Base32 TOTP secret (SHA1, 6 digits, 30 s period). */
  totpSecret: string;
}

/** The one password shared by every demo user. */
export const DEMO_PASSWORD = 'demo-pass-2026';

/** The app (API) key the demo's login API wants in Et-App-Key (demo-portal/api.ts); as public as the password. */
export const DEMO_APP_KEY = 'demo-app-key-2026';

/** The secret most authenticator tutorials use, so `demo` is easy to type into a phone app. */
const DEMO_MAIN_SECRET = 'JBSWY3DPEHPK3PXP';

/**
 * `demo` plus `demo01`..`demo60`: enough distinct users for parallel tests and
 * for the 50-account concurrency bench (each user logs in once per TOTP window).
 */
export const DEMO_USERNAMES: readonly string[] = Object.freeze([
  'demo',
  ...Array.from({ length: 60 }, (_, i) => `demo${String(i + 1).padStart(2, '0')}`),
]);

/**
 * Fixed secret for the numbered users: base32 of sha1('portal-login-demo:' + name),
 * 32 characters. Derived rather than listed so the table cannot drift out of sync.
 */
function derivedSecret(username: string): string {
  const digest = createHash('sha1').update(`portal-login-demo:${username}`).digest();
  return new Secret({ buffer: new Uint8Array(digest).buffer }).base32;
}

/** The user with that name, or undefined (the server answers unknown names like wrong passwords). */
export function findDemoUser(username: string): DemoUser | undefined {
  if (!DEMO_USERNAMES.includes(username) && !IP_BOUND_USERNAMES.includes(username)) return undefined;
  const totpSecret = username === 'demo' ? DEMO_MAIN_SECRET : derivedSecret(username);
  return { username, password: DEMO_PASSWORD, totpSecret };
}

/** The demo user with that name; throws for names outside DEMO_USERNAMES and IP_BOUND_USERNAMES. */
export function demoUser(username: string): DemoUser {
  const user = findDemoUser(username);
  if (!user) {
    throw new Error(
      `Unknown demo user "${username}". Use "demo", one of "demo01".."demo60", or an IP-bound "static01".."static04".`,
    );
  }
  return user;
}
