/**
 * autosubmit: an MUI sign-in form, then six one-digit boxes that submit the
 * form by themselves at the sixth digit. As a person writes it: fill each box
 * (they have no names, only aria-labels) and wait for the dashboard. No click
 * on "Verify": the page already sent the code, and its rate limiter answers a
 * second POST with 429.
 */
import type { HandWrittenSteps } from './steps.js';

const DIGITS = 6;

export const autosubmitSteps: HandWrittenSteps = async (page, { url, username, password, code }) => {
  await page.goto(`${url}/autosubmit/login`);
  await page.locator('input[name=email]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  const digits = code();
  for (let i = 0; i < DIGITS; i++) await page.locator(`input[aria-label="Please enter OTP character ${i + 1}"]`).fill(digits[i]!);
  await page.waitForURL(/dashboard$/);
};
