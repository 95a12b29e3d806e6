// A Node job using a session portal-login saved: `fetch` with its cookies
// (and, for a portal whose API wants a bearer token, a captured token).
// Run it in the folder with portal-login.yaml, after `portal-login login`:
//   node examples/fetch-with-session.mjs <account> <url> [TOKEN]
import { loadSession, PortalLoginError } from 'portal-login';

const [account = 'main', url = 'https://broker.example/api/me', tokenName] = process.argv.slice(2);
try {
  const session = await loadSession(account); // portal-login.yaml or $PORTAL_LOGIN_CONFIG
  const headers = session.headers(url); // { Cookie: '…' } for this URL only
  if (tokenName) headers.Authorization = `Bearer ${session.tokens[tokenName]}`;
  const response = await fetch(url, { headers });
  console.log(response.status, await response.text());
} catch (error) {
  // NO_SESSION: log in first; the message says how.
  if (!(error instanceof PortalLoginError)) throw error;
  console.error(`${error.code}: ${error.message}\n${error.hint ?? ''}`);
  process.exitCode = 1;
}
