/**
 * The browser flow with its fast path (portal `fastPath`): `learn` records
 * each browser login into a recipe; `auto` first replays the portal's recipe
 * over plain HTTP — no Chromium started, no Playwright loaded — and, when
 * the portal answers anything the recipe did not expect, logs in with the
 * browser once and learns again. A refused password is never tried again
 * in the browser; a plainly rejected code is, once, with a new code.
 */
import type { CodeSource } from '../codes/code-source.js';
import type { BrowserPortalConfig } from '../config/schema.js';
import { PortalLoginError } from '../core/errors.js';
import { sessionExpiry, type Session } from '../session/model.js';
import { sessionCookieNames } from '../session/session-cookies.js';
import { judge, probeVia } from '../session/validity.js';
import { fetchVia } from '../net/http-fetch.js';
import { mergeRotation } from '../session/write-back.js';
import { browserLogin } from './browser-flow.js';
import { learningHooks, rememberingCodes } from './fast-path/learning.js';
import type { Recipe, ReplayRecipe } from './fast-path/recipe.js';
import { loadRecipe } from './fast-path/recipe-store.js';
import { replayRecipe } from './fast-path/replay.js';
import type { Flow, FlowInput, FlowResult } from './flow.js';

type Input = FlowInput<BrowserPortalConfig>;

export const fastPathBrowserFlow: Flow<BrowserPortalConfig> = {
  usesBrowser: true,
  async run(input) {
    if (input.portal.fastPath === 'off') return browserLogin(input);
    const recipe = await loadRecipe(input.stateDir, input.account.portalName).catch(() => undefined);
    if (input.portal.fastPath === 'learn') return learningLogin(input, input.codes, recipe);
    const notReplayable = whyNotReplay(input.portal, recipe);
    if (notReplayable !== undefined) {
      input.log.debug(`Fast path: ${notReplayable}; logging in with the browser.`);
      return learningLogin(input, input.codes, recipe);
    }
    const replayed = await replayLogin(input, recipe as ReplayRecipe);
    if (replayed.kind === 'done') return replayed.result;
    input.log.info(`Fast path: ${replayed.reason}; logging in with the browser once, and learning the login again.`);
    return learningLogin(input, replayed.kind === 'code-rejected' ? oneMoreCode(replayed.source, input.log) : input.codes, recipe);
  },
};

/** Why this login cannot be replayed, or undefined when it can. */
function whyNotReplay(portal: BrowserPortalConfig, recipe: Recipe | undefined): string | undefined {
  if (!recipe) return 'no recipe learned yet';
  if (recipe.loginUrl !== portal.loginUrl) return 'the recipe was learned for another loginUrl';
  if (recipe.kind === 'browser-only') return `browser-only: ${recipe.reason}`;
  if (!portal.success.probeUrl) return 'success.probeUrl is not set, so a replayed login could not be confirmed';
  if (Object.keys(portal.capture).length > 0) return 'capture is configured, which reads the page';
  if (portal.storage.indexedDB || portal.storage.sessionStorage) return 'storage.indexedDB / storage.sessionStorage is on, which only a browser can save';
  return undefined;
}

/** The browser login, learning its recipe. */
function learningLogin(input: Input, codes: Input['codes'], previous: Recipe | undefined): Promise<FlowResult> {
  const remembered = rememberingCodes(codes);
  const { account, portal } = input;
  const hooks = learningHooks({ stateDir: input.stateDir, portalName: account.portalName, loginUrl: portal.loginUrl, username: account.account.username, password: account.password, redactor: input.redactor, log: input.log, ...(previous ? { previous } : {}) }, remembered.lastCode);
  return browserLogin({ ...input, codes: remembered.codes }, hooks);
}

type Replayed = { kind: 'done'; result: FlowResult } | { kind: 'stale'; reason: string } | { kind: 'code-rejected'; reason: string; source: CodeSource };

/** The recipe over HTTP, confirmed by the probe. */
async function replayLogin(input: Input, recipe: ReplayRecipe): Promise<Replayed> {
  const { account, portal, log } = input;
  input.redactor.add(account.password);
  const outcome = await replayRecipe({ recipe, username: account.account.username, password: account.password, codes: input.codes, redactor: input.redactor, log, timeoutMs: input.timeoutMs, http: fetchVia(account.egress) });
  if (outcome.kind === 'stale') return outcome;
  if (outcome.kind === 'code-rejected') return { kind: 'code-rejected', reason: `the portal rejected the replayed code ("${outcome.said}")`, source: outcome.source };
  const sessionCookies = sessionCookieNames(outcome.cookies, { configured: portal.session.cookies, before: [] });
  let session: Session = {
    cookies: outcome.cookies,
    origins: outcome.origins,
    tokens: {},
    info: { account: account.name, portal: account.portalName, savedAt: new Date().toISOString(), obtainedBy: 'login', expiresAt: sessionExpiry(outcome.cookies, sessionCookies), sessionCookies },
  };
  const verdict = await judge(session, portal, new Date(), { timeoutMs: input.timeoutMs, probe: probeVia(account.egress) });
  if (verdict.valid !== 'yes') return { kind: 'stale', reason: `the replayed login did not pass the probe (${verdict.reason})` };
  if (verdict.rotation) session = mergeRotation(session, verdict.rotation, new Date());
  for (const cookie of session.cookies) input.redactor.add(cookie.value);
  log.info('Logged in over HTTP with the learned recipe (fast path, no browser).');
  return { kind: 'done', result: { session, skewMs: outcome.skewMs } };
}

/**
 * The replay's code source for the browser attempt: its first code is asked
 * for as after a rejection (a new window, never the rejected code), and it
 * issues no third: the browser's code was the one retry.
 */
function oneMoreCode(source: CodeSource, log: Input['log']): Input['codes'] {
  let asked = 0;
  const retry: CodeSource = {
    method: source.method,
    rejectedHint: source.rejectedHint,
    next: (request) => {
      asked += 1;
      if (asked > 1) throw new PortalLoginError('CODE_REJECTED', 'The portal rejected the code again: once in the replay, once in the browser.', { hint: `Not retried further (that leads to a lockout). ${source.rejectedHint}` });
      log.warn('The portal rejected the replayed code; the browser login uses a code from a new window (the one retry).');
      return source.next({ ...request, afterRejection: true });
    },
    ...(source.opened ? { opened: () => source.opened!() } : {}),
  };
  // The runner closes the source it built for the replay; closing it here too would end an IMAP session twice.
  return () => retry;
}
