import type { Frame, Page } from 'playwright';
import type { Selectors } from '../../config/schema.js';
import { PortalLoginError } from '../../core/errors.js';
import { EXPLICIT_TAG, scanFrame, type ExplicitKey, type FrameScan, type MessageFound } from './detect.js';

/** One scan of the whole page: the frame that holds the login, and what every frame shows. */
export interface PageView {
  /** The frame with the login's fields (or choices / interstitial); the main frame when none has any. */
  frame: Frame;
  scan: FrameScan;
  /** Messages from every frame: a toast in the top page answers a form inside an iframe. */
  messages: MessageFound[];
  captcha: boolean;
  /** Changes when any frame navigates. */
  documents: string;
  /** The smallest quiet time of all frames (ms). */
  quietMs: number;
  unmatched: ExplicitKey[];
}

export type ScreenKind = 'username' | 'password' | 'code' | 'choice' | 'trust' | 'conflict';

/** What a screen asks for, as a set of kinds: progress is a kind that was not there before. */
export function kindsOf(scan: FrameScan): Set<ScreenKind> {
  const kinds = new Set<ScreenKind>();
  if (scan.username) kinds.add('username');
  if (scan.password) kinds.add('password');
  if (scan.code) kinds.add('code');
  if (scan.choices.length > 0) kinds.add('choice');
  if (scan.interstitial) kinds.add(scan.interstitial.kind);
  return kinds;
}

/** One scan of a login page takes a few ms; a page busy for this long is hung. */
const MIN_SCAN_MS = 1000;

const EMPTY_SCAN: FrameScan = { documentId: '', ready: false, choices: [], messages: [], captcha: false, submits: 0, quietMs: 0, unmatched: [] };

/**
 * Scans every frame (cross-origin ones too: Playwright reaches them) within
 * `deadlineMs`. A frame that navigates mid-scan is skipped this turn; a page
 * whose script blocks the main thread makes the scan miss its deadline, and
 * that is a TIMEOUT rather than a hang.
 */
export async function viewPage(page: Page, selectors: Selectors, deadlineMs: number): Promise<PageView> {
  const explicit = (Object.keys(selectors) as ExplicitKey[]).filter((key) => selectors[key]);
  const frames = page.frames().filter((f) => !f.isDetached());
  // A scan started at the deadline still gets a moment: only a page that keeps its thread busy misses it.
  deadlineMs = Math.max(deadlineMs, Date.now() + MIN_SCAN_MS);
  const scans = await Promise.all(frames.map((frame) => scanOne(frame, selectors, explicit, deadlineMs)));
  const mainIndex = frames.indexOf(page.mainFrame());
  const main = scans[mainIndex];
  if (main === 'timeout') {
    throw new PortalLoginError('TIMEOUT', `The page stopped answering (its script kept the browser busy) at ${new URL(page.url()).origin}.`, {
      hint: 'Raise --timeout if the portal is just slow; otherwise the page is broken: try again later.',
    });
  }
  const usable = scans.map((s, i) => ({ frame: frames[i]!, scan: s === 'timeout' || s === undefined ? EMPTY_SCAN : s }));
  const score = (s: FrameScan) => (s.code ? 8 : 0) + (s.password ? 4 : 0) + (s.username ? 2 : 0) + (s.choices.length > 0 || s.interstitial ? 1 : 0);
  const login = usable.reduce((best, next) => (score(next.scan) > score(best.scan) ? next : best), usable[mainIndex] ?? usable[0]!);
  return {
    frame: login.frame,
    scan: login.scan,
    messages: usable.flatMap((u) => u.scan.messages),
    captcha: usable.some((u) => u.scan.captcha),
    documents: usable.map((u) => u.scan.documentId).join(','),
    quietMs: Math.min(...usable.map((u) => (u.scan.documentId ? u.scan.quietMs : Infinity))),
    unmatched: login.scan.unmatched,
  };
}

async function scanOne(frame: Frame, selectors: Selectors, explicit: ExplicitKey[], deadlineMs: number): Promise<FrameScan | 'timeout' | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, deadlineMs - Date.now()));
  });
  const scan = (async () => {
    for (const key of explicit) await markExplicit(frame, key, selectors[key]!);
    return frame.evaluate(scanFrame, { explicit });
  })();
  try {
    return await Promise.race([scan, timeout]);
  } catch (error) {
    // A navigation replaced the document mid-scan, or the frame went away: scan the next one.
    if (error instanceof Error && /context was destroyed|navigat|Cannot find context|detached|Target .*closed|Execution context/i.test(error.message)) return undefined;
    throw error;
  } finally {
    clearTimeout(timer);
    scan.catch(() => undefined);
  }
}

/** Marks the elements a configured (Playwright) selector matches in this frame, so the in-page scan treats them as chosen. */
async function markExplicit(frame: Frame, key: ExplicitKey, selector: string): Promise<void> {
  await frame.locator(selector).evaluateAll(
    (els, [attr, k]) => {
      for (const el of els) {
        const keys = new Set((el.getAttribute(attr!) ?? '').split(' ').filter(Boolean));
        keys.add(k!);
        el.setAttribute(attr!, [...keys].join(' '));
      }
    },
    [EXPLICIT_TAG, key],
  );
}

/** Messages after the baseline are answers to what is submitted next. */
export async function setBaseline(page: Page): Promise<void> {
  await Promise.all(
    page.frames().map((frame) =>
      frame
        .evaluate(() => {
          const hook = (window as unknown as { __portalLogin?: { seq: number; baseline: number } }).__portalLogin;
          if (hook) hook.baseline = hook.seq;
        })
        .catch(() => undefined),
    ),
  );
}

/** Submit events counted so far in this frame's document; -1 when the document is gone (it navigated: the page submitted). */
export async function submitsIn(frame: Frame): Promise<number> {
  return frame
    .evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => setTimeout(() => resolve((window as unknown as { __portalLogin?: { submits: number } }).__portalLogin?.submits ?? -1), 0))))
    .catch(() => -1);
}
