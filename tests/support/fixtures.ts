import { test as base } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoPortal, type DemoPortal } from '../../demo-portal/index.js';
import { writeDemoWorkspace, type DemoWorkspaceFactory } from './cli.js';

/** Makes a new empty folder under the OS temp dir, named `prefix` + random; removed after the test. */
export type TempDirFactory = (prefix?: string) => Promise<string>;

export interface Fixtures {
  /** A fresh demo portal per test (its own lockout, replay and code records). */
  portal: DemoPortal;
  tempDir: TempDirFactory;
  /** Temp folders with a portal-login.yaml for a demo portal; removed after the test. */
  demoWorkspace: DemoWorkspaceFactory;
}

export const test = base.extend<Fixtures>({
  portal: async ({}, use) => {
    const portal = await startDemoPortal();
    await use(portal);
    await portal.close();
  },
  // Each test's folders are its own, so cleaning up after one never touches a test still running in parallel.
  tempDir: async ({}, use) => {
    const created: string[] = [];
    await use(async (prefix = 'portal-login-') => {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      created.push(dir);
      return dir;
    });
    // Also when the test failed: its assertions already carry the CLI's output, and one folder left per run is how /tmp filled up.
    // Retries (ENOTEMPTY): a CLI killed on purpose leaves its Chromium writing into a profile under TMPDIR while it shuts down.
    await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })));
  },
  demoWorkspace: async ({ tempDir }, use) => {
    await use(async (baseUrl, variants, users, edit) => writeDemoWorkspace(await tempDir('portal-login-e2e-'), baseUrl, variants, users, edit));
  },
});
export { expect } from '@playwright/test';
