import type { BrowserContext, Page } from 'playwright';
import type { CodeSource } from '../codes/code-source.js';
import type { BrowserPortalConfig } from '../config/schema.js';
import { PortalLoginError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Redactor } from '../core/redact.js';
import { runScreenLoop } from './browser/loop.js';
import { outlineChosen, removeOutlines, type ChosenElement } from './browser/outline.js';
import type { Action } from './browser/steps.js';
import { checkSelectors, openLoginPage } from './form-login.js';
import { shownUrl } from './page-url.js';

export interface InspectInput {
  page: Page;
  context: BrowserContext;
  portal: BrowserPortalConfig;
  portalRef: string;
  /** With credentials every screen up to the code is walked; without, only the first screen is read. */
  credentials?: { username: string; password: string };
  redactor: Redactor;
  log: Logger;
  timeoutMs: number;
  /** Saves one annotated screenshot (PNG bytes) for screen `n`; returns where it went. */
  saveScreenshot: (n: number, png: Buffer) => Promise<string>;
}

export interface InspectedScreen {
  n: number;
  url: string;
  /** Which frame holds what was found: "main frame" or the frame's origin and path. */
  frame: string;
  /** What the loop would do here. */
  next: Action['kind'];
  elements: ChosenElement[];
  /** Texts shown where messages appear (roles, aria-live, error/notice/toast classes). */
  messages: string[];
  screenshot?: string;
}

export interface InspectResult {
  screens: InspectedScreen[];
  /** Where the walk ended: before typing anything, before the code, or logged in without one. */
  stopped: 'before-typing' | 'before-code' | 'logged-in';
}

/** A code source for a walk that never enters a code: being asked for one is a bug. */
const NO_CODES: CodeSource = {
  method: 'totp',
  rejectedHint: '',
  next: () => Promise.reject(new PortalLoginError('INTERNAL', 'inspect never enters a code.')),
};

/**
 * Walks a portal's login the way `login` would, without entering a code,
 * and reports each screen: the fields, submit control and choices detection
 * picked (with a selector for each), the messages shown, and a screenshot
 * with the picks outlined and every input masked.
 */
export async function inspectLogin(input: InspectInput): Promise<InspectResult> {
  const { page } = input;
  await checkSelectors(input);
  await openLoginPage(input);
  const screens: InspectedScreen[] = [];
  const state = await runScreenLoop({
    ...input,
    username: input.credentials?.username ?? '',
    password: input.credentials?.password ?? '',
    codes: NO_CODES,
    stopBefore: input.credentials ? 'code' : 'typing',
    onScreen: async (view, step) => {
      const n = screens.length + 1;
      const elements = await outlineChosen(view.frame);
      const frames = page.frames();
      const png = await page.screenshot({ mask: frames.map((f) => f.locator('input, textarea')), maskColor: '#888', timeout: input.timeoutMs }).catch(() => undefined);
      await removeOutlines(view.frame);
      screens.push({
        n,
        url: shownUrl(page),
        frame: view.frame === page.mainFrame() ? 'main frame' : `iframe ${frameUrl(view.frame.url())}`,
        next: step.kind,
        elements,
        messages: view.messages.filter((m) => m.marked).map((m) => m.text),
        screenshot: png ? await input.saveScreenshot(n, png) : undefined,
      });
    },
  });
  return { screens, stopped: state.stoppedAt ? (input.credentials ? 'before-code' : 'before-typing') : 'logged-in' };
}

function frameUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(unknown)';
  }
}
