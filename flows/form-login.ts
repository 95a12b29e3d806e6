import type { Response } from 'playwright';
import { shownUrl } from './page-url.js';
import type { CodeSource } from '../codes/code-source.js';
import { PortalLoginError } from '../core/errors.js';
import { MAX_BELIEVED_SKEW_MS, measureSkew } from './clock-skew.js';
import { runScreenLoop, type LoginPageInput } from './browser/loop.js';

export interface FormLoginInput extends LoginPageInput {
  /** Builds the code source once the portal's clock offset (ms) is known. */
  codeSource: (portalClockOffsetMs: number) => CodeSource;
}

export interface FormLoginResult {
  /** Portal clock minus ours (ms); 0 when within noise. */
  skewMs: number;
}

/**
 * The generic form login, the way a person does it: open the page, then
 * the screen loop (flows/browser/loop.ts) from whatever the first screen
 * asks for to a confirmed logged-in page.
 */
export async function formLogin(input: FormLoginInput): Promise<FormLoginResult> {
  const { page, log } = input;
  await checkSelectors(input);
  const skewMs = await openLoginPage(input);
  if (skewMs !== 0) log.warn(`The portal's clock is ${(skewMs / 1000).toFixed(1)} s ${skewMs > 0 ? 'ahead of' : 'behind'} this machine's; codes are generated on the portal's clock. Check NTP on this machine.`);
  log.debug(`Opened ${shownUrl(page)}; portal clock offset ${skewMs} ms.`);
  const codes = input.codeSource(skewMs);
  // Before anything is typed: a mailbox that cannot be opened costs no login attempt.
  await codes.opened?.();
  await runScreenLoop({ ...input, codes });
  return { skewMs };
}

/**
 * The browser's own verdict on the configured selectors, on the blank page
 * before the portal is opened: the config check at load catches typos, this
 * catches CSS the browser rejects, so a bad selector never costs a login attempt.
 */
export async function checkSelectors(input: Pick<FormLoginInput, 'page' | 'portal' | 'portalRef'>): Promise<void> {
  const configured: Array<[string, string | undefined]> = [
    ...Object.entries(input.portal.selectors).map(([key, value]) => [`selectors.${key}`, value] as [string, string | undefined]),
    ['success.selector', input.portal.success.selector],
  ];
  for (const [key, selector] of configured) {
    if (!selector) continue;
    await input.page.locator(selector).count().catch((error: unknown) => {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/^locator\.count: /, '');
      throw new PortalLoginError('CONFIG_INVALID', `${input.portalRef}.${key} = "${selector}" is not a valid selector: ${reason}`, {
        hint: 'Selectors are Playwright selectors: CSS ("#username", "input[name=otp]"), text=…, role=…, or a ">>" chain into a frame. Run "portal-login inspect" to see what detection picks.',
      });
    });
  }
}

/** Opens the login page under the run's timeouts; returns the portal's clock offset (ms). Also used by inspect. */
export async function openLoginPage(input: Pick<FormLoginInput, 'page' | 'portal' | 'portalRef' | 'timeoutMs'>): Promise<number> {
  const { page, portal, portalRef } = input;
  // Clicks, fills and waits obey --timeout too, not Playwright's default 30 s.
  page.setDefaultTimeout(input.timeoutMs);
  page.setDefaultNavigationTimeout(input.timeoutMs);
  const response = await page.goto(portal.loginUrl, { timeout: input.timeoutMs, waitUntil: 'domcontentloaded' }).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw new PortalLoginError(timedOut ? 'TIMEOUT' : 'UNEXPECTED_PAGE', `Could not open ${portal.loginUrl}: ${reason}`, {
      hint: timedOut
        ? 'The portal did not answer in time: raise --timeout, or check that it is up.'
        : `Check ${portalRef}.loginUrl and that the portal is reachable from this machine.`,
    });
  });
  const landedOn = new URL(page.url()).protocol;
  if (landedOn !== 'http:' && landedOn !== 'https:') {
    throw new PortalLoginError('UNEXPECTED_PAGE', `The login page sent the browser to a ${landedOn} URL; stopped there.`, {
      hint: `Check ${portalRef}.loginUrl: only http(s) pages are logged into.`,
    });
  }
  if (response && response.status() >= 400) {
    throw new PortalLoginError('UNEXPECTED_PAGE', `The login page answered HTTP ${response.status()} (${shownUrl(page)}).`, {
      hint: response.status() >= 500 ? 'The portal has a problem on its side: try again later.' : `Check ${portalRef}.loginUrl: the portal does not serve a login page there.`,
    });
  }
  return response ? skewOf(response) : 0;
}

/** The portal's clock offset, measured when the response headers arrived (not when the page finished loading). */
function skewOf(response: Response): number {
  const timing = response.request().timing();
  const sentAt = timing.startTime + Math.max(0, timing.requestStart);
  const headersAt = timing.startTime + Math.max(0, timing.responseStart);
  const skewMs = measureSkew(response.headers()['date'], sentAt, headersAt);
  if (Math.abs(skewMs) > MAX_BELIEVED_SKEW_MS) {
    throw new PortalLoginError('CLOCK_SKEW', `The portal's clock is ${Math.round(skewMs / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} this machine's, more than the ${MAX_BELIEVED_SKEW_MS / 60_000} minutes portal-login believes.`, {
      hint: "No code was sent. Check this machine's clock (NTP); if it is right, the portal's Date header is wrong: report it to the portal.",
    });
  }
  return skewMs;
}

