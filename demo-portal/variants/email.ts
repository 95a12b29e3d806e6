/**
 * email, emailstale, emaillost (5paisa style): after the password, "How do
 * you want to verify?" — the authenticator app, or a code sent to the
 * user's email. Email sends a real MIME message over LMTP with a random
 * 6-digit code (valid 5 min); "Resend code" sends a new one and the old one
 * stops working. emailstale first sends an old code from an "earlier login"
 * (before the method is chosen; never valid); emaillost never sends.
 */
import { recordCodeSubmission } from '../auth.js';
import { ensureCsrfToken } from '../csrf.js';
import { readForm, redirect, sendHtml } from '../http.js';
import { csrfErrorPage } from '../pages/common.js';
import type { Handler, RouteContext } from '../routes.js';
import { LOCKOUT_THRESHOLD } from '../sessions.js';
import { emailCodeValid, issueEmailCode, maskedAddress, sendStaleCode } from './email-codes.js';
import { emailChoicePage, emailCodePage, emailLoginPage, emailTotpPage } from './email-pages.js';
import { commonRoutes, csrfValid, currentLogin, moveTo, signIn, type Route } from './kit.js';
import { codeScreenRoutes, passwordScreenRoutes } from './screens.js';

export type EmailVariant = 'email' | 'emailstale' | 'emaillost';

const WRONG_OTP = 'Invalid OTP. Please check the code and try again.';
const SENT_AGAIN = 'A new OTP has been sent to your email.';

function paths(variant: EmailVariant) {
  const base = `/${variant}`;
  return { login: `${base}/login`, verify: `${base}/verify`, totp: `${base}/verify/totp`, email: `${base}/verify/email`, resend: `${base}/verify/resend` };
}

export function emailRoutes(variant: EmailVariant): Route[] {
  const path = paths(variant);
  const delivers = variant !== 'emaillost';

  const codePage = (ctx: RouteContext, extra: { error?: string; notice?: string } = {}) =>
    emailCodePage({ csrf: ensureCsrfToken(ctx.req, ctx.res), action: path.email, resendAction: path.resend, maskedTo: maskedAddress(ctx), ...extra });

  const showChoice: Handler = async (ctx) => {
    const login = currentLogin(ctx, variant, ['choose']);
    if (!login) return redirect(ctx.res, path.login);
    const staleSent = ctx.state.screenVariants.staleEmailSent;
    if (variant === 'emailstale' && !staleSent.has(login.token)) {
      // Before the method is chosen, so it is older than any request a client makes.
      staleSent.add(login.token);
      await sendStaleCode(ctx, login.username, variant);
    }
    sendHtml(ctx.res, 200, emailChoicePage(ensureCsrfToken(ctx.req, ctx.res), path.verify, maskedAddress(ctx)));
  };

  const choose: Handler = async (ctx) => {
    const login = currentLogin(ctx, variant, ['choose']);
    if (!login) return redirect(ctx.res, path.login);
    const form = await readForm(ctx.req);
    if (!csrfValid(ctx, form)) return sendHtml(ctx.res, 403, csrfErrorPage(path.login));
    const mode = form.get('otpMode');
    if (mode === 'totp') {
      ctx.state.screenVariants.chosenMethods.set(login.username, 'totp');
      moveTo(ctx, login, 'code');
      return redirect(ctx.res, path.totp);
    }
    if (mode !== 'email') return sendHtml(ctx.res, 400, emailChoicePage(ensureCsrfToken(ctx.req, ctx.res), path.verify, maskedAddress(ctx), 'Choose how you want to verify.'));
    ctx.state.screenVariants.chosenMethods.set(login.username, 'email');
    await issueEmailCode(ctx, login, delivers);
    moveTo(ctx, login, 'email-code');
    redirect(ctx.res, path.email);
  };

  const showCode: Handler = (ctx) => {
    if (!currentLogin(ctx, variant, ['email-code'])) redirect(ctx.res, path.login);
    else sendHtml(ctx.res, 200, codePage(ctx));
  };

  const checkCode: Handler = async (ctx) => {
    const login = currentLogin(ctx, variant, ['email-code']);
    if (!login) return redirect(ctx.res, path.login);
    const form = await readForm(ctx.req);
    const code = (form.get('emailOtp') ?? '').trim();
    recordCodeSubmission(ctx.state, login.username, code);
    if (!csrfValid(ctx, form)) return sendHtml(ctx.res, 403, csrfErrorPage(path.login));
    const record = ctx.state.user(login.username);
    if (record.failures >= LOCKOUT_THRESHOLD) return sendHtml(ctx.res, 423, codePage(ctx, { error: 'Account locked: too many failed attempts. Contact support.' }));
    if (emailCodeValid(ctx, login, code)) {
      record.failures = 0;
      ctx.state.screenVariants.emailCodes.delete(login.token);
      return signIn(ctx, login);
    }
    record.failures += 1;
    sendHtml(ctx.res, 401, codePage(ctx, { error: WRONG_OTP }));
  };

  const resend: Handler = async (ctx) => {
    const login = currentLogin(ctx, variant, ['email-code']);
    if (!login) return redirect(ctx.res, path.login);
    const form = await readForm(ctx.req);
    if (!csrfValid(ctx, form)) return sendHtml(ctx.res, 403, csrfErrorPage(path.login));
    await issueEmailCode(ctx, login, delivers);
    sendHtml(ctx.res, 200, codePage(ctx, { notice: SENT_AGAIN }));
  };

  return [
    ...commonRoutes(variant),
    ...passwordScreenRoutes({
      variant,
      render: emailLoginPage,
      readLogin: (form) => ({ username: form.get('loginId') ?? '', password: form.get('pwd') ?? '' }),
      next: { path: path.verify, step: 'choose' },
    }),
    [`GET ${path.verify}`, showChoice],
    [`POST ${path.verify}`, choose],
    ...codeScreenRoutes({ variant, path: path.totp, render: emailTotpPage, readCode: (form) => (form.get('totp') ?? '').trim() }),
    [`GET ${path.email}`, showCode],
    [`POST ${path.email}`, checkCode],
    [`POST ${path.resend}`, resend],
  ];
}

/** The three email variants' routes, for the route table. */
export const emailVariantRoutes = (): Route[] => [...emailRoutes('email'), ...emailRoutes('emailstale'), ...emailRoutes('emaillost')];
