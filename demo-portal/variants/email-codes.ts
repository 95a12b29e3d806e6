/**
 * The email variants' codes: a random 6-digit code per login, valid 5
 * minutes, replaced by a resend, sent as a real MIME email over LMTP (or only
 * recorded when the portal has no mail options).
 */
import { randomInt } from 'node:crypto';
import { lmtpDeliver } from '../lmtp.js';
import { otpMailMessage } from '../otp-mail.js';
import type { RouteContext } from '../routes.js';
import type { LoginHandle } from './kit.js';

export const EMAIL_CODE_TTL_MS = 5 * 60_000;
const FROM = 'Demo Broking <no-reply@demo-broker.example>';
const SUBJECT = 'OTP for login to Demo Broking';
/** Shown (masked) when the portal has no mail options. */
const DEFAULT_TO = 'alex@example.com';

/** "a•••@example.com", as portals show where the code went. */
export function maskedAddress(ctx: RouteContext): string {
  const to = ctx.state.screenVariants.mail?.to ?? DEFAULT_TO;
  const [local = '', domain = ''] = to.split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
}

/** A random code never emailed to this user before, so a test can tell any two of them apart. */
function newCode(ctx: RouteContext, username: string): string {
  const earlier = new Set(ctx.state.screenVariants.sentEmails.filter((email) => email.username === username).map((email) => email.code));
  for (;;) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (!earlier.has(code)) return code;
  }
}

/** Sends one code email (awaited: it is in the mailbox before the page answers) and records it. */
async function send(ctx: RouteContext, login: { username: string; variant: string }, code: string, stale: boolean): Promise<void> {
  const { mail, sentEmails } = ctx.state.screenVariants;
  const to = mail?.to ?? DEFAULT_TO;
  // A stale email says it was requested 2 minutes ago, as one left over from an earlier attempt would.
  const date = stale ? ctx.clockMs - 120_000 : ctx.clockMs;
  if (mail) {
    const raw = otpMailMessage({ from: FROM, to, subject: SUBJECT, code, validMinutes: EMAIL_CODE_TTL_MS / 60_000, date });
    await lmtpDeliver({ host: mail.lmtpHost, port: mail.lmtpPort, from: 'bounces@demo-broker.example', to, raw });
  }
  sentEmails.push({ variant: login.variant, username: login.username, to, code, sentAt: ctx.clockMs, stale, delivered: mail !== undefined });
}

/** Issues the login's code (the previous one stops working) and emails it unless `deliver` is false. */
export async function issueEmailCode(ctx: RouteContext, login: LoginHandle, deliver: boolean): Promise<void> {
  const code = newCode(ctx, login.username);
  ctx.state.screenVariants.emailCodes.set(login.token, { code, expiresAtMs: ctx.clockMs + EMAIL_CODE_TTL_MS });
  if (deliver) await send(ctx, login, code, false);
}

/** An old code email for `username` that no login accepts (emailstale). */
export async function sendStaleCode(ctx: RouteContext, username: string, variant: string): Promise<void> {
  await send(ctx, { username, variant }, newCode(ctx, username), true);
}

/** Whether `code` is the login's current, unexpired emailed code. */
export function emailCodeValid(ctx: RouteContext, login: LoginHandle, code: string): boolean {
  const issued = ctx.state.screenVariants.emailCodes.get(login.token);
  return !!issued && issued.expiresAtMs > ctx.clockMs && issued.code === code;
}
