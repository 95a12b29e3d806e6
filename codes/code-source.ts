/**
 * Where a second-factor code comes from. The login flow only sees this
 * interface, so TOTP today and email/IMAP, a command or a prompt later are
 * interchangeable.
 */
export interface IssuedCode {
  code: string;
  /** Safe to log: says which code this was without revealing it (e.g. "TOTP window 58123456"). */
  label: string;
}

export interface CodeRequest {
  /** True when the previous code was rejected: the source must return a code it has not issued before. */
  afterRejection: boolean;
  /**
   * When the portal was asked for the code (ms since epoch, this machine's
   * clock): taken just before the request that makes the portal expect it.
   * Optional only on this branch, where the browser flow does not pass it yet.
   */
  requestedAt?: number;
  /** Told how long the source will wait, so the caller can tell the user (seconds). */
  onWait?: (seconds: number, reason: string) => void;
  /** Asks the portal for a new code (a resend), when the flow can. */
  resend?: () => Promise<void>;
}

export interface CodeSource {
  /** What to check when the portal rejects this source's code twice (the CODE_REJECTED hint), when the source knows better than the flow. */
  readonly rejectedHint?: string;
  next(request: CodeRequest): Promise<IssuedCode>;
  /** Releases what the source holds open (an IMAP session); called once when the login ends. */
  close?(): Promise<void>;
}
