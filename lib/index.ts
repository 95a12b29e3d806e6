/**
 * portal-login as a library (package entry `portal-login`): the API only;
 * everything else stays internal. The Playwright Test helper is its own
 * entry (`portal-login/playwright`), so Node jobs never load Playwright.
 */
export { loadSession, type LoadSessionOptions, type LoadedSession } from './load-session.js';
export { PortalLoginError, type ErrorCode } from '../core/errors.js';
export type { SessionInfo } from '../session/model.js';
