/**
 * Side B of the API benchmark: the demo API's two requests with bare
 * fetch, as a person would write them for one portal (fixed headers, no
 * cookie jar, no classification, no redaction). A function, so the bench
 * can call it in-process, and behind bench/api-bare-cli.ts as a process of
 * its own, to time against the portal-login bin.
 */
import { Secret, TOTP } from 'otpauth';

export interface BareApiAccount {
  /** The demo portal's base URL, e.g. http://127.0.0.1:43123. */
  url: string;
  username: string;
  password: string;
  appKey: string;
  /** Base32 TOTP secret. */
  totpSecret: string;
}

async function post(url: string, headers: Record<string, string>): Promise<{ data: { token: string } }> {
  const response = await fetch(url, { method: 'POST', headers: { accept: 'application/json', ...headers } });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { data: { token: string } };
}

/** Logs in over the demo's API; resolves to the auth token. */
export async function bareApiLogin(account: BareApiAccount): Promise<string> {
  const appKey = { 'Et-App-Key': account.appKey };
  const login = await post(`${account.url}/api/auth/login`, { ...appKey, Username: account.username, Password: account.password });
  const code = TOTP.generate({ secret: Secret.fromBase32(account.totpSecret) });
  const verify = await post(`${account.url}/api/auth/verify`, { ...appKey, Authorization: `Bearer ${login.data.token}`, VerificationCode: code });
  return verify.data.token;
}
