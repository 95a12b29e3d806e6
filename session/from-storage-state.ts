/**
 * TEMPORARY: reads today's state files (session/store.ts's layout) into a
 * Session, so `export` works before the new session store lands. The store
 * branch replaces this with its own `load`; nothing but cli/commands/export.ts
 * should import it.
 */
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { sessionExpiry, type Session } from './model.js';
import type { SessionPaths } from './store.js';

const storageStateSchema = z.object({
  cookies: z.array(
    z.object({
      name: z.string(),
      value: z.string(),
      domain: z.string(),
      path: z.string().default('/'),
      expires: z.number().default(-1),
      httpOnly: z.boolean().default(false),
      secure: z.boolean().default(false),
      sameSite: z.enum(['Strict', 'Lax', 'None']).default('Lax'),
    }),
  ),
  origins: z.array(z.object({ origin: z.string(), localStorage: z.array(z.object({ name: z.string(), value: z.string() })) })).default([]),
});

/** Only the fields of `.meta.json` a Session's info takes; the rest (cookie names, keys) is derived again. */
const metaSchema = z.object({ savedAt: z.string(), expiresAt: z.string().nullable() }).partial();

const sessionStorageSchema = z.record(z.string(), z.record(z.string(), z.string()));

export type StateFileRead = { found: true; session: Session } | { found: false; reason: 'missing' | 'unreadable' };

/**
 * The account's saved session, or why there is none. Without a readable
 * `.meta.json` the save time is the state file's mtime; tokens are empty
 * (today's files have none).
 */
export async function readStateFileSession(paths: SessionPaths, account: string, portal: string): Promise<StateFileRead> {
  let text: string;
  try {
    text = await readFile(paths.state, 'utf8');
  } catch (error) {
    // Not there is "log in first"; there but unreadable (permissions, a folder) is "fix or log in again".
    return { found: false, reason: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable' };
  }
  const state = storageStateSchema.safeParse(parseJson(text));
  if (!state.success) return { found: false, reason: 'unreadable' };
  const meta = metaSchema.safeParse(parseJson(await readOptional(paths.meta)));
  const sessionStorage = sessionStorageSchema.safeParse(parseJson(await readOptional(paths.sessionStorage)));
  const { cookies, origins } = state.data;
  const savedAt = (meta.success ? meta.data.savedAt : undefined) ?? (await stat(paths.state)).mtime.toISOString();
  const expiresAt = meta.success && meta.data.expiresAt !== undefined ? meta.data.expiresAt : sessionExpiry(cookies, []);
  return {
    found: true,
    session: {
      cookies,
      origins,
      ...(sessionStorage.success ? { sessionStorage: sessionStorage.data } : {}),
      tokens: {},
      info: { account, portal, savedAt, obtainedBy: 'login', expiresAt, sessionCookies: [] },
    },
  };
}

async function readOptional(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
