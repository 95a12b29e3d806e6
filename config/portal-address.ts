import type { PortalConfig } from './schema.js';

/**
 * The address a portal's session belongs to, per flow kind: the browser
 * login page, or the API's verify request. Exports default their cookie
 * URL to it.
 */
const ADDRESS: { [K in PortalConfig['flow']]: (portal: Extract<PortalConfig, { flow: K }>) => string } = {
  browser: (portal) => portal.loginUrl,
  api: (portal) => portal.verify.url,
};

export function portalAddress(portal: PortalConfig): string {
  return (ADDRESS[portal.flow] as (portal: PortalConfig) => string)(portal);
}
