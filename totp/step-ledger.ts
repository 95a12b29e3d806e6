import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, ensureWritableDir, writeFileAtomic } from '../core/atomic-write.js';
import { PortalLoginError } from '../core/errors.js';
import { withFileLock } from '../core/file-lock.js';
import { checkLedgerDirOwnership, LEDGER_DIR_ENV } from './ledger-location.js';
import type { TotpSpec } from './spec.js';

/** Reserves windows so no process ever submits the same code twice. */
export interface StepLedger {
  /**
   * Under an exclusive lock: reads the last used window for this secret,
   * lets `choose` pick one, and records it before returning it.
   */
  claim<T extends { step: number }>(spec: TotpSpec, choose: (lastUsedStep: number | undefined) => T): Promise<T>;
  /**
   * Proves the ledger can record a claim, before any portal is contacted:
   * a ledger that cannot would let the password and a code be spent first.
   * Throws STATE_WRITE_FAILED (a folder that cannot be written or is not safe).
   */
  prepare(): Promise<void>;
}

interface LedgerRecord {
  lastUsedStep: number;
  updatedAt: string;
}

/**
 * A ledger kept as one small JSON file per secret under `dir` (next to the
 * session files). The file name is a hash of the secret, never the secret.
 */
export function fileStepLedger(dir: string, options: { lockWaitMs?: number } = {}): StepLedger {
  return {
    async prepare() {
      try {
        await ensureWritableDir(dir);
      } catch (error) {
        throw ledgerWriteFailed(dir, error);
      }
      await checkLedgerDirOwnership(dir);
    },
    async claim(spec, choose) {
      await ensurePrivateDir(dir);
      const file = join(dir, `${secretKey(spec)}.json`);
      // A claim takes milliseconds: waiting longer than this (default 10 s) means another run is stuck, which is LOCK_HELD, not a bug.
      return withFileLock({ lockPath: `${file}.lock`, waitMs: options.lockWaitMs ?? 10_000, pollMs: 10, what: `The used-code ledger in ${dir}` }, async () => {
        const chosen = choose(await readLastUsed(file));
        const record: LedgerRecord = { lastUsedStep: chosen.step, updatedAt: new Date().toISOString() };
        await writeFileAtomic(file, JSON.stringify(record) + '\n');
        return chosen;
      });
    },
  };
}

/** A ledger that lives in memory only (tests, one-shot `totp` command). */
export function memoryStepLedger(): StepLedger {
  const used = new Map<string, number>();
  return {
    prepare: async () => undefined,
    async claim(spec, choose) {
      const key = secretKey(spec);
      const chosen = choose(used.get(key));
      used.set(key, chosen.step);
      return chosen;
    },
  };
}

/** What names a secret in a ledger (file name, Redis key): a hash of it, never the secret. */
export function secretKey(spec: TotpSpec): string {
  return createHash('sha256').update(spec.secret.bytes).digest('hex').slice(0, 32);
}

async function readLastUsed(file: string): Promise<number | undefined> {
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as Partial<LedgerRecord>;
    return typeof record.lastUsedStep === 'number' ? record.lastUsedStep : undefined;
  } catch {
    return undefined;
  }
}

/** The ledger's folder refused a file (read-only mount, no permission, full disk): say which folder and how to move it. */
function ledgerWriteFailed(dir: string, error: unknown): PortalLoginError {
  const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message.split('\n')[0] : String(error));
  return new PortalLoginError('STATE_WRITE_FAILED', `The used-code ledger folder ${dir} cannot be written (${code}); no portal was contacted.`, {
    hint: `portal-login records each TOTP window it uses there, so no code is ever sent twice. Make that folder writable by this user, or set ${LEDGER_DIR_ENV} to a folder this user can write (the same one for every run of this user).`,
    cause: error,
  });
}
