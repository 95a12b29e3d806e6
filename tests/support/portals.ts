import type { BrowserPortalConfig, Config } from '../../config/schema.js';

/** The named portal of a validated config, which the test wrote as a browser portal; fails the test if it is not one. */
export function browserPortal(config: Config, name: string): BrowserPortalConfig {
  const portal = config.portals[name];
  if (portal?.flow !== 'browser') throw new Error(`portals.${name} is not a browser portal in this test's config`);
  return portal;
}
