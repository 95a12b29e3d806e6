import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where used TOTP windows are recorded: one place per OS user, whatever
 * config, --state-dir or command is used, so two runs for the same secret can
 * never send the same code. PORTAL_LOGIN_LEDGER_DIR overrides it, else
 * $XDG_STATE_HOME/portal-login/totp-steps (default ~/.local/state/...).
 */
export function ledgerDir(env: NodeJS.ProcessEnv): string {
  if (env.PORTAL_LOGIN_LEDGER_DIR) return env.PORTAL_LOGIN_LEDGER_DIR;
  const stateHome = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(stateHome, 'portal-login', 'totp-steps');
}
