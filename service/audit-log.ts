import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** One line per request. There is deliberately no field for a code, secret or token value. */
export interface AuditRecord {
  time: string;
  /** The token's public id; null when none (or no valid one) was presented. */
  token: string | null;
  /** The entry the request named, if any. */
  entry: string | null;
  action: string;
  status: number;
}

export interface AuditLog {
  write(record: AuditRecord): void;
  close(): void;
}

/**
 * Appends JSON lines to `path` (created 0600; O_APPEND, so lines of several
 * writers never overwrite each other). Each write is synchronous: a request
 * is on disk before its reply, and a killed server loses no line.
 */
export function openAuditLog(path: string): AuditLog {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'a', 0o600);
  return {
    write: (record) => {
      writeSync(fd, JSON.stringify(record) + '\n');
    },
    close: () => closeSync(fd),
  };
}
