import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../core/atomic-write.js';
import { PortalLoginError } from '../core/errors.js';
import { withFileLock } from '../core/file-lock.js';
import { parseLoginRecord, serializeLoginRecord } from './login-record.js';
import { fromStateFile, toStateFile, type LegacyFacts } from './state-file.js';
import type { SessionStore } from './store.js';
import { sweepStaleTemps } from './temp-sweep.js';

/** File operations the store uses, injectable so tests can fail a write the way a full disk does. */
export interface FileStoreIo {
  writeFileAtomic: (path: string, data: string) => Promise<void>;
}

/**
 * Sessions as files under `dir`: `<account>.json` (0600; see
 * session/state-file.ts), its lock `.<account>.lock` and its latest login's
 * outcome `.<account>.last-login.json` (no secret), nothing else once a
 * save has run. Files of older versions next to it (`.meta.json`,
 * `.session-storage.json`) are read when the state file has no
 * `portalLogin` key, and deleted by the next save.
 */
export function fileSessionStore(dir: string, io: FileStoreIo = { writeFileAtomic }): SessionStore {
  const pathOf = (account: string) => join(dir, `${account}.json`);
  const legacyPaths = (account: string) => ({ meta: join(dir, `${account}.meta.json`), sessionStorage: join(dir, `${account}.session-storage.json`) });

  return {
    pathOf,

    async load(account) {
      const path = pathOf(account);
      await sweepStaleTemps(dir, `${account}.json`);
      const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (text === undefined) return undefined;
      const json = parseJson(text, path);
      const legacy = hasPortalLoginKey(json) ? {} : await legacyFacts(path, legacyPaths(account));
      return fromStateFile(json, path, legacy);
    },

    async save(account, session) {
      const path = pathOf(account);
      try {
        await ensurePrivateDir(dir);
        await sweepStaleTemps(dir, `${account}.json`);
        await io.writeFileAtomic(path, JSON.stringify(toStateFile(session), null, 2) + '\n');
      } catch (error) {
        throw writeFailed(path, error);
      }
      // Only once the new file is in place: until then the old pair is still the whole old session.
      const legacy = legacyPaths(account);
      await Promise.all([rm(legacy.meta, { force: true }), rm(legacy.sessionStorage, { force: true })]);
    },

    async recordLogin(account, record) {
      await io.writeFileAtomic(join(dir, `.${account}.last-login.json`), serializeLoginRecord(record));
    },

    async lastLogin(account) {
      return parseLoginRecord(await readFile(join(dir, `.${account}.last-login.json`), 'utf8').catch(() => undefined));
    },

    async lock(account, fn, options) {
      await ensurePrivateDir(dir);
      return withFileLock({ lockPath: join(dir, `.${account}.lock`), what: `Account ${account}`, ...options }, fn);
    },
  };
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PortalLoginError('CONFIG_INVALID', `${path} is not a session file portal-login can read: not JSON.`, {
      hint: 'It was changed by hand or cut short by another program. Move it away and log the account in again.',
    });
  }
}

function hasPortalLoginKey(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'portalLogin' in json;
}

/** What an older version kept next to the state file, best effort: a missing or unreadable one only leaves the fact unknown. */
async function legacyFacts(statePath: string, paths: { meta: string; sessionStorage: string }): Promise<LegacyFacts> {
  const readJson = (path: string) => readFile(path, 'utf8').then((t) => JSON.parse(t) as unknown, () => undefined);
  const [meta, sessionStorage, stats] = await Promise.all([readJson(paths.meta), readJson(paths.sessionStorage), stat(statePath).catch(() => undefined)]);
  const facts: LegacyFacts = {};
  const record = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>) : {};
  if (typeof record.portal === 'string') facts.portal = record.portal;
  if (typeof record.savedAt === 'string') facts.savedAt = record.savedAt;
  else if (stats) facts.savedAt = stats.mtime.toISOString();
  if (isStringTable(sessionStorage)) facts.sessionStorage = sessionStorage;
  return facts;
}

function isStringTable(value: unknown): value is Record<string, Record<string, string>> {
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).every((inner) => typeof inner === 'object' && inner !== null && Object.values(inner).every((v) => typeof v === 'string'));
}

/** Any failure to put the new file in place (full disk, read-only mount, no permission): the old session is still whole. */
function writeFailed(path: string, error: unknown): PortalLoginError {
  if (error instanceof PortalLoginError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message.split('\n')[0] : String(error));
  return new PortalLoginError('STATE_WRITE_FAILED', `Could not write ${path} (${code}).`, {
    hint: 'Check that stateDir / --state-dir is a folder this user can write, on a disk with free space. The last good session, if any, is unchanged.',
    cause: error,
  });
}
