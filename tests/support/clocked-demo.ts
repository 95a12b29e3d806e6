import { request, test, type APIRequestContext } from '@playwright/test';
import { startDemoPortal, type DemoPortal } from '../../demo-portal/index.js';

/** 10 s into a 30 s TOTP step, so ±1 step offsets are unambiguous. */
export const T0 = Date.UTC(2026, 0, 5, 9, 0, 10);
export const STEP_MS = 30_000;

export interface Demo {
  portal: DemoPortal;
  /** Cookie-keeping HTTP client bound to the portal. */
  api: APIRequestContext;
  /** The portal's machine clock; tests move it by assigning `ms`. */
  clock: { ms: number };
}

/** `demo`: a demo portal on an injected clock (starting at T0) with an HTTP client, per test; time is moved, never slept on. */
export const it = test.extend<{ demo: Demo }>({
  demo: async ({}, use) => {
    const clock = { ms: T0 };
    const portal = await startDemoPortal({ now: () => clock.ms });
    const api = await request.newContext({ baseURL: portal.url });
    await use({ portal, api, clock });
    await api.dispose();
    await portal.close();
  },
});
