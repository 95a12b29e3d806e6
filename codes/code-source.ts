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
  /** Told how long the source will wait, so the caller can tell the user (seconds). */
  onWait?: (seconds: number, reason: string) => void;
}

export interface CodeSource {
  next(request: CodeRequest): Promise<IssuedCode>;
}
