import { PortalLoginError } from '../../core/errors.js';
import { createToken, isLive, parseDuration } from '../../service/tokens.js';
import type { CliContext } from '../context.js';
import { openVaultFor, type VaultArgs } from './vault.js';

export interface TokenCreateArgs extends VaultArgs {
  name: string;
  read: string[];
  write: boolean;
  expires?: string | undefined;
}

/** `token create`: the token value goes to stdout once, alone on its line; the rest to stderr. */
export async function tokenCreateCommand(args: TokenCreateArgs, ctx: CliContext, now: () => number = Date.now): Promise<number> {
  const vault = await openVaultFor(args, ctx, true);
  const at = now();
  const created = createToken({ name: args.name, read: args.read, write: args.write, expiresAtMs: args.expires === undefined ? null : at + parseDuration(args.expires) }, at);
  await vault.update((draft) => {
    draft.tokens.push(created.record);
  });
  ctx.err(`Token ${created.record.id} (${created.record.name}) created in ${vault.path}; it is shown once and stored only as a hash:`);
  ctx.out(created.value);
  return 0;
}

/** `token list`: ids, names and scopes; there are no token values to show. */
export async function tokenListCommand(args: VaultArgs & { json: boolean }, ctx: CliContext, now: () => number = Date.now): Promise<number> {
  const { tokens } = await (await openVaultFor(args, ctx, false)).read();
  const rows = tokens.map(({ hash: _hash, ...token }) => ({ ...token, live: isLive({ ...token, hash: _hash }, now()) }));
  if (args.json) {
    ctx.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) ctx.out('(no tokens)');
  for (const t of rows) {
    const state = t.revoked ? 'revoked' : t.live ? `expires ${t.expiresAt ?? 'never'}` : `expired ${t.expiresAt ?? ''}`;
    ctx.out(`${t.id}  ${t.name.padEnd(20)} read ${t.read.join(',')}${t.write ? ' +write' : ''}; ${state}`);
  }
  return 0;
}

/** `token revoke ID`: kept (revoked) so the audit log's ids still name someone. */
export async function tokenRevokeCommand(args: VaultArgs & { id: string }, ctx: CliContext): Promise<number> {
  const vault = await openVaultFor(args, ctx, false);
  await vault.update((draft) => {
    const token = draft.tokens.find((t) => t.id === args.id);
    if (!token) throw new PortalLoginError('USAGE', `There is no token with id ${JSON.stringify(args.id.slice(0, 40))} in ${vault.path}.`, { hint: 'See `portal-login token list`.' });
    token.revoked = true;
  });
  ctx.out(`Revoked token ${args.id}; a running \`serve\` refuses it from its next request.`);
  return 0;
}
