import { basename } from 'node:path';
import * as z from 'zod';
import { PortalLoginError } from '../core/errors.js';
import { sessionExpiry, type Session, type SessionInfo } from './model.js';
import { sessionCookieNames } from './session-cookies.js';

/**
 * One account's session as one file: a Playwright storageState (top-level
 * `cookies` and `origins`, so `newContext({ storageState: path })` loads it
 * as is; Playwright ignores other top-level keys) plus everything else under
 * `portalLogin`. One file means one rename: the state and what is known
 * about it can never disagree after a crash.
 */
export const STATE_FILE_VERSION = 1;

const cookieSchema = z.object({
  name: z.string(),
  value: z.string(),
  domain: z.string(),
  path: z.string(),
  expires: z.number(),
  httpOnly: z.boolean(),
  secure: z.boolean(),
  sameSite: z.enum(['Strict', 'Lax', 'None']),
});

const originSchema = z.object({
  origin: z.string(),
  localStorage: z.array(z.object({ name: z.string(), value: z.string() })),
  indexedDB: z.array(z.unknown()).optional(),
});

const infoSchema = z.strictObject({
  account: z.string(),
  portal: z.string(),
  savedAt: z.string(),
  obtainedBy: z.enum(['login', 'write-back']),
  expiresAt: z.string().nullable(),
  sessionCookies: z.array(z.string()),
});

const portalLoginSchema = z.strictObject({
  version: z.literal(STATE_FILE_VERSION),
  info: infoSchema,
  sessionStorage: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  tokens: z.record(z.string(), z.string()),
});

const stateFileSchema = z.object({
  cookies: z.array(cookieSchema),
  origins: z.array(originSchema),
  portalLogin: portalLoginSchema.optional(),
});

export type StateFile = z.output<typeof stateFileSchema>;

/** What a file without `portalLogin` (older portal-login, or Playwright itself) cannot say, taken from elsewhere (file time, a legacy `.meta.json`). */
export interface LegacyFacts {
  savedAt?: string;
  portal?: string;
  sessionStorage?: Record<string, Record<string, string>>;
}

/** The file's content for `session`: storageState keys first, so a person reading it sees the familiar shape. */
export function toStateFile(session: Session): StateFile {
  const { cookies, origins, sessionStorage, tokens, info } = session;
  return { cookies, origins, portalLogin: { version: STATE_FILE_VERSION, info, ...(sessionStorage ? { sessionStorage } : {}), tokens } };
}

/**
 * Reads a state file's parsed JSON. A file without `portalLogin` loads too:
 * the account is its file name, the session cookies are detected by name
 * (sessionCookieNames) and the rest comes from `legacy`. Anything else that
 * does not fit is CONFIG_INVALID naming the file and the first problems.
 */
export function fromStateFile(json: unknown, path: string, legacy: LegacyFacts = {}): Session {
  const parsed = stateFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new PortalLoginError('CONFIG_INVALID', `${path} is not a session file portal-login can read: ${problems.join('; ')}.`, {
      hint: 'It was changed by hand or written by another program. Move it away and log the account in again.',
    });
  }
  const { cookies, origins, portalLogin } = parsed.data;
  if (portalLogin) return { cookies, origins, tokens: portalLogin.tokens, info: portalLogin.info, ...(portalLogin.sessionStorage ? { sessionStorage: portalLogin.sessionStorage } : {}) };
  const sessionCookies = sessionCookieNames(cookies);
  const info: SessionInfo = {
    account: basename(path, '.json'),
    portal: legacy.portal ?? '',
    savedAt: legacy.savedAt ?? new Date(0).toISOString(),
    obtainedBy: 'login',
    expiresAt: sessionExpiry(cookies, sessionCookies),
    sessionCookies,
  };
  return { cookies, origins, tokens: {}, info, ...(legacy.sessionStorage ? { sessionStorage: legacy.sessionStorage } : {}) };
}
