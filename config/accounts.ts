import { PortalLoginError } from '../core/errors.js';
import type { Redactor } from '../core/redact.js';
import { resolveTotpSpec, type TotpSpec } from '../totp/spec.js';
import { missingSecretsError, type Env, type MissingSecret } from './env.js';
import type { AccountConfig, Config, PortalConfig } from './schema.js';

/** An account ready to log in: config plus the secrets read from the environment. */
export interface ResolvedAccount {
  name: string;
  account: AccountConfig;
  portalName: string;
  portal: PortalConfig;
  password: string;
  totp: TotpSpec;
  /** Seconds a submitted code must still be valid for. */
  minSecondsLeft: number;
}

/** Names → accounts; all accounts when `names` is empty. Unknown names fail together. */
export function selectAccounts(config: Config, names: readonly string[], source: string): string[] {
  const known = Object.keys(config.accounts);
  if (names.length === 0) {
    if (known.length === 0) throw new PortalLoginError('CONFIG_INVALID', `${source} defines no accounts.`, { hint: 'Add an entry under accounts: (see the README).' });
    return known;
  }
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new PortalLoginError('UNKNOWN_ACCOUNT', `Unknown account${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} (not under accounts: in ${source}).`, {
      hint: `Known accounts: ${known.join(', ') || '(none)'}.`,
    });
  }
  return [...new Set(names)];
}

/**
 * Reads every selected account's secrets from `env`. All missing variables
 * are reported in one error; every secret found is registered with the redactor.
 */
export function resolveAccounts(config: Config, names: readonly string[], env: Env, source: string, redactor: Redactor): ResolvedAccount[] {
  const missing: MissingSecret[] = [];
  const read = (name: string, key: 'passwordEnv' | 'totpSecretEnv', variable: string) => {
    const value = env[variable];
    if (value === undefined || value.trim() === '') missing.push({ variable, where: `${source}: accounts.${name}.${key}` });
    else redactor.add(value);
    return value ?? '';
  };
  const partial = names.map((name) => {
    const account = config.accounts[name]!;
    return { name, account, password: read(name, 'passwordEnv', account.passwordEnv), secret: read(name, 'totpSecretEnv', account.totpSecretEnv) };
  });
  if (missing.length > 0) throw missingSecretsError(missing, redactor);
  return partial.map(({ name, account, password, secret }) => {
    const portal = config.portals[account.portal]!;
    const totp = resolveTotpSpec(secret, { account: account.totp, portal: portal.totp }, `${account.totpSecretEnv} (accounts.${name}.totpSecretEnv)`);
    redactor.add(totp.secret.base32);
    // The schema filled the portal's minSecondsLeft, so the account's is the only override.
    const minSecondsLeft = account.totp?.minSecondsLeft ?? portal.totp.minSecondsLeft;
    return { name, account, portalName: account.portal, portal, password, totp, minSecondsLeft };
  });
}
