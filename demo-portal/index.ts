/**
 * Public surface of the demo portal: a local broker-style login site used by
 * `portal-login demo` and by the end-to-end tests.
 */
import type { DemoPortal } from './server.js';
import { variantLoginUrl, type DemoVariant } from './variants.js';

export { startDemoPortal, type DemoPortal, type DemoPortalOptions } from './server.js';
export { API_BROKEN_USER, API_PATHS } from './api.js';
export { DEMO_APP_KEY, DEMO_PASSWORD, DEMO_USERNAMES, demoUser, type DemoUser } from './users.js';
export { IP_BOUND_USERNAMES, IP_REFUSED_MESSAGE, REGISTERED_IP } from './egress.js';
export { DEMO_VARIANTS, type DemoVariant } from './variants.js';
export type { DemoMailOptions, SentEmail } from './variants/state.js';
export { lmtpDeliver, type LmtpDelivery } from './lmtp.js';

/** Where a person starts logging in: `${url}/${variant}/login`, or `${url}/spa/` for the spa. */
export function loginUrl(portal: DemoPortal, variant: DemoVariant): string {
  return variantLoginUrl(portal.url, variant);
}
