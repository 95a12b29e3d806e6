import { resolve } from 'node:path';
import { selectAccounts } from '../../config/accounts.js';
import { loadEnv, missingSecretsError } from '../../config/env.js';
import { loadConfigFile } from '../../config/load.js';
import { PortalLoginError } from '../../core/errors.js';
import { codeAt, secondsLeft } from '../../totp/code.js';
import { resolveTotpSpec, type TotpAlgorithm, type TotpLayers } from '../../totp/spec.js';
import type { CliContext } from '../context.js';
import { secretKeyPath } from '../../codes/kinds.js';
import { readHidden, readAll } from '../../core/terminal-input.js';

export interface TotpArgs {
  secret?: string;
  account?: string;
  config: string;
  digits?: number;
  period?: number;
  algorithm?: TotpAlgorithm;
  json: boolean;
}

/**
 * `portal-login totp`: prints the current code and the seconds left. The
 * secret comes from the argument, an account's env var, stdin, or a hidden
 * prompt (so it need not land in shell history).
 */
export async function totpCommand(args: TotpArgs, ctx: CliContext, now: () => number = Date.now): Promise<number> {
  const { secret, source, configTotp } = await readSecret(args, ctx);
  ctx.redactor.add(secret);
  const flags = { digits: args.digits, period: args.period, algorithm: args.algorithm };
  const spec = resolveTotpSpec(secret, { ...configTotp, flags }, source);
  const at = now();
  const code = codeAt(spec, at);
  const left = Math.ceil(secondsLeft(at, spec.period));
  if (args.json) ctx.out(JSON.stringify({ code, secondsLeft: left, period: spec.period, digits: spec.digits, algorithm: spec.algorithm }));
  else ctx.out(`${code}  (${left} s left)`);
  return 0;
}

interface GivenSecret {
  secret: string;
  /** Names where the secret came from, for error messages. */
  source: string;
  /** The account's and its portal's `totp:` (with --account), for resolveTotpSpec. */
  configTotp: Omit<TotpLayers, 'flags'>;
}

async function readSecret(args: TotpArgs, ctx: CliContext): Promise<GivenSecret> {
  if (args.secret !== undefined) return { secret: args.secret, source: 'the command line', configTotp: {} };
  if (args.account) {
    const { config, source } = await loadConfigFile(resolve(ctx.cwd, args.config));
    selectAccounts(config, [args.account], source); // UNKNOWN_ACCOUNT with the known names
    const account = config.accounts[args.account]!;
    const env = loadEnv({ dotenvPath: resolve(ctx.cwd, '.env'), processEnv: ctx.env });
    // The one command that is about TOTP itself: other sources have no secret to make a code from.
    if (account.code.source !== 'totp') {
      throw new PortalLoginError('USAGE', `Account "${args.account}" gets its codes from source ${account.code.source}, not from a TOTP secret.`, {
        hint: 'portal-login totp prints codes for TOTP accounts only (totpSecretEnv, or code: { source: totp }).',
      });
    }
    const variable = account.code.secretEnv;
    const value = env[variable];
    if (!value) throw missingSecretsError([{ variable, where: `${source}: ${secretKeyPath({ account: args.account, accountConfig: account }, 'secretEnv')}` }], ctx.redactor);
    const portal = config.portals[account.portal]!;
    return { secret: value, source: variable, configTotp: { account: account.totp, portal: portal.totp } };
  }
  const secret = ctx.stdin.isTTY ? await readHidden(ctx.stdin, (t) => process.stderr.write(t), 'TOTP secret (input hidden): ') : await readAll(ctx.stdin);
  if (secret.trim() === '') {
    throw new PortalLoginError('MISSING_SECRET', 'No TOTP secret given.', {
      hint: 'Pass it as an argument, pipe it on stdin, use --account NAME, or run in a terminal to be prompted.',
    });
  }
  return { secret, source: ctx.stdin.isTTY ? 'the prompt' : 'stdin', configTotp: {} };
}
