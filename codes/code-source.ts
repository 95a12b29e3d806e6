import type { CodeMethod } from '../config/code-schema.js';

/**
 * Where a second-factor code comes from. The flows only see this
 * interface; codes/kinds.ts builds one per account from its `code:` kind.
 */
export interface IssuedCode {
  code: string;
  /** Safe to log: says which code this was without revealing it (e.g. "TOTP window 58123456"). */
  label: string;
}

export interface CodeRequest {
  /** True when the previous code was rejected: the source must return a code it has not issued before. */
  afterRejection: boolean;
  /** When the portal was asked for the code (ms since epoch, this machine's clock): taken just before the submit that makes the portal send it. */
  requestedAt: number;
  /** Told how long the source will wait, so the caller can tell the user (seconds). */
  onWait?: (seconds: number, reason: string) => void;
  /** Asks the portal for a new code (presses the screen's "Resend"), when it offers one. */
  resend?: () => Promise<void>;
}

export interface CodeSource {
  /** The answer this source gives on a "how do you want to verify?" screen. */
  readonly method: CodeMethod;
  /** What to check when the portal rejects this source's code twice (the CODE_REJECTED hint). */
  readonly rejectedHint: string;
  /**
   * Resolves once the source can deliver (an IMAP mailbox is open), or
   * rejects with its error: awaited before anything is typed, so a bad
   * setting costs no login attempt.
   */
  opened?(): Promise<void>;
  next(request: CodeRequest): Promise<IssuedCode>;
  /** Releases what the source holds open (an IMAP session); called once when the login ends. */
  close?(): Promise<void>;
}
