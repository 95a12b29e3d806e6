import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { systemClock } from '../../core/clock.js';
import { PortalLoginError } from '../../core/errors.js';
import { startTeamService } from '../../service/server.js';
import { vaultFile } from '../../service/vault-file.js';
import { vaultKeyFrom } from '../../service/vault-key.js';
import type { CliContext } from '../context.js';

export interface ServeArgs {
  vault: string;
  host: string;
  port: number;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  insecureListen: boolean;
  auditLog?: string | undefined;
  keyFile?: string | undefined;
  /** Requests per second per token (burst: twice that). */
  rate: number;
}

/** `portal-login serve`: the team TOTP service until SIGINT/SIGTERM. Prints its URL on stdout. */
export async function serveCommand(args: ServeArgs, ctx: CliContext, stop: Promise<unknown> = untilSignal()): Promise<number> {
  if ((args.tlsCert === undefined) !== (args.tlsKey === undefined)) {
    throw new PortalLoginError('USAGE', 'Give both --tls-cert and --tls-key, or neither.');
  }
  const vaultPath = resolve(ctx.cwd, args.vault);
  const key = await vaultKeyFrom({ keyFile: args.keyFile && resolve(ctx.cwd, args.keyFile), env: ctx.env });
  const tls = args.tlsCert && args.tlsKey ? { cert: await readPem(ctx, args.tlsCert), key: await readPem(ctx, args.tlsKey) } : undefined;
  const auditLogPath = resolve(ctx.cwd, args.auditLog ?? `${args.vault}.audit.jsonl`);
  const service = await startTeamService({
    vault: vaultFile(vaultPath, key, { create: false }),
    host: args.host,
    port: args.port,
    tls,
    insecureListen: args.insecureListen,
    auditLogPath,
    stepsPath: `${vaultPath}.steps.json`,
    rateLimit: { perSecond: args.rate, burst: args.rate * 2 },
    clock: systemClock,
    logError: ctx.err,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES' && error.code !== 'EADDRNOTAVAIL') throw error;
    throw new PortalLoginError('USAGE', `Cannot listen on ${args.host}:${args.port} (${error.code}).`, { hint: 'Pick another --host/--port (--port 0 for any free one).' });
  });
  ctx.out(`Team TOTP service listening on ${service.url}`);
  ctx.err(`vault ${vaultPath}; audit log ${auditLogPath}. Ctrl-C stops.`);
  await stop;
  await service.close();
  return 0;
}

async function readPem(ctx: CliContext, path: string): Promise<Buffer> {
  return readFile(resolve(ctx.cwd, path)).catch((error: NodeJS.ErrnoException) => {
    throw new PortalLoginError('USAGE', `Cannot read ${path} (${error.code ?? 'error'}).`, { hint: 'Check --tls-cert and --tls-key (PEM files).' });
  });
}

function untilSignal(): Promise<unknown> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
