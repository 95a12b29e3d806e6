import { setTimeout as delay } from 'node:timers/promises';
import type { Page } from 'playwright';
import { scanPage, type ScanInput, type ScanResult, type Stage } from './page-scan.js';

// Short enough that waiting adds little to a login (measured in bench/); one scan costs ~20 ms in the page.
const POLL_MS = 25;

/**
 * Waits until the page shows what `stage` waits for, scanning each document
 * as navigations replace it. Returns a diagnosis with screen 'none' on
 * timeout, so the caller can say which explicit selector matched nothing.
 *
 * Polled with plain evaluate calls rather than page.waitForFunction: that
 * one installs Playwright's injected script in the page's main world on every
 * document (~0.1 s each, measured), on top of the one its actions use.
 */
export async function waitForScreen(page: Page, input: Omit<ScanInput, 'stage'>, stage: Stage, timeoutMs: number): Promise<ScanResult> {
  const deadline = Date.now() + timeoutMs;
  const scan: ScanInput = { ...input, stage };
  for (;;) {
    const found = await scanOnce(page, scan);
    if (found) return found;
    if (Date.now() >= deadline) return (await scanOnce(page, { ...scan, diagnose: true })) ?? { screen: 'none', unmatched: [] };
    await delay(POLL_MS);
  }
}

async function scanOnce(page: Page, input: ScanInput): Promise<ScanResult | null> {
  try {
    return await page.evaluate(scanPage, input);
  } catch (error) {
    // A navigation replaced the document mid-scan: scan the next one.
    if (error instanceof Error && /context was destroyed|navigat|Cannot find context/i.test(error.message)) return null;
    throw error;
  }
}
