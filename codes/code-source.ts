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
  /** When the portal was asked for the code (ms since epoch, this machine's clock): taken just before the submit that makes the portal send it. */
  requestedAt: number;
  onWait?: (seconds: number, reason: string) => void;
  /** Asks the portal for a new code (presses the screen's "Resend"), when it offers one. */
  resend?: () => Promise<void>;
}

export interface CodeSource {
  next(request: CodeRequest): Promise<IssuedCode>;
  /** Releases connections (an IMAP session); called once when the login ends. */
  close?(): Promise<void>;
}
