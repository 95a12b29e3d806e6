import type { PortalConfig } from './schema.js';

/**
 * The env vars a portal itself names, by config key, per flow kind (an API's
 * app key). Read and checked with the accounts' secrets, all at once.
 */
const SECRETS: { [K in PortalConfig['flow']]: (portal: Extract<PortalConfig, { flow: K }>) => Record<string, string> } = {
  browser: () => ({}),
  api: (portal): Record<string, string> => (portal.appKeyEnv === undefined ? {} : { appKeyEnv: portal.appKeyEnv }),
};

export function portalSecretNames(portal: PortalConfig): Record<string, string> {
  return (SECRETS[portal.flow] as (portal: PortalConfig) => Record<string, string>)(portal);
}
