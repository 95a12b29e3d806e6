/** classic: credentials page, then a code page, then the dashboard. */
import type { HandWrittenSteps } from './steps.js';

export const classicSteps: HandWrittenSteps = async (page, { url, username, password, code }) => {
  await page.goto(`${url}/classic/login`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  const codeField = page.locator('input[autocomplete=one-time-code]');
  await codeField.waitFor();
  await codeField.fill(code());
  await page.locator('button[type=submit]').click();
  await page.waitForURL(/dashboard$/);
};
