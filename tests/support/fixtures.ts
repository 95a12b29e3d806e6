import { test as base } from '@playwright/test';
import { startDemoPortal, type DemoPortal } from '../../demo-portal/index.js';

/** `portal`: a fresh demo portal per test (its own lockout, replay and code records). */
export const test = base.extend<{ portal: DemoPortal }>({
  portal: async ({}, use) => {
    const portal = await startDemoPortal();
    await use(portal);
    await portal.close();
  },
});
export { expect } from '@playwright/test';
