/**
 * What the login flow looks for on a page. `scanPage` runs INSIDE the
 * browser (Playwright serialises it), so it must stay self-contained: no
 * imports, no helpers from outside its own body.
 *
 * It tags what it finds with data-portal-login="username|password|submit|
 * code-N|code-submit" so the Node side can fill them with plain locators,
 * and it answers which screen the page is on.
 */
export type Stage = 'credentials' | 'after-credentials' | 'after-code';

export interface ScanInput {
  stage: Stage;
  selectors: { username?: string; password?: string; submit?: string; code?: string; codeSubmit?: string };
  /** Where error messages appear: the portal's selectors.error, else DEFAULT_ERROR_SELECTOR. */
  errorSelector: string;
  successUrl?: string;
  successSelector?: string;
  /** Return a 'none' result instead of null when nothing matched (to explain a timeout). */
  diagnose?: boolean;
  /** Treat the error messages shown now as old (after a rejected code, before scanning for the code screen again). */
  forgetErrors?: boolean;
}

export type Screen = 'credentials' | 'code' | 'error' | 'captcha' | 'success' | 'left' | 'none';

export interface ScanResult {
  screen: Screen;
  errorText?: string;
  /** Number of code inputs found (6 for single-digit boxes). */
  codeFields?: number;
  /** Explicit selectors from the config that matched nothing visible. */
  unmatched: string[];
  /** Whether a submit control was tagged (else the flow presses Enter). */
  hasSubmit?: boolean;
}

export const TAG = 'data-portal-login';

export const DEFAULT_ERROR_SELECTOR = '[role=alert], [aria-live=assertive], .error, .alert-danger, .alert-error, .error-message, .invalid-feedback';

