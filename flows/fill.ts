import type { Page } from 'playwright';
import { TAG } from './page-scan.js';

const tagged = (page: Page, name: string) => page.locator(`[${TAG}="${name}"]`);

/** Types into a field the scan tagged; `fill` clears it first. */
export async function fillTagged(page: Page, name: string, value: string): Promise<void> {
  await tagged(page, name).fill(value);
}

/** Fills one code field, or one digit per box when the portal shows single-digit boxes. */
export async function enterCode(page: Page, code: string, fields: number): Promise<void> {
  if (fields <= 1) return fillTagged(page, 'code-0', code);
  for (let i = 0; i < fields; i++) await fillTagged(page, `code-${i}`, code[i] ?? '');
}

/** Clicks the tagged submit control, or presses Enter in `lastField` when the scan found none. */
export async function submit(page: Page, hasSubmit: boolean, submitTag: string, lastField: string): Promise<void> {
  if (hasSubmit) await tagged(page, submitTag).first().click();
  else await tagged(page, lastField).press('Enter');
}
