import type { ConfigInput } from '../config/schema.js';
import { DEMO_PASSWORD, demoUser } from './users.js';
import { variantLoginUrl, type DemoVariant } from './variants.js';

export interface DemoLoginSetup {
  /** A portal-login config with one portal per variant and one account per user. */
  config: ConfigInput;
  /** The environment variables the config names, holding the public demo secrets. */
  env: Record<string, string>;
}

/** How a login to `variant` is recognised: most share /api/me as their probe; rotating has its own, which rotates the cookie. */
function variantSuccess(baseUrl: string, variant: DemoVariant): NonNullable<ConfigInput['portals']>[string]['success'] {
  if (variant === 'spa') return { selector: '#dashboard' };
  if (variant === 'rotating') return { url: '/dashboard$', probeUrl: `${baseUrl}/rotating/api/me` };
  return { url: '/dashboard$', probeUrl: `${baseUrl}/api/me` };
}

/** Env var names for a demo user's secrets, e.g. DEMO01_PASSWORD. */
export function demoEnvNames(username: string): { passwordEnv: string; totpSecretEnv: string } {
  const stem = username.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return { passwordEnv: `${stem}_PASSWORD`, totpSecretEnv: `${stem}_TOTP_SECRET` };
}

/**
 * The config a user would write for the demo portal at `baseUrl`, with no
 * selectors: field detection does the work. Accounts are named
 * `<user>` (first variant) or `<variant>-<user>` when several variants are asked for.
 */
export function demoLoginSetup(baseUrl: string, variants: readonly DemoVariant[], usernames: readonly string[], dirs: { stateDir: string; artifactsDir: string }): DemoLoginSetup {
  const portals: NonNullable<ConfigInput['portals']> = {};
  const accounts: NonNullable<ConfigInput['accounts']> = {};
  const env: Record<string, string> = {};
  for (const variant of variants) {
    portals[variant] = {
      loginUrl: variantLoginUrl(baseUrl, variant),
      success: variantSuccess(baseUrl, variant),
    };
    for (const username of usernames) {
      const names = demoEnvNames(username);
      accounts[variants.length === 1 ? username : `${variant}-${username}`] = { portal: variant, username, ...names };
      env[names.passwordEnv] = DEMO_PASSWORD;
      env[names.totpSecretEnv] = demoUser(username).totpSecret;
    }
  }
  return { config: { ...dirs, portals, accounts }, env };
}
