/**
 * bench/api-bare.ts as a process: the bare-fetch side for timing against
 * the portal-login bin (both pay a node start-up).
 *
 * Usage: node dist/bench/api-bare-cli.js <portalUrl> <username> <password> <appKey> <base32Secret>
 */
import { bareApiLogin } from './api-bare.js';

const args = process.argv.slice(2);
if (args.length !== 5) {
  process.stderr.write('usage: api-bare-cli.js <portalUrl> <username> <password> <appKey> <base32Secret>\n');
  process.exitCode = 2;
} else {
  const [url, username, password, appKey, totpSecret] = args as [string, string, string, string, string];
  await bareApiLogin({ url, username, password, appKey, totpSecret });
}
