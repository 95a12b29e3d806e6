import type { ApiFlowInput } from '../config/api-flow-schema.js';
import { API_PATHS } from './api.js';

/** The env var the demo's API config names for its app key (the value is DEMO_APP_KEY, public like the passwords). */
export const DEMO_APP_KEY_ENV = 'DEMO_APP_KEY';

/**
 * The API-flow keys a user writes for the demo's login API at `baseUrl`:
 * its two URLs and the app key's variable; everything else is the
 * schema's Autoshares-style default. The probe is `${baseUrl}/api/me`.
 */
export function demoApiFlowInput(baseUrl: string): ApiFlowInput {
  return {
    flow: 'api',
    appKeyEnv: DEMO_APP_KEY_ENV,
    login: { url: `${baseUrl}${API_PATHS.login}` },
    verify: { url: `${baseUrl}${API_PATHS.verify}` },
  };
}
