/**
 * Markup of the email variants, the way a Next.js + styled-components broker
 * login (5paisa style) renders: hashed sc- class names, radio "cards" for
 * the verification method, the OTP page with its own "Resend code" form.
 */
import type { CodeView, LoginView } from '../pages/form-pages.js';
import { csrfInput } from '../pages/layout.js';
import { escapeHtml, frameworkPage } from './markup.js';

const CSS = `
.sc-bdVaJa{max-width:380px;margin:0 auto}.sc-bwzfXH{font-size:22px;margin:0 0 6px}.sc-htpNat{color:#5b6270;font-size:14px;margin:0 0 18px}
.sc-bxivhb{display:flex;flex-direction:column;gap:4px;margin-bottom:14px}.sc-bxivhb label{font-size:13px;color:#394150}
.sc-ifAKCX{padding:10px 12px;border:1px solid #cfd4dc;border-radius:6px;font-size:15px}
.sc-EHOje{width:100%;padding:11px;border:0;border-radius:6px;background:#ef6c00;color:#fff;font-weight:600}
.sc-bZQynM{display:flex;gap:10px;align-items:flex-start;padding:12px;border:1px solid #cfd4dc;border-radius:8px;margin-bottom:10px;cursor:pointer}
.sc-bZQynM small{display:block;color:#5b6270}.sc-gzVnrw{color:#b3261e;background:#fdecea;padding:8px 12px;border-radius:6px;margin-bottom:12px}
.sc-gZMcBi{color:#1b5e20;background:#e8f5e9;padding:8px 12px;border-radius:6px;margin-bottom:12px}
.sc-iwsKbI{background:none;border:0;color:#ef6c00;padding:0;font-weight:600;cursor:pointer}.sc-dnqmqq{margin-top:14px;font-size:13px;color:#5b6270}`;

function page(inner: string): string {
  return frameworkPage({
    title: 'Login | Demo Broking',
    css: CSS,
    body: `<div id="__next" data-reactroot=""><div class="sc-bdVaJa hYbOaz">\n${inner}\n</div></div>`,
  });
}

const error = (message?: string) => (message ? `<div role="alert" class="sc-gzVnrw cHuZmD">${escapeHtml(message)}</div>` : '');

export function emailLoginPage({ csrf, action, error: message, username }: LoginView): string {
  return page(`<h1 class="sc-bwzfXH fVhzqA">Login to your account</h1><p class="sc-htpNat ksRLQj">Welcome back! Trade in stocks, F&amp;O and mutual funds.</p>
${error(message)}<form method="POST" action="${action}" class="sc-jTzLTM dXwZtJ">${csrfInput(csrf)}
<div class="sc-bxivhb eTpeTG"><label for="loginId">Email / Mobile / Client code</label><input class="sc-ifAKCX bVkpzC" id="loginId" name="loginId" type="text" autocomplete="username" value="${escapeHtml(username ?? '')}" required></div>
<div class="sc-bxivhb eTpeTG"><label for="pwd">Password</label><input class="sc-ifAKCX bVkpzC" id="pwd" name="pwd" type="password" autocomplete="current-password" required></div>
<button type="submit" class="sc-EHOje gIMHyR">Login</button></form>`);
}

/** "How do you want to verify?": the authenticator, or a code sent to the masked address. */
export function emailChoicePage(csrf: string, action: string, maskedTo: string, message?: string): string {
  return page(`<h1 class="sc-bwzfXH fVhzqA">How do you want to verify?</h1><p class="sc-htpNat ksRLQj">For your security, confirm it's you.</p>
${error(message)}<form method="POST" action="${action}" class="sc-jTzLTM dXwZtJ">${csrfInput(csrf)}
<div role="radiogroup" aria-label="Verification method">
<label class="sc-bZQynM kGvMzT"><input type="radio" name="otpMode" value="totp" checked><span>Authenticator app<small>The 6-digit TOTP from your authenticator app</small></span></label>
<label class="sc-bZQynM kGvMzT"><input type="radio" name="otpMode" value="email"><span>Send a code to my email (${escapeHtml(maskedTo)})<small>We will send a 6-digit OTP, valid for 5 minutes</small></span></label>
</div>
<button type="submit" class="sc-EHOje gIMHyR">Continue</button></form>`);
}

export function emailTotpPage({ csrf, action, error: message }: CodeView): string {
  return page(`<h1 class="sc-bwzfXH fVhzqA">Enter TOTP</h1><p class="sc-htpNat ksRLQj">Open your authenticator app and enter the 6-digit code.</p>
${error(message)}<form method="POST" action="${action}" class="sc-jTzLTM dXwZtJ">${csrfInput(csrf)}
<div class="sc-bxivhb eTpeTG"><label for="totp">TOTP</label><input class="sc-ifAKCX bVkpzC" id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required></div>
<button type="submit" class="sc-EHOje gIMHyR">Verify</button></form>`);
}

export interface EmailCodeView extends CodeView {
  maskedTo: string;
  resendAction: string;
  /** Shown after a resend. */
  notice?: string;
}

export function emailCodePage({ csrf, action, error: message, maskedTo, resendAction, notice }: EmailCodeView): string {
  return page(`<h1 class="sc-bwzfXH fVhzqA">Enter OTP</h1><p class="sc-htpNat ksRLQj">We've sent a 6-digit OTP to ${escapeHtml(maskedTo)}. It is valid for 5 minutes.</p>
${notice ? `<div role="status" class="sc-gZMcBi bHnPzV">${escapeHtml(notice)}</div>` : ''}${error(message)}<form method="POST" action="${action}" class="sc-jTzLTM dXwZtJ">${csrfInput(csrf)}
<div class="sc-bxivhb eTpeTG"><label for="emailOtp">OTP</label><input class="sc-ifAKCX bVkpzC" id="emailOtp" name="emailOtp" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required></div>
<button type="submit" class="sc-EHOje gIMHyR">Verify</button></form>
<form method="POST" action="${resendAction}" class="sc-dnqmqq jbQMnD">${csrfInput(csrf)}Didn't get the email? <button type="submit" class="sc-iwsKbI fwAOcV">Resend code</button></form>`);
}
