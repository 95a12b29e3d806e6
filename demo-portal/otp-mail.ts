/**
 * A one-time-code email as brokers send them: multipart/alternative with a
 * text part and an HTML part (a table layout, the code in large type), and
 * the headers a real mail carries. Returns the raw RFC 5322 message.
 */
import { randomBytes } from 'node:crypto';

export interface OtpMail {
  /** e.g. `5paisa Demo <no-reply@demo-broker.example>` */
  from: string;
  to: string;
  subject: string;
  code: string;
  /** Minutes the code is valid, stated in the body. */
  validMinutes: number;
  /** The Date header (ms since epoch). */
  date: number;
}

/** Header text with anything outside printable ASCII MIME-encoded (RFC 2047). */
function headerText(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** Base64 in 76-character lines, as MIME wants. */
function base64Lines(text: string): string {
  return (Buffer.from(text, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

function textBody({ code, validMinutes, date }: OtpMail): string {
  const when = new Date(date).toUTCString();
  return [
    'Dear Customer,',
    '',
    `Your One Time Password (OTP) to sign in is ${code}.`,
    `It is valid for ${validMinutes} minutes. Requested on ${when}.`,
    '',
    'Never share your OTP with anyone, including our staff.',
    'If you did not request it, call 1800 209 9999 at once.',
    '',
    '© 2026 Demo Broking Ltd. SEBI Reg. No. INZ000010231',
  ].join('\r\n');
}

function htmlBody({ code, validMinutes }: OtpMail): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Your OTP</title><style>.otp{font-size:28px;letter-spacing:4px}</style></head>
<body style="margin:0;background:#f4f6f8"><table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="background:#fff;font-family:Arial,sans-serif">
<tr><td style="padding:24px"><img src="https://demo-broker.example/logo.png" alt="Demo Broking" width="120"></td></tr>
<tr><td style="padding:0 24px">Dear Customer,</td></tr>
<tr><td style="padding:12px 24px">Use the One Time Password below to sign in:</td></tr>
<tr><td class="otp" style="padding:12px 24px"><strong>${code}</strong></td></tr>
<tr><td style="padding:12px 24px;color:#555">Valid for ${validMinutes} minutes. Never share it with anyone.</td></tr>
<tr><td style="padding:24px;color:#999;font-size:11px">Helpline 1800&nbsp;209&nbsp;9999 &middot; &copy; 2026 Demo Broking Ltd.</td></tr>
</table></td></tr></table></body></html>`;
}

/** The raw message, CRLF line ends. */
export function otpMailMessage(mail: OtpMail): string {
  const boundary = `=_demo_${randomBytes(8).toString('hex')}`;
  const id = `<${randomBytes(12).toString('hex')}@demo-broker.example>`;
  return [
    `From: ${mail.from}`,
    `To: ${mail.to}`,
    `Subject: ${headerText(mail.subject)}`,
    `Date: ${new Date(mail.date).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${id}`,
    'MIME-Version: 1.0',
    'Auto-Submitted: auto-generated',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(textBody(mail)),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(htmlBody(mail)),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
