import type { Frame } from 'playwright';
import { PortalLoginError } from '../../core/errors.js';
import { TAG, type Method } from './detect.js';
import type { LoopInput, LoopState } from './loop.js';
import type { NetworkWatch } from './network-watch.js';
import { setBaseline, submitsIn, viewPage, type PageView } from './page-view.js';

/** One screen's worth of work, as decided by the loop. */
export type Action =
  | { kind: 'identifier' }
  | { kind: 'credentials'; username: boolean }
  | { kind: 'code'; username: boolean; password: boolean; afterRejection: boolean }
  | { kind: 'choice'; offered: Method[] }
  | { kind: 'interstitial'; question: 'trust' | 'conflict'; yes?: boolean; no?: boolean; proceed?: boolean; checkbox?: boolean };

export interface StepContext {
  view: PageView;
  input: LoopInput;
  state: LoopState;
  network: NetworkWatch;
}

const tagged = (frame: Frame, name: string) => frame.locator(`[${TAG}~="${name}"]`).first();

/** Does what the action says on the page and updates the loop state. */
export async function act(action: Action, ctx: StepContext): Promise<void> {
  await STEPS[action.kind](action as never, ctx);
  ctx.state.last = action.kind;
  ctx.state.lastCarriedPassword = action.kind === 'credentials' || (action.kind === 'code' && action.password);
}

type StepTable = { [K in Action['kind']]: (action: Extract<Action, { kind: K }>, ctx: StepContext) => Promise<void> };

const STEPS: StepTable = {
  async identifier(_action, { view, input, state }) {
    await tagged(view.frame, 'username').fill(input.username);
    await submit(view.frame, view.scan.username?.submit, 'username');
    state.usernameSubmitted = true;
    input.log.info('Submitted the username.');
  },

  async credentials(action, { view, input, state }) {
    if (action.username) await tagged(view.frame, 'username').fill(input.username);
    await tagged(view.frame, 'password').fill(input.password);
    await submit(view.frame, view.scan.password?.submit, 'password');
    state.usernameSubmitted ||= view.scan.username !== undefined;
    state.passwordSubmitted = true;
    input.log.info('Submitted username and password.');
  },

  async code(action, ctx) {
    const { input, state, network } = ctx;
    let view = ctx.view;
    const issued = await input.codes.next({
      afterRejection: action.afterRejection,
      // The submit that brought this screen is what made the portal send a code (by email or SMS).
      requestedAt: state.lastSubmitAt ?? Date.now(),
      onWait: (seconds, reason) => input.log.info(`Waiting ${seconds} s for ${reason}.`),
      resend: () => pressResend(ctx),
    });
    input.redactor.add(issued.code);
    // The wait for a fresh window may have let the page re-render: tag again, and forget what changed meanwhile.
    view = await viewPage(input.page, input.portal.selectors, Date.now() + input.timeoutMs);
    await setBaseline(input.page);
    const frame = view.frame;
    const code = view.scan.code;
    if (!code) throw new PortalLoginError('UNEXPECTED_PAGE', 'The code field went away while waiting for a fresh code.', { hint: 'Run again; if it repeats, the portal times out its code screen faster than one TOTP period.' });
    if (action.username && view.scan.username) await tagged(frame, 'username').fill(input.username);
    if (action.password && view.scan.password) await tagged(frame, 'password').fill(input.password);
    const mark = network.mark();
    const submitsBefore = await submitsIn(frame);
    if (code.count <= 1) await tagged(frame, 'code').fill(issued.code);
    else for (let i = 0; i < code.count; i++) await tagged(frame, `code-${i}`).fill(issued.code[i] ?? '');
    // A page that submits at the last digit has already sent it: a second submit is a second code POST (rate limits, lockouts).
    const autoSubmitted = network.sentSince(mark, issued.code) || (await submitsIn(frame)) !== submitsBefore;
    if (!autoSubmitted) await submit(frame, code.submit, code.count <= 1 ? 'code' : `code-${code.count - 1}`);
    state.codesSubmitted += 1;
    state.usernameSubmitted ||= action.username;
    state.passwordSubmitted ||= action.password;
    input.log.info(`${autoSubmitted ? 'Entered the verification code; the page submitted it by itself' : 'Submitted the verification code'} (${issued.label}).`);
  },

  async choice(action, { view, input }) {
    // The account's code source says which answer it can read a code from.
    const wanted: Method = input.codes.method;
    if (!action.offered.includes(wanted)) {
      throw new PortalLoginError('UNEXPECTED_PAGE', `The portal offers verification by ${action.offered.join(', ')}, not by ${METHOD_NAMES[wanted]}, which this account's code source reads.`, {
        hint: `Turn on ${METHOD_NAMES[wanted]} for this account on the portal, or give the account a code source for one of ${action.offered.join(', ')} (see the README, "Code sources").`,
      });
    }
    await tagged(view.frame, `choice-${wanted}`).click();
    const proceed = view.frame.locator(`[${TAG}~="choice-submit"]`);
    if ((await proceed.count()) > 0) await proceed.first().click();
    input.log.info(`Chose ${METHOD_NAMES[wanted]} as the verification method.`);
  },

  async interstitial(action, { view, input }) {
    const trust = input.portal.trustDevice === 'yes';
    let button: 'yes' | 'no' | 'proceed' | undefined;
    if (action.question === 'conflict') button = action.proceed ? 'proceed' : action.yes ? 'yes' : undefined;
    else if (action.checkbox) {
      await tagged(view.frame, 'interstitial-checkbox').setChecked(trust);
      button = action.proceed ? 'proceed' : action.yes ? 'yes' : undefined;
    } else if (trust) button = action.yes ? 'yes' : action.proceed ? 'proceed' : undefined;
    else button = action.no ? 'no' : action.proceed ? 'proceed' : undefined;
    if (!button) {
      throw new PortalLoginError('UNEXPECTED_PAGE', `The portal asks ${action.question === 'trust' ? 'whether to trust this device' : 'about a session elsewhere'}, and no button gives the configured answer.`, {
        hint: `See the screenshot; set ${input.portalRef}.trustDevice to the answer the page offers.`,
      });
    }
    await tagged(view.frame, `interstitial-${button}`).click();
    input.log.info(action.question === 'trust' ? `Answered "trust this device?" with ${trust ? 'yes' : 'no'}.` : 'Continued past "already signed in elsewhere".');
  },
};

const METHOD_NAMES: Record<Method, string> = { totp: 'an authenticator app (TOTP)', email: 'a code sent by email', sms: 'a code sent by SMS' };

/** Words of a control that asks the portal for a new code. */
const RESEND = /\b(resend|re-send|send (it |a new code |the code )?again|send (me )?a new code|get a new code|new code)\b/i;

/**
 * Presses the code screen's "Resend" control, for a source whose rejected
 * code came by email or SMS (the source itself tells the new message from the
 * rejected one).
 */
async function pressResend(ctx: StepContext): Promise<void> {
  const frame = ctx.view.frame;
  const control = frame.getByRole('button', { name: RESEND }).or(frame.getByRole('link', { name: RESEND })).first();
  if ((await control.count()) === 0) {
    ctx.input.log.info('The code screen has no "resend" control; waiting for the portal to send a new code by itself.');
    return;
  }
  await control.click();
  ctx.input.log.info('Asked the portal to send a new code.');
}

/** Clicks the field's own submit control, or presses Enter in the field when there is none. */
async function submit(frame: Frame, submitTag: string | undefined, lastField: string): Promise<void> {
  if (submitTag) await tagged(frame, submitTag).click();
  else await tagged(frame, lastField).press('Enter');
}
