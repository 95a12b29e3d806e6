import type { Page } from 'playwright';
import { scanPage, type ScanInput, type ScanResult, type Stage } from './page-scan.js';

// Short enough that waiting adds little to a login (measured in bench/), cheap in-page.
const POLL_MS = 20;

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
