import { test, expect } from '@playwright/test';
import { DEMO_URL } from '../support/shared-demo.js';

// This project's storageState comes from the setup project: no login here.
test('starts already signed in from the saved session', async ({ page, context }) => {
  await page.goto(`${DEMO_URL}/classic/dashboard`);
  await expect(page).toHaveURL(/\/classic\/dashboard$/);
  await expect(page.locator('#dashboard')).toHaveText('Welcome, demo');
  const me = await context.request.get(`${DEMO_URL}/api/me`);
  expect(me.status()).toBe(200);
});

test('a fresh context without the saved session is sent to the login page', async ({ browser }) => {
  const anonymous = await browser.newContext({ storageState: undefined });
  const page = await anonymous.newPage();
  await page.goto(`${DEMO_URL}/classic/dashboard`);
  await expect(page).toHaveURL(/\/classic\/login$/);
  await anonymous.close();
});
