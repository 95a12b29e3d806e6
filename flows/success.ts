import type { BrowserContext, Page } from 'playwright';
import { shownUrl } from './page-url.js';
import type { SuccessCheck } from '../config/schema.js';

/**
 * Checks every configured sign of being logged in (all must hold), side by
 * side: URL pattern, visible element, cookie, probe URL answering 2xx with
 * the session's cookies. Returns what failed, or [] when logged in.
 */
export async function failedSuccessChecks(page: Page, context: BrowserContext, success: SuccessCheck, timeoutMs: number): Promise<string[]> {
  const checks: Array<Promise<string | undefined>> = [];
  if (success.url) {
    const url = success.url;
    checks.push(page.waitForURL(new RegExp(url), { timeout: timeoutMs }).then(() => undefined, () => `URL did not match /${url}/ (at ${shownUrl(page)})`));
  }
  if (success.selector) {
    const selector = success.selector;
    checks.push(page.locator(selector).first().waitFor({ state: 'visible', timeout: timeoutMs }).then(() => undefined, () => `element ${selector} not visible`));
  }
  if (success.cookie) {
    const name = success.cookie;
    checks.push(context.cookies().then((cookies) => (cookies.some((c) => c.name === name) ? undefined : `cookie ${name} not set`)));
  }
  if (success.probeUrl) {
    const url = success.probeUrl;
    checks.push(probe(context, url, timeoutMs).catch((error: unknown) => `probe ${url} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`));
  }
  return (await Promise.all(checks)).filter((failure): failure is string => failure !== undefined);
}

async function probe(context: BrowserContext, url: string, timeoutMs: number): Promise<string | undefined> {
  const response = await context.request.get(url, { failOnStatusCode: false, maxRedirects: 0, timeout: timeoutMs });
  const status = response.status();
  await response.dispose();
  return status >= 200 && status < 300 ? undefined : `probe ${url} answered ${status}`;
}
