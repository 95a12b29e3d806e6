import { resolve } from 'node:path';
import { checkAccounts, type SessionCheck } from '../../app/check-session.js';
import { resolveEgresses, selectAccounts } from '../../config/accounts.js';
import { loadConfigFile } from '../../config/load.js';
import { inShard, type Shard } from '../../app/shard.js';
import { loadEnv } from '../../config/env.js';
import { openStores } from '../../session/open-store.js';
import { ledgerDir } from '../../totp/ledger-location.js';
import type { CliContext } from '../context.js';

export interface StatusArgs {
  accounts: string[];
  config: string;
  stateDir?: string;
  json: boolean;
  /** --shard i/n: only the accounts of that shard (app/shard.ts). */
  shard?: Shard;
}

/**
 * `portal-login status [account..]`: what each saved session says about
 * itself and whether it is valid now, without a browser. Prints no cookie
 * or token value. Exit status 0 whatever the verdicts: it reports; `refresh` acts.
 */
export async function statusCommand(args: StatusArgs, ctx: CliContext, now: () => Date = () => new Date()): Promise<number> {
  const { config, source } = await loadConfigFile(resolve(ctx.cwd, args.config));
  const names = inShard(selectAccounts(config, args.accounts, source), args.shard);
  const env = loadEnv({ dotenvPath: resolve(ctx.cwd, '.env'), processEnv: ctx.env });
  // Only the proxies' variables: status reads no password, but a session bound to a proxy's IP must be probed from it.
  const egresses = resolveEgresses(config, names, env, source, ctx.redactor);
  const stateDir = args.stateDir ? resolve(ctx.cwd, args.stateDir) : config.stateDir;
  const stores = await openStores({ store: config.store, stateDir, ledgerDir: ledgerDir(ctx.env), env, redactor: ctx.redactor, source });
  const checks = await checkAccounts(config, names, stores.sessions, now, egresses).finally(() => stores.close());
  ctx.out(args.json ? JSON.stringify({ accounts: checks.map(checkAsJson) }, null, 2) : statusTable(checks));
  return 0;
}

/** One account as JSON: facts and verdict, never a value. */
export function checkAsJson(check: SessionCheck) {
  return {
    account: check.account,
    portal: check.portal,
    savedAt: check.info?.savedAt ?? null,
    obtainedBy: check.info?.obtainedBy ?? null,
    expiresAt: check.verdict.expiresAt,
    nextCutoffAt: check.verdict.nextCutoffAt,
    valid: check.verdict.valid,
    reason: check.verdict.reason,
    wroteBack: check.wroteBack,
    lastLogin: check.lastLogin ?? null,
  };
}

/** An ISO time to the second, as people read it in a table. */
const shortTime = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');

/** "browser session" for a session without a date, "-" for no session. */
export function expiryText(check: SessionCheck): string {
  if (!check.info) return '-';
  return check.verdict.expiresAt ? shortTime(check.verdict.expiresAt) : 'browser session';
}

/** "ok 2026-…Z", "BAD_CREDENTIALS 2026-…Z" (the code only: no portal text), or "-" when no login was recorded. */
export function lastLoginText(check: SessionCheck): string {
  const last = check.lastLogin;
  if (!last) return '-';
  return `${last.ok ? 'ok' : last.code} ${shortTime(last.at)}`;
}

function statusTable(checks: readonly SessionCheck[]): string {
  const header = ['ACCOUNT', 'PORTAL', 'SAVED AT', 'EXPIRES AT', 'LAST LOGIN', 'VALID', 'REASON'];
  const rows = checks.map((c) => {
    const saved = c.info ? `${shortTime(c.info.savedAt)}${c.info.obtainedBy === 'write-back' ? ' (write-back)' : ''}` : '-';
    const cutoff = c.verdict.nextCutoffAt && c.verdict.valid !== 'no' ? `; ends by the cutoff at ${shortTime(c.verdict.nextCutoffAt)}` : '';
    return [c.account, c.portal, saved, expiryText(c), lastLoginText(c), c.verdict.valid, `${c.verdict.reason}${cutoff}`];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // The last column is not padded: trailing spaces only get in the way of grep and diff.
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [header, ...rows].map(line).join('\n');
}
