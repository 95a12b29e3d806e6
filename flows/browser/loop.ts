import { setTimeout as delay } from 'node:timers/promises';
import type { BrowserContext, Page } from 'playwright';
import type { CodeSource } from '../../codes/code-source.js';
import type { BrowserPortalConfig } from '../../config/schema.js';
import { PortalLoginError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { Redactor } from '../../core/redact.js';
import { classifyMessage, errorCodeFor, isPlainCodeRejection, rateLimitFromStatus, rateLimitHint, type ClassifiedMessage } from '../messages.js';
import { shownUrl } from '../page-url.js';
import { failedSuccessChecks } from '../success.js';
import type { MessageFound } from './detect.js';
import { watchNetwork, type NetworkWatch } from './network-watch.js';
import { kindsOf, setBaseline, viewPage, type PageView, type ScreenKind } from './page-view.js';
import { act, type Action } from './steps.js';

/** The login's page and who logs in: what the loop and the flows around it share. */
export interface LoginPageInput {
  page: Page;
  context: BrowserContext;
  portal: BrowserPortalConfig;
  /** Where the portal is defined, for error messages: e.g. "portal-login.yaml: portals.pocketful". */
  portalRef: string;
  username: string;
  password: string;
  redactor: Redactor;
  log: Logger;
  /** Per-step timeout (ms). */
  timeoutMs: number;
}

export interface LoopInput extends LoginPageInput {
  codes: CodeSource;
  /** Told about every screen before it is acted on (inspect prints and outlines them). */
  onScreen?: (view: PageView, step: Action) => Promise<void>;
  /** Stop before the first code is entered, or (with no credentials to give) before anything is typed (inspect). */
  stopBefore?: 'code' | 'typing';
}

/** What the loop has done so far; decides what a screen still needs. */
export interface LoopState {
  usernameSubmitted: boolean;
  passwordSubmitted: boolean;
  codesSubmitted: number;
  /** Screens acted on (a code retried on the same screen is not a new one). */
  screens: number;
  last?: Action['kind'];
  /** Whether the last submit carried the password (then a message answers the password, even on a code screen). */
  lastCarriedPassword?: boolean;
  /** When the last submit was made (ms since epoch): a code sent by email or SMS is newer than this. */
  lastSubmitAt?: number;
  /** Set when stopBefore ended the loop: the screen it stopped at. */
  stoppedAt?: PageView;
}

// Short enough that waiting adds little to a login (bench/); one scan of a login page costs a few ms.
const POLL_MS = 25;
/** A message is decided on once the page is quiet this long, or this long after it appeared (the 2 s promise). */
const SETTLE_MS = 150;
const NEW_SCREEN_SETTLE_MS = 40;
const MESSAGE_GRACE_MS = 1200;
/** With no message and no change, the page is taken to have ignored the submit after this much quiet. */
const NOTHING_HAPPENED_MS = 2500;

/**
 * The login as a loop over screens. Each turn: read the page (every frame,
 * open shadow roots included), decide what this screen asks for, fill what
 * is not done yet, submit unless the page submits itself, and wait for the
 * page to answer. Ends logged in, at a classified error, at a captcha, or at
 * the screen limit. A wrong password is never retried; a plainly rejected
 * code is retried once, with a code from a new window.
 */
export async function runScreenLoop(input: LoopInput): Promise<LoopState> {
  const { page, portal, log } = input;
  const network = watchNetwork(page);
  const state: LoopState = { usernameSubmitted: false, passwordSubmitted: false, codesSubmitted: 0, screens: 0 };
  try {
    let view = await firstScreen(input);
    let kinds = kindsOf(view.scan);
    let previousKinds = new Set<ScreenKind>();
    let rejectedOnce = false;
    for (;;) {
      if (view.captcha) throw captchaError(shownUrl(page), input);
      if (await showsSuccess(input, view)) return await confirmLoggedIn(input, state);
      const progressed = state.last === undefined || [...kinds].some((k) => !previousKinds.has(k));
      const action = progressed ? nextAction(view, state, input) : undefined;
      let retry = false;
      if (!action) {
        const verdict = judgeNoProgress(view, state, input);
        if (verdict === 'logged-in') return await confirmLoggedIn(input, state);
        if (verdict === 'retry-code' && !rejectedOnce) {
          log.warn('The portal rejected the code; retrying once with a code from a new time window.');
          rejectedOnce = true;
          retry = true;
        } else if (verdict === 'retry-code') {
          throw new PortalLoginError('CODE_REJECTED', 'The portal rejected the code again after the retry.', { hint: hintFor('CODE_REJECTED', input) });
        } else if (verdict) {
          throw verdict;
        }
      }
      const step = action ?? nextAction(view, { ...state, usernameSubmitted: true, passwordSubmitted: true }, input, retry);
      if (!step) throw unexpectedScreen(input, view, state);
      if (!retry && ++state.screens > portal.maxScreens) {
        throw new PortalLoginError('UNEXPECTED_PAGE', `Still not logged in after ${portal.maxScreens} screens (at ${shownUrl(page)}).`, {
          hint: `Raise ${input.portalRef}.maxScreens if the portal really has more steps; see the screenshot for where it stopped.`,
        });
      }
      log.debug(`Screen ${state.screens}${retry ? ' (retry)' : ''}: ${describe(view)}.`);
      await input.onScreen?.(view, step);
      if (input.stopBefore === 'typing' || (input.stopBefore === 'code' && step.kind === 'code')) return { ...state, stoppedAt: view };
      const before = view;
      const mark = network.mark();
      await setBaseline(page);
      if (step.kind !== 'code') state.lastSubmitAt = Date.now();
      await act(step, { view, input, state, network });
      previousKinds = kinds;
      view = await awaitAnswer(input, network, mark, before);
      kinds = kindsOf(view.scan);
    }
  } finally {
    network.stop();
  }
}

/** The first screen with something to do (or a captcha, or already logged in). */
async function firstScreen(input: LoopInput): Promise<PageView> {
  const deadline = Date.now() + input.timeoutMs;
  for (;;) {
    const view = await viewPage(input.page, input.portal.selectors, deadline);
    // The username is on the first screen of every flow: an explicit selector for it must match here.
    const waitingForExplicit = view.unmatched.includes('username');
    if (view.captcha || (kindsOf(view.scan).size > 0 && !waitingForExplicit) || (await showsSuccess(input, view))) return view;
    if (Date.now() >= deadline) {
      if (view.unmatched.length > 0) throw unmatchedSelectors(input, view.unmatched);
      throw new PortalLoginError('UNEXPECTED_PAGE', `Found no username and password fields on ${shownUrl(input.page)} within ${input.timeoutMs / 1000} s.`, {
        hint: `Run "portal-login inspect ${shownUrl(input.page)}" to see what detection finds, then set ${input.portalRef}.selectors.username / .password to the page's fields.`,
      });
    }
    await delay(POLL_MS);
  }
}

/** What to do on a screen that shows something new. */
function nextAction(view: PageView, state: LoopState, input: LoopInput, afterRejection = false): Action | undefined {
  const scan = view.scan;
  const needsUsername = scan.username !== undefined && (!state.usernameSubmitted || scan.username.value !== input.username) && !(scan.username.weak && state.usernameSubmitted);
  const needsPassword = scan.password !== undefined && (!state.passwordSubmitted || !scan.password.filled);
  if (scan.code) return { kind: 'code', username: needsUsername && !!scan.password, password: needsPassword, afterRejection };
  if (scan.password) return { kind: 'credentials', username: needsUsername };
  if (scan.username && needsUsername) return { kind: 'identifier' };
  if (scan.choices.length > 0) return { kind: 'choice', offered: scan.choices };
  if (scan.interstitial) {
    const { kind: question, ...buttons } = scan.interstitial;
    return { kind: 'interstitial', question, ...buttons };
  }
  return undefined;
}

type Verdict = PortalLoginError | 'retry-code' | 'logged-in' | undefined;

/**
 * The screen did not move on: the portal's message says why. Classified
 * messages decide; a marked message nobody classified counts as the stage's
 * usual failure; with no message at all the page ignored the submit.
 */
function judgeNoProgress(view: PageView, state: LoopState, input: LoopInput): Verdict {
  const stage = state.last === 'code' && !state.lastCarriedPassword ? 'code' : 'credentials';
  const message = answerOf(view.messages);
  if (message) {
    const { text, classified } = message;
    if (classified.kind === 'session-conflict') return view.scan.interstitial ? undefined : errorFor('UNEXPECTED_PAGE', text, input, classified);
    if (state.last === 'code' && isPlainCodeRejection(classified) && view.scan.code) return 'retry-code';
    return errorFor(errorCodeFor(stage, classified) ?? (stage === 'code' ? 'CODE_REJECTED' : 'BAD_CREDENTIALS'), text, input, classified);
  }
  if (kindsOf(view.scan).size === 0) return state.codesSubmitted > 0 || state.passwordSubmitted ? 'logged-in' : undefined;
  const what = state.last === 'code' ? 'the code' : state.last === 'identifier' ? 'the username' : state.last === 'credentials' ? 'the username and password' : 'the answer';
  if (state.last === 'code') {
    return new PortalLoginError('CODE_REJECTED', `The portal asked for the code again after ${what} was submitted, without a message portal-login recognised (at ${shownUrl(input.page)}).`, {
      hint: `${hintFor('CODE_REJECTED', input)} If the page showed a message, set ${input.portalRef}.selectors.error to it.`,
    });
  }
  return new PortalLoginError('UNEXPECTED_PAGE', `The page did not move on after ${what} was submitted and showed no message portal-login recognised (at ${shownUrl(input.page)}).`, {
    hint: `See the screenshot. If the page showed a message, set ${input.portalRef}.selectors.error to it; if the wrong button was pressed, set .selectors.submit.`,
  });
}

/** The message that answers the last submit: fresh and marked or classified; failing that, a marked one still shown (same text again). */
function answerOf(messages: MessageFound[]): { text: string; classified: ClassifiedMessage } | undefined {
  const classifiedOnes = messages.map((m) => ({ ...m, classified: classifyMessage(m.text) }));
  const known = (m: (typeof classifiedOnes)[number]) => m.classified.kind !== 'unclassified';
  const pick =
    classifiedOnes.find((m) => m.fresh && m.marked && known(m)) ??
    classifiedOnes.find((m) => m.fresh && known(m)) ??
    classifiedOnes.find((m) => m.fresh && m.marked) ??
    classifiedOnes.find((m) => m.marked && known(m));
  return pick ? { text: pick.text, classified: pick.classified } : undefined;
}

/**
 * Waits for the page to answer a submit: a new screen, a message, a 429, a
 * logged-in page. A message is decided on once the page is quiet (or soon
 * after it appeared), so a toast shown before a navigation is not mistaken
 * for the answer.
 */
async function awaitAnswer(input: LoopInput, network: NetworkWatch, mark: number, before: PageView): Promise<PageView> {
  const deadline = Date.now() + input.timeoutMs;
  const beforeKinds = [...kindsOf(before.scan)].sort().join();
  let messageSince: number | undefined;
  // Quiet counts from the submit at the earliest: a page that sat unchanged while a code window was awaited has not answered yet.
  const submittedAt = Date.now();
  for (;;) {
    const limited = network.rateLimitSince(mark);
    if (limited) throw await rateLimitedByStatus(input, limited, deadline);
    const view = await viewPage(input.page, input.portal.selectors, deadline);
    const kinds = [...kindsOf(view.scan)].sort().join();
    const quietMs = Math.min(view.quietMs, Date.now() - submittedAt);
    const quiet = network.pending() === 0 && quietMs >= SETTLE_MS && view.scan.ready;
    const moved = kinds !== beforeKinds || view.documents !== before.documents;
    if (view.captcha || (await showsSuccess(input, view))) return view;
    // A new screen is acted on after a short quiet (measured in bench/: 150 ms here cost 65-110 ms a login); messages keep the longer settle.
    if (kinds !== beforeKinds && kinds !== '' && network.pending() === 0 && quietMs >= NEW_SCREEN_SETTLE_MS && view.scan.ready) return view;
    const answer = view.messages.some((m) => m.fresh && (m.marked || classifyMessage(m.text).kind !== 'unclassified'));
    if (answer) {
      messageSince ??= Date.now();
      if (quiet || Date.now() - messageSince >= MESSAGE_GRACE_MS) return view;
    } else if (moved && kinds === '' && quiet && quietMs >= 4 * SETTLE_MS) {
      return view; // somewhere with nothing to fill: the caller checks whether that is logged in
    } else if (kinds === beforeKinds && network.pending() === 0 && quietMs >= NOTHING_HAPPENED_MS) {
      return view; // the same screen again and no message (a toast may still be on its way until then)
    } else if (!moved && network.pending() === 0 && quietMs >= 3 * SETTLE_MS && answerOf(view.messages)) {
      return view; // the same message again, rewritten with the same text: the answer to this submit
    }
    if (Date.now() >= deadline) {
      if (view.unmatched.length > 0) throw unmatchedSelectors(input, view.unmatched);
      throw new PortalLoginError('TIMEOUT', `No next screen, message or logged-in page appeared within ${input.timeoutMs / 1000} s (at ${shownUrl(input.page)}).`, {
        hint: `Raise --timeout if the portal is slow, or set ${input.portalRef}.selectors.code / success.selector to what the page shows.`,
      });
    }
    await delay(POLL_MS);
  }
}

async function showsSuccess(input: LoopInput, view: PageView): Promise<boolean> {
  const { success } = input.portal;
  // A code field still to fill wins over a success URL pattern that also matches the code page.
  if (view.scan.code || view.scan.password) return false;
  if (success.url && new RegExp(success.url).test(input.page.url())) return true;
  if (success.selector) return input.page.locator(success.selector).first().isVisible().catch(() => false);
  return false;
}

async function confirmLoggedIn(input: LoopInput, state: LoopState): Promise<LoopState> {
  const failed = await failedSuccessChecks(input.page, input.context, input.portal.success, input.timeoutMs);
  if (failed.length > 0) {
    throw new PortalLoginError('UNEXPECTED_PAGE', `Not logged in after the last step: ${failed.join('; ')}.`, {
      hint: `Check ${input.portalRef}.success: it must describe what the portal shows only when logged in.`,
    });
  }
  return state;
}

function errorFor(code: PortalLoginError['code'], text: string, input: LoopInput, classified: ClassifiedMessage): PortalLoginError {
  if (code === 'RATE_LIMITED') return rateLimited(classified, `"${text}"`);
  const left = classified.attemptsLeft !== undefined ? ` Not retried: the portal says ${classified.attemptsLeft} attempt(s) are left.` : '';
  return new PortalLoginError(code, `The portal said: "${text}"`, { hint: `${hintFor(code, input)}${left}` });
}

function rateLimited(classified: ClassifiedMessage, said: string): PortalLoginError {
  return new PortalLoginError('RATE_LIMITED', `The portal is rate-limiting logins: ${said}.`, { hint: `${rateLimitHint(classified)} Scheduled runs should be at least that far apart.` });
}

/** A 429 answer, with the page's own words (and wait) when it shows them. */
async function rateLimitedByStatus(input: LoopInput, limited: { url: string; retryAfter?: string }, deadline: number): Promise<PortalLoginError> {
  const byHeader = rateLimitFromStatus(429, limited.retryAfter) ?? { kind: 'rate-limited' as const };
  await delay(SETTLE_MS);
  const view = await viewPage(input.page, input.portal.selectors, Math.min(deadline, Date.now() + input.timeoutMs)).catch(() => undefined);
  const said = view?.messages.map((m) => ({ text: m.text, classified: classifyMessage(m.text) })).find((m) => m.classified.kind === 'rate-limited');
  const status = `HTTP 429 Too Many Requests from ${new URL(limited.url).pathname}`;
  return rateLimited(said?.classified.retryAfterSeconds !== undefined ? said.classified : byHeader, said ? `${status}: "${said.text}"` : status);
}

function hintFor(code: string, input: LoopInput): string {
  switch (code) {
    case 'BAD_CREDENTIALS':
      return 'Not retried, so the account is not locked by repeated attempts. Check the username and the password environment variable.';
    case 'CODE_REJECTED':
      return input.codes.rejectedHint;
    case 'ACCOUNT_LOCKED':
      return "Stop automated logins for this account and unlock it with the portal's support or reset flow.";
    case 'CAPTCHA':
      return 'Not retried (that leads to a lockout). Log in once by hand with --headed, or ask the portal for API access.';
    default:
      return `See ${input.portalRef}.`;
  }
}

/** For --verbose: what the screen showed and where, without any value. */
function describe(view: PageView): string {
  const scan = view.scan;
  const fields = [scan.username && 'username', scan.password && 'password', scan.code && (scan.code.count > 1 ? `${scan.code.count} code boxes` : 'code')].filter(Boolean);
  const parts = [fields.length > 0 ? `${fields.join(', ')} field(s)` : '', scan.choices.length > 0 ? `a choice of ${scan.choices.join('/')}` : '', scan.interstitial ? `a "${scan.interstitial.kind}" question` : ''].filter(Boolean);
  const submit = [scan.code, scan.password, scan.username].find(Boolean)?.submit;
  const where = view.frame === view.frame.page().mainFrame() ? 'main frame' : `frame ${new URL(view.frame.url()).origin}`;
  return `${parts.join('; ')}${fields.length > 0 ? (submit ? '; a submit control' : '; no submit control (pressing Enter)') : ''} (${where})`;
}

function captchaError(where: string, input: LoopInput): PortalLoginError {
  return new PortalLoginError('CAPTCHA', `The portal shows a captcha / "verify you are human" check at ${where}.`, { hint: hintFor('CAPTCHA', input) });
}

function unexpectedScreen(input: LoopInput, view: PageView, state: LoopState): PortalLoginError {
  return new PortalLoginError('UNEXPECTED_PAGE', `Did not know what to do on ${shownUrl(input.page)} after ${state.screens} screen(s): ${[...kindsOf(view.scan)].join(', ') || 'nothing to fill'}.`, {
    hint: `Run "portal-login inspect" on the portal to see what detection finds, and set ${input.portalRef}.selectors for it.`,
  });
}

function unmatchedSelectors(input: LoopInput, keys: string[]): PortalLoginError {
  const list = keys.map((k) => `${input.portalRef}.selectors.${k} = "${(input.portal.selectors as Record<string, string | undefined>)[k]}"`).join(', ');
  return new PortalLoginError('SELECTOR_NOT_FOUND', `Selector matched nothing visible on ${shownUrl(input.page)}: ${list}.`, {
    hint: 'Open the screenshot below, fix the selector, or remove it to let portal-login detect the field.',
  });
}
