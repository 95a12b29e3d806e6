/**
 * One redaction helper for logs, error messages, traces and screenshots'
 * accompanying text. A Redactor is created per run and told every secret
 * as soon as it is known (password, TOTP secret, each code, cookie values).
 */
import { secretForms } from './secret-forms.js';

export const REDACTED = '[REDACTED]';

/** Short all-digit secrets (OTP codes) are only replaced when not part of a longer number. */
const DIGITS = /^\d+$/;

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret and the encodings it may appear in (URL, form, JSON, HTML entities). */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    for (const form of secretForms(secret)) this.secrets.add(form);
  }

  /** The registered secret strings, longest first (so a longer form wins). */
  list(): string[] {
    return [...this.secrets].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.list()) out = replaceSecret(out, secret);
    return out;
  }

  /**
   * The registered secrets made only of digits (OTP codes, numeric PINs).
   * A page may take these one digit per box, so a trace holds them split
   * into single digits no text search finds; the trace scrubber looks for
   * runs of single digits that spell one of these.
   */
  digitSecrets(): string[] {
    return this.list().filter((secret) => DIGITS.test(secret));
  }

  /** True when the text still contains any registered secret. */
  leaks(text: string): boolean {
    return this.redact(text) !== text;
  }
}

function replaceSecret(text: string, secret: string): string {
  if (DIGITS.test(secret)) {
    return text.replace(new RegExp(`(?<!\\d)${secret}(?!\\d)`, 'g'), REDACTED);
  }
  return text.split(secret).join(REDACTED);
}
