import * as z from 'zod';
import { envVarName } from './env-var-name.js';

/**
 * `accounts.NAME.proxy`: the egress of one account, by the NAMES of the
 * variables holding the proxy's address and credentials (net/egress.ts reads
 * and checks the values). The address is a variable too: it is the
 * account's registered static IP, which is not for the config in git.
 */
export const proxySchema = z
  .strictObject({
    /** e.g. PROXY_MAIN holding http://10.0.0.5:3128 (http, https or socks5). */
    serverEnv: envVarName,
    usernameEnv: envVarName.optional(),
    passwordEnv: envVarName.optional(),
  })
  .refine((proxy) => proxy.passwordEnv === undefined || proxy.usernameEnv !== undefined, {
    path: ['usernameEnv'],
    message: 'a proxy password needs a user name: set usernameEnv as well (or remove passwordEnv)',
  });

export type ProxyConfig = z.output<typeof proxySchema>;
