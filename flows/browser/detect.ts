/**
 * What one document (a frame) shows, read inside the browser. `scanFrame`
 * is serialised by Playwright and runs in the page, once per frame, so it
 * must stay self-contained: no imports and no helpers from outside its body.
 *
 * It tags what it finds with data-portal-login="…" (fields, submit controls,
 * choices, interstitial buttons) so the Node side acts through plain
 * locators; Playwright's CSS pierces open shadow roots, so tags inside them
 * work the same way. It decides nothing about the login: it reports what is
 * there, and loop.ts decides what the screen asks for.
 */

export const TAG = 'data-portal-login';
/** Set by the Node side on elements an explicit config selector matched (value: the key). */
export const EXPLICIT_TAG = 'data-portal-login-explicit';

export type ExplicitKey = 'username' | 'password' | 'submit' | 'code' | 'codeSubmit' | 'error';

export interface ScanRequest {
  /** Explicit selectors that are set in the config (their elements carry EXPLICIT_TAG). */
  explicit: ExplicitKey[];
  /** Forget what changed so far: messages after this point are answers to the next submit. */
  baseline?: boolean;
}

export type Method = 'totp' | 'sms' | 'email';

export interface FieldFound {
  /** Number of inputs: 1, or the count of single-digit boxes. */
  count: number;
  /** Whether it holds a value now (the value itself is never read back, except the username's). */
  filled: boolean;
  /** Tag of the submit control that belongs with this field, if one was found. */
  submit?: string;
}

export interface MessageFound {
  text: string;
  /** Carries a sign of being a message: role, aria-live, aria-invalid field, or a class word like error/toast. */
  marked: boolean;
  /** Appeared or changed since the baseline (everything counts as fresh in a new document). */
  fresh: boolean;
}

export interface FrameScan {
  /** Random per document: a new value means the frame navigated. */
  documentId: string;
  ready: boolean;
  username?: FieldFound & { value: string; weak: boolean };
  password?: FieldFound;
  code?: FieldFound;
  /** Verification methods offered as clickable choices (tags choice-<method>). */
  choices: Method[];
  /** A screen with buttons and no fields that asks to trust the device or to take over a session. */
  interstitial?: { kind: 'trust' | 'conflict'; yes?: boolean; no?: boolean; proceed?: boolean; checkbox?: boolean };
  messages: MessageFound[];
  captcha: boolean;
  /** Submit events and form.submit() calls seen in this document since its first scan. */
  submits: number;
  /** Milliseconds since the document last changed. */
  quietMs: number;
  /** Explicit selectors with no visible element here. */
  unmatched: ExplicitKey[];
}

