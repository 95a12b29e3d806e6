import type { Page } from 'playwright';

/**
 * The page's URL for messages and logs, without query string or fragment:
 * portals put one-time tokens there (e.g. `?request_token=`), and a log line
 * must not carry one.
 */
export function shownUrl(page: Page): string {
  try {
    const url = new URL(page.url());
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(unknown page)';
  }
}
