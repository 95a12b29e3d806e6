import type { Page } from 'playwright';
import { scanPage, markStaleErrors, type ScanInput, type ScanResult, type Stage } from './page-scan.js';

const POLL_MS = 100;

/**
 * Waits (in the page, across navigations) until the page shows what `stage`
 * waits for. Returns the last diagnosis with screen 'none' on timeout, so the
 * caller can say which explicit selector matched nothing.
 */
export async function waitForScreen(page: Page, input: Omit<ScanInput, 'stage'>, stage: Stage, timeoutMs: number): Promise<ScanResult> {
  try {
    const handle = await page.waitForFunction(scanPage, { ...input, stage }, { polling: POLL_MS, timeout: timeoutMs });
    return (await handle.jsonValue()) as ScanResult;
  } catch (error) {
    if (!isTimeout(error)) throw error;
    return (await diagnose(page, { ...input, stage })) ?? { screen: 'none', unmatched: [] };
  }
}

/** Marks current error messages stale before a submit (see markStaleErrors). */
export async function forgetShownErrors(page: Page, errorSelector: string): Promise<void> {
  await page.evaluate(markStaleErrors, errorSelector).catch(() => undefined);
}

async function diagnose(page: Page, input: ScanInput): Promise<ScanResult | null> {
  try {
    return await page.evaluate(scanPage, { ...input, diagnose: true });
  } catch {
    return null;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}
