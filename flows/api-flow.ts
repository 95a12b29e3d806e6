import type { ApiPortalConfig } from '../config/schema.js';
import { sessionExpiry } from '../session/model.js';
import { sessionCookieNames } from '../session/session-cookies.js';
import type { Flow } from './flow.js';
import { apiLogin } from './http-api.js';

/**
 * The HTTP API flow (`flow: api`): the two-step login of flows/http-api.ts,
 * no browser, its tokens and cookies as the session. Works on a machine
 * without Chromium: nothing here loads Playwright.
 */
export const apiFlow: Flow<ApiPortalConfig> = {
  usesBrowser: false,
  async run({ account, portal, codes, source, redactor, log, timeoutMs }) {
    const result = await apiLogin({
      portal,
      portalRef: `${source}: portals.${account.portalName}`,
      username: account.account.username,
      password: account.password,
      ...(account.portalSecrets.appKeyEnv === undefined ? {} : { appKey: account.portalSecrets.appKeyEnv }),
      codeSource: codes,
      redactor,
      log,
      timeoutMs,
      egress: account.egress,
    });
    const sessionCookies = sessionCookieNames(result.cookies, { configured: portal.session.cookies, before: [] });
    return {
      skewMs: result.skewMs,
      session: {
        cookies: result.cookies,
        origins: [],
        tokens: result.tokens,
        info: {
          account: account.name,
          portal: account.portalName,
          savedAt: new Date().toISOString(),
          obtainedBy: 'login',
          expiresAt: sessionExpiry(result.cookies, sessionCookies),
          sessionCookies,
        },
      },
    };
  },
};
