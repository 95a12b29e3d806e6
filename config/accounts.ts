import { codeSecrets, prepareCodeSource, secretKeyPath, type CodeSourceFactory } from '../codes/kinds.js';
import type { Terminal } from '../codes/prompt-source.js';
import { PortalLoginError } from '../core/errors.js';
import type { Redactor } from '../core/redact.js';
import type { Egress } from '../net/egress.js';
import { accountEgress, proxyVariables } from './egress.js';
import { portalSecretNames } from './portal-secrets.js';
import { missingSecretsError, type Env, type MissingSecret } from './env.js';
import type { AccountConfig, Config, PortalConfig } from './schema.js';

/** An account ready to log in: config plus the secrets read from the environment. */
export interface ResolvedAccount {
  name: string;
  account: AccountConfig;
  portalName: string;
  portal: PortalConfig;
  password: string;
  /** Builds the account's code source (codes/kinds.ts) for one login. */
  codeSource: CodeSourceFactory;
  /** The portal's own secrets by config key (an API's `appKeyEnv`), read with the account's. */
  portalSecrets: Record<string, string>;
  /** Where its requests leave from: direct, or its proxy (browser context, API requests, session probe). */
  egress: Egress;
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

/** What the run offers the accounts' code sources before anything starts. */
export interface ResolveOptions {
  /** The run's terminal, when stdin is a TTY (the prompt source needs one). */
  terminal?: Terminal;
}

/**
 * Reads every selected account's secrets from `env`: the password,
 * whatever its code source names, and its proxy's variables. All missing variables are reported in one
 * error; every secret found is registered with the redactor. Then each code
 * source checks its secrets and the run (a bad TOTP secret, a prompt without
 * a terminal), so no portal is contacted for a login that cannot finish.
 */
export function resolveAccounts(config: Config, names: readonly string[], env: Env, source: string, redactor: Redactor, options: ResolveOptions = {}): ResolvedAccount[] {
  const { read, missing } = secretReader(env, source, redactor);
  const partial = names.map((name) => {
    const account = config.accounts[name]!;
    const password = read(account.passwordEnv, `accounts.${name}.passwordEnv`);
    const values = Object.fromEntries(Object.entries(codeSecrets(account.code)).map(([key, variable]) => [key, read(variable, secretKeyPath({ account: name, accountConfig: account }, key))]));
    const portalSecrets = Object.fromEntries(Object.entries(portalSecretNames(config.portals[account.portal]!)).map(([key, variable]) => [key, read(variable, `portals.${account.portal}.${key}`)]));
    const proxyValues = readProxy(name, account, read);
    return { name, account, password, values, portalSecrets, proxyValues };
  });
  if (missing.length > 0) throw missingSecretsError(missing, redactor);
  return partial.map(({ name, account, password, values, portalSecrets, proxyValues }) => {
    const portal = config.portals[account.portal]!;
    const egress = accountEgress(account.proxy, proxyValues, `${source}: accounts.${name}.proxy`);
    const codeSource = prepareCodeSource(account.code, values, { account: name, accountConfig: account, portal, source, ...(options.terminal ? { terminal: options.terminal } : {}) }, redactor);
    return { name, account, portalName: account.portal, portal, password, codeSource, portalSecrets, egress };
  });
}

/**
 * Only the accounts' egresses, for commands that probe saved sessions
 * (status, refresh's re-judge) without logging in: the probe must leave
 * from the login's address, or an IP-bound session fails it. The proxy's
 * variables missing are one MISSING_SECRET, as for a login.
 */
export function resolveEgresses(config: Config, names: readonly string[], env: Env, source: string, redactor: Redactor): Map<string, Egress> {
  const { read, missing } = secretReader(env, source, redactor);
  const values = names.map((name) => ({ name, proxy: config.accounts[name]!.proxy, values: readProxy(name, config.accounts[name]!, read) }));
  if (missing.length > 0) throw missingSecretsError(missing, redactor);
  return new Map(values.map(({ name, proxy, values }) => [name, accountEgress(proxy, values, `${source}: accounts.${name}.proxy`)]));
}

type Read = (variable: string, where: string, secret?: boolean) => string;

/** Reads variables from `env`, registering every secret with the redactor and collecting the missing ones to report at once. */
function secretReader(env: Env, source: string, redactor: Redactor): { read: Read; missing: MissingSecret[] } {
  const missing: MissingSecret[] = [];
  const read: Read = (variable, where, secret = true) => {
    const value = env[variable];
    if (value === undefined || value.trim() === '') missing.push({ variable, where: `${source}: ${where}` });
    else if (secret) redactor.add(value);
    return value ?? '';
  };
  return { read, missing };
}

/** The proxy's values by config key. Its address is not a secret: messages name it ("via proxy http://10.0.0.5:3128"), so it is not redacted. */
function readProxy(name: string, account: AccountConfig, read: Read): Record<string, string> {
  return Object.fromEntries(Object.entries(proxyVariables(account.proxy)).map(([key, variable]) => [key, read(variable, `accounts.${name}.proxy.${key}`, key !== 'serverEnv')]));
}
