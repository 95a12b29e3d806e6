import { Secret, TOTP } from 'otpauth';
import { DEMO_PASSWORD, demoUser, type DemoPortal } from '../../demo-portal/index.js';

async function post(url: string, body: unknown, token?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

/** Locks a demo user the way a careless script would: five wrong passwords (over the spa API). */
export async function lockUser(portal: DemoPortal, username: string): Promise<void> {
  for (let i = 0; i < 5; i++) await post(`${portal.url}/spa/api/login`, { username, password: 'wrong-password' });
}

/** Logs a user in over HTTP with the code of the window at `atMs`, so that window counts as used on the server. */
export async function useWindowElsewhere(portal: DemoPortal, username: string, atMs: number): Promise<string> {
  const login = await post(`${portal.url}/spa/api/login`, { username, password: DEMO_PASSWORD });
  const { interimToken } = (await login.json()) as { interimToken: string };
  const code = TOTP.generate({ secret: Secret.fromBase32(demoUser(username).totpSecret), timestamp: atMs });
  const verify = await post(`${portal.url}/spa/api/verify`, { code }, interimToken);
  if (verify.status !== 200) throw new Error(`setup login failed: ${verify.status}`);
  return code;
}
