/**
 * What the multi-screen variants (demo-portal/variants/*) remember per portal:
 * logins part-way through their screens, and the answers tests read back
 * through DemoPortal (sso hits, trust answers, chosen methods).
 */
import type { TokenStore } from '../sessions.js';

/** The screen a login in progress is waiting on. */
export type LoginStep = 'code' | 'choose' | 'sms-sent' | 'email-sent' | 'email-code' | 'trust' | 'conflict';
export type TrustAnswer = 'yes' | 'no';
export type VerifyMethod = 'totp' | 'sms' | 'email';

/** A login whose password was accepted; `step` moves on as screens are answered. */
export interface StepLogin {
  username: string;
  /** The variant that started it; a login cannot be finished on another one. */
  variant: string;
  step: LoginStep;
}

/** Where the email variants send their codes: a mailbox server's LMTP port and the address. */
export interface DemoMailOptions {
  lmtpHost: string;
  lmtpPort: number;
  /** The demo users' email address (every user's code goes there). */
  to: string;
}

/** One code email the portal sent (or, without mail options, would have sent). */
export interface SentEmail {
  variant: string;
  username: string;
  to: string;
  code: string;
  /** Portal clock when sent (ms since epoch). */
  sentAt: number;
  /** An old code from an earlier login, never valid (emailstale). */
  stale: boolean;
  /** False when the portal has no mail options: recorded only. */
  delivered: boolean;
}

/** The code an email login is waiting for; a resend replaces it. */
export interface EmailCode {
  code: string;
  expiresAtMs: number;
}

/** The last code POST a rate limiter let through for one login token. */
export interface CodePost {
  username: string;
  atMs: number;
}

export class ScreenVariantsState {
  /** Code POSTs let through, by login token; kept after the login ends so a late double submit is still limited. */
  readonly codePosts = new Map<string, CodePost>();
  /** Requests to the sso variant's fake "Sign in with Google" page. */
  ssoHits = 0;
  /** Last answer to "Trust this device?" per username. */
  readonly trustAnswers = new Map<string, TrustAnswer>();
  /** Last verification method picked on the choice variant, per username. */
  readonly chosenMethods = new Map<string, VerifyMethod>();

  /** Every code email, in the order sent. */
  readonly sentEmails: SentEmail[] = [];
  /** The valid emailed code per login token. */
  readonly emailCodes = new Map<string, EmailCode>();
  /** Login tokens emailstale already sent its stale email for. */
  readonly staleEmailSent = new Set<string>();

  /** `logins` is built by PortalState, so this module needs no runtime import of it. */
  constructor(
    readonly logins: TokenStore<StepLogin>,
    readonly mail?: DemoMailOptions,
  ) {}
}
