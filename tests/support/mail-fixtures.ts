import { startDemoPortal, type DemoPortal } from '../../demo-portal/index.js';
import { startDovecot, type Dovecot } from '../../devtools/dovecot.js';
import { test } from './fixtures.js';

/** The fixtures plus a real Dovecot per test and a demo portal that mails its codes into it over LMTP. */
export const mailTest = test.extend<{ mail: Dovecot; mailPortal: DemoPortal }>({
  mail: async ({}, use) => {
    const dovecot = await startDovecot();
    await use(dovecot);
    await dovecot.stop();
  },
  mailPortal: async ({ mail }, use) => {
    const portal = await startDemoPortal({ mail: { lmtpHost: mail.host, lmtpPort: mail.lmtpPort, to: `${mail.user}@example.com` } });
    await use(portal);
    await portal.close();
  },
});
