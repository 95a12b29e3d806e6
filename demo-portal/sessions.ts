/**
 * All mutable state of one demo portal instance. Nothing lives at module
 * level, so every test can start its own portal and reuse the same user names.
 */
import { randomBytes } from 'node:crypto';
import { ScreenVariantsState, type DemoMailOptions } from './variants/state.js';

/** What the server remembers about one submitted username. */
export interface UserRecord {
  /** Password and code failures together; at LOCKOUT_THRESHOLD the account locks. */
  failures: number;
  /** Newest TOTP step accepted for this user; -Infinity before the first login. */
  lastAcceptedStep: number;
  /** Every code received, in order (lets tests prove a client never resends one). */
  submittedCodes: string[];
  /** Every password submission received. */
  loginAttempts: number;
}

/** Failures (password or code) after which every further attempt is refused. */
export const LOCKOUT_THRESHOLD = 5;

/** Opaque random token, like a real session id. */
export function randomToken(): string {
  return randomBytes(16).toString('hex');
}

/** Tokens that map to a value until they expire on the portal's clock. */
export class TokenStore<T> {
  private readonly entries = new Map<string, { value: T; expiresAtMs: number }>();

  constructor(
    private readonly now: () => number,
    /** Lifetime of each token in milliseconds. */
    private readonly ttlMs: number,
  ) {}

  issue(value: T): string {
    const token = randomToken();
    this.entries.set(token, { value, expiresAtMs: this.now() + this.ttlMs });
    return token;
  }

  get(token: string | undefined): T | undefined {
    if (!token) return undefined;
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  delete(token: string | undefined): void {
    if (token) this.entries.delete(token);
  }
}

/** A login whose password was accepted but whose code is still due. */
export interface PendingLogin {
  username: string;
  /** The variant that started it; a pending login cannot be finished elsewhere. */
  variant: string;
}

/** Seconds a full session lasts; sent as the cookie's Max-Age. */
export const SESSION_TTL_SECONDS = 3600;
/** Seconds a user has to type the code after the password step. */
const PENDING_TTL_SECONDS = 300;

export class PortalState {
  private readonly users = new Map<string, UserRecord>();
  /** Half-done logins of the server-rendered variants (demo_pending cookie). */
  readonly pending: TokenStore<PendingLogin>;
  /** Half-done logins of the spa variant (bearer interim token). */
  readonly interim: TokenStore<PendingLogin>;
  /** Finished logins: cookie sessions and spa bearer tokens alike map to a username. */
  readonly sessions: TokenStore<string>;
  /** Image/font requests served, to prove the client blocks them. */
  staticHits = 0;
  /** Logins in progress and recorded answers of the multi-screen variants (demo-portal/variants/). */
  readonly screenVariants: ScreenVariantsState;

  constructor(
    readonly now: () => number,
    mail?: DemoMailOptions,
  ) {
    this.pending = new TokenStore(now, PENDING_TTL_SECONDS * 1000);
    this.interim = new TokenStore(now, PENDING_TTL_SECONDS * 1000);
    this.sessions = new TokenStore(now, SESSION_TTL_SECONDS * 1000);
    this.screenVariants = new ScreenVariantsState(new TokenStore(now, PENDING_TTL_SECONDS * 1000), mail);
  }

  /** The record for any submitted name, created on first use (unknown names included). */
  user(username: string): UserRecord {
    let record = this.users.get(username);
    if (!record) {
      record = { failures: 0, lastAcceptedStep: -Infinity, submittedCodes: [], loginAttempts: 0 };
      this.users.set(username, record);
    }
    return record;
  }

  /** Read-only peek that does not create a record. */
  peekUser(username: string): UserRecord | undefined {
    return this.users.get(username);
  }
}
