import type { BrowserContext, Page } from 'playwright';
import type { SuccessCheck } from '../config/schema.js';

/**
 * Checks every configured sign of being logged in (all must hold): URL
 * pattern, visible element, cookie, probe URL answering 2xx with the
 * session's cookies. Returns what failed, or [] when logged in.
 */
export async function failedSuccessChecks(page: Page, context: BrowserContext, success: SuccessCheck, timeoutMs: number): Promise<string[]> {
  const failed: string[] = [];
  if (success.url) {
    const pattern = new RegExp(success.url);
    await page.waitForURL(pattern, { timeout: timeoutMs }).catch(() => failed.push(`URL did not match /${success.url}/ (at ${page.url()})`));
  }
  if (success.selector) {
    await page.locator(success.selector).first().waitFor({ state: 'visible', timeout: timeoutMs })
      .catch(() => failed.push(`element ${success.selector} not visible`));
  }
  if (success.cookie) {
    const cookies = await context.cookies();
    if (!cookies.some((c) => c.name === success.cookie)) failed.push(`cookie ${success.cookie} not set`);
  }
  if (success.probeUrl) {
    const response = await context.request.get(success.probeUrl, { failOnStatusCode: false, maxRedirects: 0, timeout: timeoutMs });
    if (response.status() < 200 || response.status() >= 300) failed.push(`probe ${success.probeUrl} answered ${response.status()}`);
    await response.dispose();
  }
  return failed;
}
