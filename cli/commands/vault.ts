import { resolve } from 'node:path';
import { PortalLoginError } from '../../core/errors.js';
import { buildEntry } from '../../service/entry-input.js';
import { vaultFile, type VaultFile } from '../../service/vault-file.js';
import { vaultKeyFrom } from '../../service/vault-key.js';
import type { TotpAlgorithm } from '../../totp/defaults.js';
import type { CliContext } from '../context.js';
import { readAll, readHidden } from '../../core/terminal-input.js';

/** Options every command on a vault file takes. */
export interface VaultArgs {
  vault: string;
  keyFile?: string | undefined;
}

export interface VaultAddArgs extends VaultArgs {
  name: string;
  issuer?: string | undefined;
  accountName?: string | undefined;
  period?: number | undefined;
  digits?: number | undefined;
  algorithm?: TotpAlgorithm | undefined;
}

/** The vault named by --vault with the key from --key-file or the environment. */
export async function openVaultFor(args: VaultArgs, ctx: CliContext, create: boolean): Promise<VaultFile> {
  const key = await vaultKeyFrom({ keyFile: args.keyFile && resolve(ctx.cwd, args.keyFile), env: ctx.env });
  return vaultFile(resolve(ctx.cwd, args.vault), key, { create });
}

/** `vault add NAME`: the secret (base32 or otpauth URI) from stdin or a hidden prompt, never an argument. */
export async function vaultAddCommand(args: VaultAddArgs, ctx: CliContext, now: () => number = Date.now): Promise<number> {
  const vault = await openVaultFor(args, ctx, true);
  const input = ctx.stdin.isTTY ? await readHidden(ctx.stdin, (t) => process.stderr.write(t), 'TOTP secret or otpauth URI (input hidden): ') : await readAll(ctx.stdin);
  ctx.redactor.add(input);
  if (input === '') throw new PortalLoginError('MISSING_SECRET', 'No TOTP secret given on stdin.', { hint: 'Pipe the base32 secret or the otpauth://totp/ URI in, or run in a terminal to be prompted.' });
  const isUri = /^otpauth:/i.test(input);
  const entry = buildEntry({ name: args.name, url: isUri ? input : undefined, key: isUri ? undefined : input, issuer: args.issuer, accountName: args.accountName, period: args.period, digits: args.digits, algorithm: args.algorithm }, now(), isUri ? 'the URI on stdin' : 'stdin');
  ctx.redactor.add(entry.secret);
  const replaced = await vault.update((draft) => {
    const existed = draft.entries.some((e) => e.name === entry.name);
    draft.entries = [...draft.entries.filter((e) => e.name !== entry.name), entry];
    return existed;
  });
  ctx.out(`${replaced ? 'Replaced' : 'Added'} ${entry.name} (${describe(entry)}) in ${vault.path}`);
  return 0;
}

/** `vault list`: names and parameters, never secrets. */
export async function vaultListCommand(args: VaultArgs & { json: boolean }, ctx: CliContext): Promise<number> {
  const contents = await (await openVaultFor(args, ctx, false)).read();
  const entries = [...contents.entries].sort((a, b) => a.name.localeCompare(b.name));
  if (args.json) {
    ctx.out(JSON.stringify(entries.map(({ secret: _secret, ...meta }) => meta), null, 2));
    return 0;
  }
  if (entries.length === 0) ctx.out('(no entries)');
  for (const entry of entries) ctx.out(`${entry.name.padEnd(24)} ${describe(entry)}`);
  return 0;
}

/** `vault rm NAME`. */
export async function vaultRmCommand(args: VaultArgs & { name: string }, ctx: CliContext): Promise<number> {
  const vault = await openVaultFor(args, ctx, false);
  await vault.update((draft) => {
    if (!draft.entries.some((e) => e.name === args.name)) {
      throw new PortalLoginError('USAGE', `There is no entry named ${JSON.stringify(args.name.slice(0, 64))} in ${vault.path}.`, { hint: 'See `portal-login vault list`.' });
    }
    draft.entries = draft.entries.filter((e) => e.name !== args.name);
  });
  ctx.out(`Removed ${args.name} from ${vault.path}`);
  return 0;
}

function describe(entry: { issuer: string; accountName: string; period: number; digits: number; algorithm: string }): string {
  const who = [entry.issuer, entry.accountName].filter(Boolean).join(': ') || 'no issuer/account';
  return `${who}; ${entry.digits} digits, ${entry.period} s, ${entry.algorithm}`;
}
