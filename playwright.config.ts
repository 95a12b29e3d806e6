import { defineConfig, chromium } from '@playwright/test';
import { findBrowser, playwrightExecutablePath } from './browser/find-browser.js';
import { chromiumArgs } from './browser/launch.js';
import { DEMO_PORT, DEMO_URL, SETUP_STATE_DIR } from './tests/support/shared-demo.js';

/**
 * Projects:
 * - unit: TOTP, config, freshness and the demo portal over plain HTTP (no browser).
 * - e2e: the real CLI and flow engine against demo portals started by each test.
 * - setup → logged-in: the pattern to copy for regression tests. `setup` logs
 *   the demo users in through portal-login's flow engine and saves their
 *   storageState; `logged-in` starts every test already signed in from it.
 */

const browser = findBrowser(process.env, playwrightExecutablePath(chromium));

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    launchOptions: { executablePath: browser.executablePath, args: chromiumArgs(process.getuid?.() === 0) },
  },
  webServer: {
    command: `node dist/bin/portal-login.js demo-portal --port ${DEMO_PORT}`,
    url: `${DEMO_URL}/`,
    reuseExistingServer: !process.env.CI,
    stdout: 'ignore',
  },
  projects: [
    { name: 'unit', testDir: './tests/unit' },
    { name: 'e2e', testDir: './tests/e2e' },
    { name: 'setup', testDir: './tests/setup', testMatch: /.*\.setup\.ts/ },
    {
      name: 'logged-in',
      testDir: './tests/logged-in',
      dependencies: ['setup'],
      use: { storageState: `${SETUP_STATE_DIR}/demo.json` },
    },
  ],
});
