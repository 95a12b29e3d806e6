/** The demo portal Playwright's webServer starts for the setup → logged-in projects. */
export const DEMO_PORT = Number(process.env.PORTAL_LOGIN_DEMO_PORT ?? 47990);
export const DEMO_URL = `http://127.0.0.1:${DEMO_PORT}`;
/** Where the setup project saves the demo users' sessions. */
export const SETUP_STATE_DIR = '.portal-login/test-state';
