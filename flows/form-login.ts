import type { BrowserContext, Page, Response } from 'playwright';
import { shownUrl } from './page-url.js';
import type { CodeSource } from '../codes/code-source.js';
import type { PortalConfig } from '../config/schema.js';
import { PortalLoginError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Redactor } from '../core/redact.js';
import { classifyPortalError } from './classify.js';
import { MAX_BELIEVED_SKEW_MS, measureSkew } from './clock-skew.js';
import { enterCodes } from './code-step.js';
import { fillTagged, submit } from './fill.js';
import { DEFAULT_ERROR_SELECTOR, type ScanInput, type ScanResult } from './page-scan.js';
import { waitForScreen } from './screens.js';
import { failedSuccessChecks } from './success.js';

export interface FormLoginInput {
  page: Page;
  context: BrowserContext;
  portal: PortalConfig;
  /** Where the portal is defined, for error messages: e.g. "portal-login.yaml: portals.pocketful". */
  portalRef: string;
  username: string;
  password: string;
  /** Builds the code source once the portal's clock offset (ms) is known. */
  codeSource: (portalClockOffsetMs: number) => CodeSource;
  redactor: Redactor;
  log: Logger;
  /** Per-step timeout (ms). */
  timeoutMs: number;
}

export interface FormLoginResult {
  /** Portal clock minus ours (ms); 0 when within noise. */
  skewMs: number;
  codesSubmitted: number;
}

/**
 * The generic form login, in the order a person does it: open the page,
 * fill username and password, submit, enter a fresh code on the
 * verification screen, submit, confirm being logged in. A wrong password is
 * never retried; a rejected code is retried once with a code from a new window.
 */
export async function formLogin(input: FormLoginInput): Promise<FormLoginResult> {
  const { page, portal, log } = input;
  const scan: Omit<ScanInput, 'stage'> = {
    selectors: portal.selectors,
    errorSelector: portal.selectors.error ?? DEFAULT_ERROR_SELECTOR,
    successUrl: portal.success.url,
    successSelector: portal.success.selector,
  };

  const skewMs = await openLoginPage(input);
  if (skewMs !== 0) log.warn(`The portal's clock is ${(skewMs / 1000).toFixed(1)} s ${skewMs > 0 ? 'ahead of' : 'behind'} this machine's; codes are generated on the portal's clock. Check NTP on this machine.`);

  log.debug(`Opened ${shownUrl(page)}; portal clock offset ${skewMs} ms.`);
  const credentials = await waitForScreen(page, scan, 'credentials', input.timeoutMs);
  if (credentials.screen !== 'credentials') throw noCredentialForm(input, credentials);
  log.debug(`Found username and password fields; ${credentials.hasSubmit ? 'a submit control' : 'no submit control (pressing Enter)'}.`);
  await fillTagged(page, 'username', input.username);
  await fillTagged(page, 'password', input.password);
  await submit(page, credentials.hasSubmit === true, 'submit', 'password');
  log.info('Submitted username and password.');

  const afterPassword = await waitForScreen(page, scan, 'after-credentials', input.timeoutMs);
  log.debug(`After the password: ${afterPassword.screen} screen at ${shownUrl(page)}${afterPassword.screen === 'code' ? ` with ${afterPassword.codeFields} code field(s)` : ''}.`);
  const { screen, submitted } =
    afterPassword.screen === 'code'
      ? await enterCodes({ page, codes: input.codeSource(skewMs), codeScreen: afterPassword, scan, redactor: input.redactor, log, timeoutMs: input.timeoutMs })
      : { screen: afterPassword, submitted: 0 };
  await expectLoggedIn(input, screen, submitted > 0 ? 'code' : 'credentials');
  return { skewMs, codesSubmitted: submitted };
}

async function openLoginPage(input: FormLoginInput): Promise<number> {
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

async function expectLoggedIn(input: FormLoginInput, screen: ScanResult, stage: 'credentials' | 'code'): Promise<void> {
  const where = shownUrl(input.page);
  switch (screen.screen) {
    case 'captcha':
      throw captchaError(where);
    case 'error': {
      const code = classifyPortalError(stage, screen.errorText ?? '');
      throw new PortalLoginError(code, `The portal said: "${screen.errorText}"`, { hint: hintFor(code, input) });
    }
    case 'none':
      if (screen.unmatched.length > 0) throw unmatchedSelectors(input, screen.unmatched);
      throw new PortalLoginError('TIMEOUT', `No verification screen, error message or logged-in page appeared within ${input.timeoutMs / 1000} s (at ${where}).`, {
        hint: `Raise --timeout if the portal is slow, or set ${input.portalRef}.selectors.code / success.selector to what the page shows.`,
      });
    case 'code':
      throw new PortalLoginError('CODE_REJECTED', 'The portal asked for a code again after the retry.', { hint: hintFor('CODE_REJECTED', input) });
    default: {
      const failed = await failedSuccessChecks(input.page, input.context, input.portal.success, input.timeoutMs);
      if (failed.length > 0) {
        throw new PortalLoginError('UNEXPECTED_PAGE', `Not logged in after the last step: ${failed.join('; ')}.`, {
          hint: `Check ${input.portalRef}.success: it must describe what the portal shows only when logged in.`,
        });
      }
    }
  }
}

function hintFor(code: string, input: FormLoginInput): string {
  switch (code) {
    case 'BAD_CREDENTIALS':
      return 'Not retried, so the account is not locked by repeated attempts. Check the username and the password environment variable.';
    case 'CODE_REJECTED':
      return 'Check the TOTP secret, and that this machine\'s clock is right (NTP); digits/period/algorithm must match the portal (totp: in the config).';
    case 'ACCOUNT_LOCKED':
      return 'Stop automated logins for this account and unlock it with the portal\'s support or reset flow.';
    default:
      return `See ${input.portalRef}.`;
  }
}

function captchaError(where: string): PortalLoginError {
  return new PortalLoginError('CAPTCHA', `The portal shows a captcha / "verify you are human" check at ${where}.`, {
    hint: 'Not retried (that leads to a lockout). Log in once by hand with --headed, or ask the portal for API access.',
  });
}

function noCredentialForm(input: FormLoginInput, scan: ScanResult): PortalLoginError {
  if (scan.screen === 'captcha') {
    return captchaError(`${shownUrl(input.page)} before the login form`);
  }
  if (scan.unmatched.length > 0) return unmatchedSelectors(input, scan.unmatched);
  return new PortalLoginError('UNEXPECTED_PAGE', `Found no username and password fields on ${shownUrl(input.page)} within ${input.timeoutMs / 1000} s.`, {
    hint: `Set ${input.portalRef}.selectors.username and .password (CSS selectors) to the page's fields.`,
  });
}

function unmatchedSelectors(input: FormLoginInput, keys: string[]): PortalLoginError {
  const list = keys.map((k) => `${input.portalRef}.selectors.${k} = "${(input.portal.selectors as Record<string, string | undefined>)[k]}"`).join(', ');
  return new PortalLoginError('SELECTOR_NOT_FOUND', `Selector matched nothing visible on ${shownUrl(input.page)}: ${list}.`, {
    hint: 'Open the screenshot below, fix the selector (CSS), or remove it to let portal-login detect the field.',
  });
}
