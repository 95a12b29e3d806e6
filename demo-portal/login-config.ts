import type { BrowserConfigInput, ConfigInput, SuccessInput } from '../config/schema.js';
import { DEMO_APP_KEY_ENV, demoApiFlowInput } from './api-config.js';
import { DEMO_APP_KEY, DEMO_PASSWORD, demoUser } from './users.js';
import { variantLoginUrl, type DemoVariant } from './variants.js';

export interface DemoLoginSetup {
  /** A portal-login config with one portal per variant and one account per user. */
  config: BrowserConfigInput;
  /** The environment variables the config names, holding the public demo secrets. */
  env: Record<string, string>;
}

/** How a login to `variant` is recognised: most share /api/me as their probe; rotating has its own, which rotates the cookie. */
function variantSuccess(baseUrl: string, variant: DemoVariant): SuccessInput {
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
  const portals: BrowserConfigInput['portals'] = {};
  const accounts: BrowserConfigInput['accounts'] = {};
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

/**
 * The config a user would write for the demo portal's HTTP login API
 * (`flow: api`, Autoshares style): its two URLs, the app key's variable,
 * and /api/me as the probe. Accounts are named `<user>`.
 */
export function demoApiLoginSetup(baseUrl: string, usernames: readonly string[], dirs: { stateDir: string; artifactsDir: string }): { config: ConfigInput; env: Record<string, string> } {
  const accounts: NonNullable<ConfigInput['accounts']> = {};
  const env: Record<string, string> = { [DEMO_APP_KEY_ENV]: DEMO_APP_KEY };
  for (const username of usernames) {
    const names = demoEnvNames(username);
    accounts[username] = { portal: 'api', username, ...names };
    env[names.passwordEnv] = DEMO_PASSWORD;
    env[names.totpSecretEnv] = demoUser(username).totpSecret;
  }
  return { config: { ...dirs, portals: { api: { ...demoApiFlowInput(baseUrl), success: { probeUrl: `${baseUrl}/api/me` } } }, accounts }, env };
}
