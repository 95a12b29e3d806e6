import { DIRECT, proxyEgress, type Egress } from '../net/egress.js';
import type { ProxyConfig } from './proxy-schema.js';

/** The variables an account's proxy names, by config key (none without a proxy); read with the account's other secrets. */
export function proxyVariables(proxy: ProxyConfig | undefined): Partial<Record<'serverEnv' | 'usernameEnv' | 'passwordEnv', string>> {
  if (!proxy) return {};
  return {
    serverEnv: proxy.serverEnv,
    ...(proxy.usernameEnv === undefined ? {} : { usernameEnv: proxy.usernameEnv }),
    ...(proxy.passwordEnv === undefined ? {} : { passwordEnv: proxy.passwordEnv }),
  };
}

/**
 * The account's egress from the values read for proxyVariables (by the
 * same keys); SECRET_INVALID for a server that is not a proxy URL.
 * `where` is "file: accounts.NAME.proxy".
 */
export function accountEgress(proxy: ProxyConfig | undefined, values: Partial<Record<string, string>>, where: string): Egress {
  if (!proxy) return DIRECT;
  return proxyEgress(
    values.serverEnv ?? '',
    { ...(values.usernameEnv === undefined ? {} : { username: values.usernameEnv }), ...(values.passwordEnv === undefined ? {} : { password: values.passwordEnv }) },
    { serverVariable: proxy.serverEnv, where },
  );
}
