import { availableParallelism, totalmem } from 'node:os';

/** What one account's login costs while it runs: a Chromium context with its renderer (measured in bench/, README "Measured"). */
const MEMORY_PER_LOGIN_BYTES = 200 * 1024 * 1024;
/** Beyond this, more parallel logins on one browser mostly queue in Chromium. */
const MAX_DEFAULT = 8;

/**
 * The default number of accounts logged in at once: logins mostly wait (on
 * the portal, on a TOTP window), so several per core, bounded by half the
 * machine's memory and by MAX_DEFAULT.
 */
export function defaultConcurrency(machine: { cores: number; memoryBytes: number } = { cores: availableParallelism(), memoryBytes: totalmem() }): number {
  const byCores = machine.cores * 4;
  const byMemory = Math.floor(machine.memoryBytes / 2 / MEMORY_PER_LOGIN_BYTES);
  return Math.max(1, Math.min(MAX_DEFAULT, byCores, byMemory));
}