/** Returns a ScanResult once the page shows what `input.stage` waits for, else null (keep polling). */
export function scanPage(input: ScanInput): ScanResult | null {
  const TAG_ATTR = 'data-portal-login';
  const STALE_ATTR = 'data-portal-login-stale';
  const sel = input.selectors;
  const unmatched: string[] = [];

  // Disabled counts as visible: a submit button is often disabled until the fields are filled.
  const visible = (el: Element): boolean => {
    const h = el as HTMLElement;
    if ((h as HTMLInputElement).type === 'hidden') return false;
    const style = getComputedStyle(h);
    return style.visibility !== 'hidden' && style.display !== 'none' && h.getClientRects().length > 0;
  };
  const all = (css: string): Element[] => {
    try {
      return [...document.querySelectorAll(css)].filter(visible);
    } catch {
      return [];
    }
  };
  const explicit = (key: keyof ScanInput['selectors']): Element[] | undefined => {
    const css = sel[key];
    if (!css) return undefined;
    const found = all(css);
    if (found.length === 0) unmatched.push(key);
    return found;
  };
  const hintText = (el: Element): string => {
    const i = el as HTMLInputElement;
    const labels = i.labels ? [...i.labels].map((l) => l.textContent ?? '') : [];
    const labelledBy = (el.getAttribute('aria-labelledby') ?? '')
      .split(/\s+/)
      .map((id) => (id ? document.getElementById(id)?.textContent ?? '' : ''));
    return [...labels, ...labelledBy, el.getAttribute('aria-label'), el.getAttribute('placeholder'), el.getAttribute('name'), el.id, el.getAttribute('autocomplete')]
      .filter(Boolean)
      .join(' ');
  };
  // Errors visible when a form is found are old news: a later scan must not take them
  // for the answer to the next submit. A mutation un-marks one (a single-page app
  // that rewrites the same message is answering again).
  const forgetVisibleErrors = () => {
    for (const el of all(input.errorSelector)) {
      if ((el.textContent ?? '').trim() === '' || el.hasAttribute(STALE_ATTR)) continue;
      el.setAttribute(STALE_ATTR, '');
      const observer = new MutationObserver(() => {
        el.removeAttribute(STALE_ATTR);
        observer.disconnect();
      });
      observer.observe(el, { childList: true, characterData: true, subtree: true });
    }
  };
  if (input.forgetErrors) forgetVisibleErrors();

  const textInputs = all('input:not([type]), input[type=text], input[type=email], input[type=tel], input[type=number], input[type=password]')
    .filter((el) => !(el as HTMLInputElement).disabled && !(el as HTMLInputElement).readOnly);
  const tag = (el: Element, name: string) => el.setAttribute(TAG_ATTR, name);

  // An invisible reCAPTCHA (its corner badge) runs without a person: not a wall.
  const captcha =
    all('iframe[src*="recaptcha"], iframe[title*="captcha" i], iframe[src*="hcaptcha"], .g-recaptcha, .h-captcha, .cf-turnstile, iframe[src*="challenges.cloudflare"]')
      .some((el) => !el.closest('.grecaptcha-badge, [data-size=invisible]')) ||
    /verify (that )?you are (a )?human|are you a robot|i'?m not a robot/i.test(document.body?.innerText ?? '');

  const errorEls = all(input.errorSelector)
    .filter((el) => (el.textContent ?? '').trim() !== '' && !el.hasAttribute(STALE_ATTR));
  const errorText = errorEls.map((el) => (el.textContent ?? '').trim()).join(' ').slice(0, 300);

  const password = explicit('password') ?? textInputs.filter((el) => (el as HTMLInputElement).type === 'password');
  // A code field by its own words; a numeric 4-8 character field only counts on a screen without a password.
  const saysCode = (el: Element) => {
    const i = el as HTMLInputElement;
    return i.autocomplete === 'one-time-code' || (i.type !== 'password' && /\b(code|otp|totp|2fa|mfa|authenticator|verification|one[- ]time)\b/i.test(hintText(el)));
  };
  const looksNumericCode = (el: Element) => {
    const i = el as HTMLInputElement;
    return i.inputMode === 'numeric' && i.maxLength >= 4 && i.maxLength <= 8;
  };
  // Single-digit boxes: the largest group (same form or parent) of four or more.
  const groups = new Map<Element, Element[]>();
  for (const el of textInputs) {
    if ((el as HTMLInputElement).maxLength !== 1 || (el as HTMLInputElement).type === 'password') continue;
    const key = el.closest('form, fieldset, [role=group]') ?? el.parentElement ?? document.body;
    groups.set(key, [...(groups.get(key) ?? []), el]);
  }
  const boxes = [...groups.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  const single = textInputs.filter(saysCode)[0] ?? (password.length === 0 ? textInputs.filter(looksNumericCode)[0] : undefined);
  const code = explicit('code') ?? (boxes.length >= 4 ? boxes : single ? [single] : []);

  let username = explicit('username');
  if (!username) {
    // Prefer fields in the password's own form: a header search box or a sign-up form elsewhere is not it.
    const form = (password[0] as HTMLInputElement | undefined)?.form ?? null;
    const candidates = textInputs.filter((el) => (el as HTMLInputElement).type !== 'password' && !saysCode(el) && !boxes.includes(el));
    const inForm = candidates.filter((el) => (el as HTMLInputElement).form === form);
    const byHint = (list: Element[]) => list.find((el) => {
      const i = el as HTMLInputElement;
      return i.autocomplete === 'username' || i.type === 'email' || /user|e-?mail|login|client|account|customer|mobile|phone|\bid\b/i.test(hintText(el));
    });
    const beforePassword = password[0] ? inForm.filter((el) => el.compareDocumentPosition(password[0]!) & Node.DOCUMENT_POSITION_FOLLOWING) : [];
    const chosen = byHint(inForm) ?? beforePassword[beforePassword.length - 1] ?? byHint(candidates);
    username = chosen ? [chosen] : [];
  }

  const submitFor = (field: Element | undefined, key: 'submit' | 'codeSubmit'): Element | undefined => {
    const chosen = explicit(key);
    if (chosen) return chosen[0];
    const scope = (field as HTMLInputElement | undefined)?.form ?? document;
    const buttons = [...scope.querySelectorAll('button, input[type=submit], [role=button]')].filter(visible);
    return (
      buttons.find((b) => (b as HTMLButtonElement).type === 'submit' && b.closest('form')) ??
      buttons.find((b) => /sign ?in|log ?in|continue|next|submit|verify|confirm|proceed/i.test((b.textContent ?? '') + ((b as HTMLInputElement).value ?? '')))
    );
  };

  const successByUrl = input.successUrl ? new RegExp(input.successUrl).test(location.href) : false;
  const successByElement = input.successSelector ? all(input.successSelector).length > 0 : false;
  const ready = document.readyState === 'complete';
  const result = (screen: Screen): ScanResult => ({ screen, errorText: errorText || undefined, codeFields: code.length, unmatched });

  if (captcha) return result('captcha');
  if (input.stage === 'credentials') {
    if (username.length === 0 || password.length === 0) return input.diagnose ? result('none') : null;
    document.querySelectorAll(`[${TAG_ATTR}]`).forEach((el) => el.removeAttribute(TAG_ATTR));
    tag(username[0]!, 'username');
    tag(password[0]!, 'password');
    const submit = submitFor(password[0], 'submit');
    if (submit) tag(submit, 'submit');
    forgetVisibleErrors();
    return { ...result('credentials'), hasSubmit: submit !== undefined };
  }
  // The code screen wins over an instruction in an alert box, and over a success URL pattern that also matches it.
  if (input.stage === 'after-credentials' && code.length > 0 && password.length === 0) {
    code.forEach((el, i) => tag(el, `code-${i}`));
    const submit = submitFor(code[code.length - 1], 'codeSubmit');
    if (submit) tag(submit, 'code-submit');
    forgetVisibleErrors();
    return { ...result('code'), hasSubmit: submit !== undefined };
  }
  if (successByUrl || successByElement) return result('success');
  if (errorText) return result('error');
  // Without an in-page sign of success (cookie or probe only), leaving the form is the cue to check.
  const stillOnForm = input.stage === 'after-credentials' ? password.length > 0 : code.length > 0;
  if (ready && !stillOnForm && !input.successUrl && !input.successSelector) return result('left');
  return input.diagnose ? result('none') : null;
}
