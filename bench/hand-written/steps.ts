/** What each hand-written login gets: the page to work on and the account's values. */
import type { Page } from 'playwright';

export interface HandWrittenAccount {
  /** Portal origin, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  username: string;
  password: string;
  /** The current 6-digit TOTP code. */
  code: () => string;
}

/** Logs in on `page` with explicit selectors; resolves once the dashboard is shown. */
export type HandWrittenSteps = (page: Page, account: HandWrittenAccount) => Promise<void>;