/** Runs in the page. Returns what the frame shows and tags it. */
export function scanFrame(request: ScanRequest): FrameScan {
  const TAG_ATTR = 'data-portal-login';
  const EXPLICIT_ATTR = 'data-portal-login-explicit';
  type Hook = { documentId: string; seq: number; baseline: number; lastChange: number; submits: number; changed: WeakMap<Node, number> };
  const w = window as unknown as { __portalLogin?: Hook };

  // One observer per document: marks what changes, so a message can be told from the text that was already there.
  if (!w.__portalLogin) {
    const hook: Hook = { documentId: Math.random().toString(36).slice(2), seq: 1, baseline: 0, lastChange: performance.now(), submits: 0, changed: new WeakMap() };
    w.__portalLogin = hook;
    const mark = (node: Node | null) => {
      if (node) hook.changed.set(node, hook.seq);
    };
    const observe = (root: Node) =>
      new MutationObserver((records) => {
        hook.seq += 1;
        for (const r of records) {
          if (r.type === 'attributes' && (r.attributeName ?? '').startsWith(TAG_ATTR)) continue;
          hook.lastChange = performance.now();
          if (r.type === 'characterData') mark(r.target.parentNode);
          else if (r.type === 'attributes') mark(r.target);
          else {
            mark(r.target);
            r.addedNodes.forEach((n) => mark(n.nodeType === Node.TEXT_NODE ? n.parentNode : n));
          }
        }
      }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class', 'style', 'hidden', 'aria-hidden', 'aria-invalid', 'open'] });
    observe(document);
    (hook as Hook & { observeShadow?: (root: ShadowRoot) => void }).observeShadow = (root) => observe(root);
    // A page that submits by itself (the sixth digit typed) fires these synchronously inside our fill.
    window.addEventListener('submit', () => (hook.submits += 1), true);
    const nativeSubmit = HTMLFormElement.prototype.submit;
    HTMLFormElement.prototype.submit = function (this: HTMLFormElement) {
      hook.submits += 1;
      return nativeSubmit.call(this);
    };
  }
  const hook = w.__portalLogin;
  const shadowHook = hook as Hook & { observeShadow?: (root: ShadowRoot) => void; shadows?: WeakSet<ShadowRoot> };
  shadowHook.shadows ??= new WeakSet();

  // Every element, open shadow roots included (portals built with web components hide their forms there).
  const everything: Element[] = [];
  const walk = (root: Document | ShadowRoot) => {
    for (const el of root.querySelectorAll('*')) {
      everything.push(el);
      if (el.shadowRoot) {
        if (!shadowHook.shadows!.has(el.shadowRoot)) {
          shadowHook.shadows!.add(el.shadowRoot);
          shadowHook.observeShadow?.(el.shadowRoot);
        }
        walk(el.shadowRoot);
      }
    }
  };
  walk(document);

  // Visible to a person: rendered, with a size, not hidden by an ancestor, on the page. Disabled still counts.
  const visible = (el: Element): boolean => {
    const h = el as HTMLElement;
    if ((h as HTMLInputElement).type === 'hidden') return false;
    if (typeof h.checkVisibility === 'function' && !h.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    const rect = h.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2 || rect.right <= 0 || rect.bottom <= 0) return false;
    return !h.closest('[aria-hidden=true], [inert]');
  };
  const closestAcross = (el: Element, css: string): Element | null => {
    for (let node: Element | null = el; node; ) {
      const found = node.closest(css);
      if (found) return found;
      const root = node.getRootNode();
      node = root instanceof ShadowRoot ? root.host : null;
    }
    return null;
  };
  const words = (s: string | null | undefined): string =>
    (s ?? '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .replace(/[_\-.[\]]+/g, ' ')
      .toLowerCase();
  const ownText = (el: Element) => ((el as HTMLElement).innerText ?? el.textContent ?? '').replace(/\s+/g, ' ').trim();

  // The text a person reads as a field's label: linked labels, aria, and failing those the text just before it.
  const textBefore = (el: Element): string => {
    let node: Element | null = el;
    for (let depth = 0; node && depth < 4; depth++) {
      for (let sib = node.previousElementSibling; sib; sib = sib.previousElementSibling) {
        if (sib.matches('input, select, textarea, button, script, style')) break;
        if (sib.querySelector('input, select, textarea')) break;
        const t = ownText(sib);
        if (t) return t.slice(0, 80);
      }
      node = node.parentElement;
      if (node && node.querySelectorAll('input:not([type=hidden]), select, textarea').length > 1) break;
    }
    return '';
  };
  const hintOf = (el: Element): string => {
    const i = el as HTMLInputElement;
    const root = el.getRootNode() as Document | ShadowRoot;
    const byId = (id: string) => (id ? (root.getElementById?.(id) ?? document.getElementById(id))?.textContent ?? '' : '');
    const labels = i.labels && i.labels.length > 0 ? [...i.labels].map((l) => l.textContent ?? '') : [textBefore(el)];
    return words(
      [
        ...labels,
        ...(el.getAttribute('aria-labelledby') ?? '').split(/\s+/).map(byId),
        el.getAttribute('aria-label'),
        el.getAttribute('placeholder'),
        el.getAttribute('name'),
        el.id,
        el.getAttribute('autocomplete'),
        el.getAttribute('title'),
      ]
        .filter(Boolean)
        .join(' '),
    );
  };

  const explicitEls = (key: string) => everything.filter((el) => el.getAttribute(EXPLICIT_ATTR)?.split(' ').includes(key) && visible(el));
  const unmatched = request.explicit.filter((key) => key !== 'error' && explicitEls(key).length === 0);

  for (const el of everything) if (el.hasAttribute(TAG_ATTR)) el.removeAttribute(TAG_ATTR);
  const tag = (el: Element, name: string) => el.setAttribute(TAG_ATTR, name);

  const inputs = everything.filter(
    (el) => el.matches('input:not([type]), input[type=text], input[type=email], input[type=tel], input[type=number], input[type=password], input[type=search]') && visible(el) && !(el as HTMLInputElement).readOnly && !(el as HTMLInputElement).disabled,
  ) as HTMLInputElement[];

  // Roles by the field's own words. "Client Code", "Client ID", "User ID" are usernames on broker portals, not codes.
  const USER = /\b(user ?name|user ?id|user|e ?mail|login|client ?(code|id)?|customer ?(id|number)?|account ?(id|number)?|member ?id|mobile|phone|identifier)\b/;
  const NAMED_USER = /\b(client|user|customer|member|account) ?(code|id)\b/;
  // Not "pin": broker portals' PINs are static second passwords, not one-time codes.
  const CODE = /\b(otp|totp|2fa|mfa|authenticator|verification|one ?time|passcode|security code|auth code|code|token)\b/;
  const PASS = /\b(pass ?word|pwd|passwd)\b/;
  const roleOf = (i: HTMLInputElement): 'username' | 'password' | 'code' | 'unknown' => {
    const auto = (i.getAttribute('autocomplete') ?? '').toLowerCase();
    if (auto.includes('one-time-code')) return 'code';
    if (auto.includes('current-password') || auto.includes('new-password')) return 'password';
    if (auto.includes('username')) return 'username';
    const hint = hintOf(i);
    if (i.type === 'password') return CODE.test(hint) && !PASS.test(hint) ? 'code' : 'password';
    if (NAMED_USER.test(hint)) return 'username';
    if (CODE.test(hint)) return 'code';
    if (i.type === 'email' || USER.test(hint)) return 'username';
    return 'unknown';
  };

  const explicitOr = <T extends Element>(key: string, found: T[]): T[] => (request.explicit.includes(key as ExplicitKey) ? (explicitEls(key) as T[]) : found);

  // Single-digit boxes: the largest group (same form or container) of four or more.
  const groups = new Map<Element, HTMLInputElement[]>();
  for (const el of inputs) {
    if (el.maxLength !== 1) continue;
    const key = closestAcross(el, 'form, fieldset, [role=group]') ?? el.parentElement ?? document.body;
    groups.set(key, [...(groups.get(key) ?? []), el]);
  }
  const boxes = [...groups.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  const roles = new Map(inputs.filter((el) => !boxes.includes(el) || boxes.length < 4).map((el) => [el, roleOf(el)] as const));
  const byRole = (role: string) => [...roles].filter(([, r]) => r === role).map(([el]) => el);

  const password = explicitOr('password', byRole('password'));
  const numericCode = (i: HTMLInputElement) => i.inputMode === 'numeric' && i.maxLength >= 4 && i.maxLength <= 10;
  let code: HTMLInputElement[] = explicitOr('code', boxes.length >= 4 ? boxes : byRole('code').slice(0, 1));
  if (code.length === 0 && password.length === 0 && !request.explicit.includes('code')) {
    const numeric = byRole('unknown').filter(numericCode);
    if (numeric.length === 1) code = numeric;
  }
  let username = explicitOr('username', byRole('username')) as HTMLInputElement[];
  let weak = false;
  if (username.length > 1 && password[0]) {
    // Prefer the field in the password's own form: a header search box or a sign-up form is not it.
    const own = username.filter((el) => el.form !== null && el.form === password[0]!.form);
    if (own.length > 0) username = own;
  }
  if (username.length === 0 && !request.explicit.includes('username')) {
    // No words to go by: the text field just before the password, or the only text field on an identifier-first screen.
    const unknown = byRole('unknown').filter((el) => !code.includes(el));
    const beforePassword = password[0] ? unknown.filter((el) => el.compareDocumentPosition(password[0]!) & Node.DOCUMENT_POSITION_FOLLOWING) : [];
    const chosen = beforePassword[beforePassword.length - 1] ?? (password.length === 0 && code.length === 0 && unknown.length === 1 ? unknown[0] : undefined);
    if (chosen) {
      username = [chosen];
      weak = password.length === 0;
    }
  }

  // The control that submits a field: in the field's own form or container; never SSO, passkey, "forgot" or show-password.
  const NOT_SUBMIT = /google|facebook|apple|microsoft|github|linkedin|twitter|\bsso\b|single sign|saml|passkey|security key|face id|touch id|forgot|reset|sign ?up|register|create (an )?account|show|hide|reveal|cancel|back|resend|send (a )?(new|another)|try another|use another|different (account|method)|not you|help|clear/i;
  const SUBMIT = /sign ?in|log ?in|login|continue|next|submit|verify|confirm|proceed|ok\b|done|go\b|authenticate|validate/i;
  const buttonText = (b: Element) => words(`${ownText(b)} ${(b as HTMLInputElement).value ?? ''} ${b.getAttribute('aria-label') ?? ''} ${b.getAttribute('title') ?? ''}`);
  const isButton = 'button, input[type=submit], input[type=button], input[type=image], [role=button]';
  const submitFor = (field: HTMLInputElement, explicitKey: 'submit' | 'codeSubmit'): Element | undefined => {
    if (request.explicit.includes(explicitKey)) return explicitEls(explicitKey)[0];
    const scopes: Element[] = [];
    if (field.form) scopes.push(field.form);
    for (let node: Element | null = field.parentElement; node && scopes.length < 6; ) {
      scopes.push(node);
      if (node.parentElement) node = node.parentElement;
      else {
        const root = node.getRootNode();
        node = root instanceof ShadowRoot ? root.host : null;
      }
    }
    for (const scope of scopes) {
      const inScope = everything.filter((b) => b.matches(isButton) && visible(b) && (scope === b || scope.contains(b) || scope.shadowRoot?.contains(b)));
      const candidates = inScope.filter((b) => {
        // A button that posts the form elsewhere (formaction="/sso/…") is another way in, not this form's submit.
        if (b.hasAttribute('formaction') && field.form && (b as HTMLButtonElement).formAction !== field.form.action) return false;
        return !NOT_SUBMIT.test(buttonText(b));
      });
      if (candidates.length === 0) continue;
      const typed = candidates.filter((b) => (b as HTMLButtonElement).type === 'submit' && (b as HTMLButtonElement).form === field.form && field.form !== null);
      const worded = candidates.filter((b) => SUBMIT.test(buttonText(b)));
      const after = candidates.filter((b) => field.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
      return typed[typed.length - 1] ?? worded[0] ?? after[0];
    }
    return undefined;
  };

  const found = (els: HTMLInputElement[], name: string, explicitKey: 'submit' | 'codeSubmit'): FieldFound | undefined => {
    if (els.length === 0) return undefined;
    els.forEach((el, i) => {
      tag(el, els.length > 1 ? `${name}-${i}` : name);
      // What detection read there, for inspect: the words that made it this field.
      el.setAttribute(`${TAG_ATTR}-read`, hintOf(el).replace(/\s+/g, ' ').trim().slice(0, 60));
    });
    const submit = submitFor(els[els.length - 1]!, explicitKey);
    const submitTag = `${name}-submit`;
    if (submit) {
      const existing = submit.getAttribute(TAG_ATTR);
      tag(submit, existing ? `${existing} ${submitTag}` : submitTag);
    }
    return { count: els.length, filled: els.every((el) => el.value !== ''), submit: submit ? submitTag : undefined };
  };
  const usernameFound = found(username.slice(0, 1), 'username', 'submit');
  const passwordFound = found(password.slice(0, 1), 'password', 'submit');
  const codeFound = found(code, 'code', 'codeSubmit');

  const pageText = ((document.body?.innerText ?? '') + ' ' + everything.filter((el) => el.shadowRoot).map((el) => el.shadowRoot!.textContent ?? '').join(' ')).slice(0, 5000);

  // A choice of verification method: clickable options naming two or more methods, on a screen with no field to fill.
  const choices: Method[] = [];
  if (!codeFound && !passwordFound) {
    const METHOD: Array<[Method, RegExp]> = [
      ['totp', /authenticator|auth app|authentication app|totp|code generator|one ?time password app|google auth|microsoft auth/],
      ['sms', /\bsms\b|text message|text me|\bphone\b|mobile/],
      ['email', /\be ?mail\b/],
    ];
    const clickable = everything.filter((el) => el.matches('button, a[href], [role=button], [role=radio], [role=option], [role=link], label, input[type=radio]') && visible(el));
    for (const [method, pattern] of METHOD) {
      const option = clickable.find((el) => pattern.test(el.matches('input') ? hintOf(el) : buttonText(el)) && !closestAcross(el, `[${TAG_ATTR}^=choice-]`));
      if (option) {
        tag(option, `choice-${method}`);
        choices.push(method);
      }
    }
    if (choices.length < 2) {
      for (const el of everything) if (el.getAttribute(TAG_ATTR)?.startsWith('choice-')) el.removeAttribute(TAG_ATTR);
      choices.length = 0;
    } else {
      const radio = everything.find((el) => el.getAttribute(TAG_ATTR) === 'choice-totp');
      const form = radio ? closestAcross(radio, 'form') : null;
      const proceed = form && [...form.querySelectorAll(isButton)].find((b) => visible(b) && SUBMIT.test(buttonText(b)));
      if (proceed && radio && (radio.matches('input[type=radio], label, [role=radio]'))) tag(proceed, 'choice-submit');
    }
  }

  // Trust this device / session elsewhere: no field to fill, a question, and buttons to answer it.
  let interstitial: FrameScan['interstitial'];
  if (!usernameFound && !passwordFound && !codeFound && choices.length === 0) {
    const text = words(pageText);
    const kind = /trust (this|the) (device|browser|computer)|remember (this|my) (device|browser|computer)|don'?t ask (me )?again|stay signed in|keep me (signed|logged) in|save (this )?(device|browser)/.test(text)
      ? 'trust'
      : /already (logged|signed) in|another (device|session|browser|location|window)|active session|session (conflict|limit)|logged in elsewhere|signed in elsewhere/.test(text)
        ? 'conflict'
        : undefined;
    if (kind) {
      const buttons = everything.filter((el) => el.matches(isButton) && visible(el));
      const NO = /^(no\b|not now|don'?t|do not|skip|later|maybe later|no thanks|cancel)/;
      const YES = /^(yes\b|trust|remember|save|always|stay signed in|keep me)/;
      const PROCEED = /^(continue|proceed|next|ok\b|yes|sign out|log ?out other|log ?in here|sign in here|use here|confirm)/;
      const text = (b: Element) => buttonText(b).trim();
      const no = buttons.find((b) => NO.test(text(b)));
      const yes = buttons.find((b) => b !== no && YES.test(text(b)));
      const proceed = buttons.find((b) => b !== no && b !== yes && PROCEED.test(text(b)));
      const checkbox = kind === 'trust' ? everything.find((el) => el.matches('input[type=checkbox]') && visible(el)) : undefined;
      if (no) tag(no, 'interstitial-no');
      if (yes) tag(yes, 'interstitial-yes');
      if (proceed) tag(proceed, 'interstitial-proceed');
      if (checkbox) tag(checkbox, 'interstitial-checkbox');
      if (no || yes || proceed) interstitial = { kind, yes: !!yes, no: !!no, proceed: !!proceed, checkbox: !!checkbox };
    }
  }

  // Messages: visible text blocks; marked ones carry a role, aria-live, an invalid field's description or a class word.
  const MARK_WORDS = /\b(error|errors|errorlist|danger|invalid|fail|failed|failure|alert|warning|warn|notice|notification|message|msg|feedback|toast|snackbar|flash|banner)\b/;
  const fieldsOwnText = new Set<Element>();
  for (const el of [...username, ...password, ...code]) for (const l of el.labels ?? []) fieldsOwnText.add(l);
  const invalidDescriptions = new Set<Element>();
  for (const el of everything) {
    if (el.getAttribute('aria-invalid') !== 'true') continue;
    const root = el.getRootNode() as Document | ShadowRoot;
    for (const id of `${el.getAttribute('aria-describedby') ?? ''} ${el.getAttribute('aria-errormessage') ?? ''}`.split(/\s+/)) {
      const d = id ? root.getElementById?.(id) : null;
      if (d) invalidDescriptions.add(d);
    }
    const next = el.parentElement?.querySelector(':scope > p, :scope > span, :scope > div:not(:has(input))');
    if (next && next !== el) invalidDescriptions.add(next);
  }
  const marked = (el: Element): boolean => {
    for (let node: Element | null = el, depth = 0; node && depth < 5; node = node.parentElement, depth++) {
      if (node.matches('[role=alert], [role=alertdialog], [role=status], [aria-live=assertive], [aria-live=polite], output') || invalidDescriptions.has(node)) return true;
      if (node.getAttribute(EXPLICIT_ATTR)?.split(' ').includes('error')) return true;
      if (MARK_WORDS.test(words(typeof node.className === 'string' ? node.className : ''))) return true;
    }
    return false;
  };
  const freshSince = (el: Element): boolean => {
    // No baseline in this document: it is new since the last submit, so all of it is the answer.
    if (hook.baseline === 0) return true;
    for (let node: Node | null = el; node; ) {
      if ((hook.changed.get(node) ?? 0) > hook.baseline) return true;
      if (node.parentNode) node = node.parentNode;
      else node = node instanceof ShadowRoot ? node.host : null;
    }
    return false;
  };
  const messages: MessageFound[] = [];
  const seen = new Set<string>();
  for (const el of everything) {
    if (messages.length >= 20) break;
    if (el.matches('script, style, noscript, template, input, select, textarea, option, button, [role=button], label, a, title, head, head *')) continue;
    const ownsText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
    if (!ownsText || !visible(el) || fieldsOwnText.has(el) || closestAcross(el, 'button, a, label, [role=button], option')) continue;
    // The whole message, when the text owner is an inline piece of it (<p>Invalid <b>code</b></p>).
    const block = el.matches('b, strong, em, i, span, small, code') && el.parentElement && !el.parentElement.matches('body') && ownText(el.parentElement).length <= 300 ? el.parentElement : el;
    const text = ownText(block);
    if (text.length < 3 || text.length > 300 || seen.has(text)) continue;
    seen.add(text);
    messages.push({ text, marked: marked(block), fresh: freshSince(block) || freshSince(el) });
  }

  // An invisible reCAPTCHA (its corner badge) runs without a person: not a wall.
  const captcha =
    everything.some((el) => el.matches('iframe[src*="recaptcha"], iframe[title*="captcha" i], iframe[src*="hcaptcha"], .g-recaptcha, .h-captcha, .cf-turnstile, iframe[src*="challenges.cloudflare"]') && visible(el) && !el.closest('.grecaptcha-badge, [data-size=invisible]')) ||
    /verify (that )?you are (a )?human|are you a robot|i'?m not a robot/i.test(pageText);

  if (request.baseline) hook.baseline = hook.seq;
  return {
    documentId: hook.documentId,
    ready: document.readyState !== 'loading',
    username: usernameFound ? { ...usernameFound, value: username[0]!.value, weak } : undefined,
    password: passwordFound,
    code: codeFound,
    choices,
    interstitial,
    messages,
    captcha,
    submits: hook.submits,
    quietMs: Math.round(performance.now() - hook.lastChange),
    unmatched,
  };
}
