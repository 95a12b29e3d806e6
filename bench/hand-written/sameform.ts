/**
 * sameform: a React + MUI form that asks for the code in the same form once
 * the password is accepted (username and password stay filled and are sent
 * again). Fill, click, wait for the code field, fill it, click again.
 */
import type { HandWrittenSteps } from './steps.js';

export const sameformSteps: HandWrittenSteps = async (page, { url, username, password, code }) => {
  await page.goto(`${url}/sameform/login`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  const codeField = page.locator('input[name=verificationCode]');
  await codeField.waitFor();
  await codeField.fill(code());
  await page.locator('button[type=submit]').click();
  await page.waitForURL(/dashboard$/);
};
