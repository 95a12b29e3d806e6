import * as z from 'zod';
import { headerName } from './api-flow-schema.js';

/** A web URL only (as schema.ts's): a probe never reads local files. */
const webUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL (file:, javascript: and other schemes are refused)' });

/**
 * One captured token the probe sends as a header, for portals whose API
 * wants a bearer token rather than (or besides) the session cookie.
 * Defaults: `Authorization: Bearer <token>`.
 */
const probeAuthEntry = z.strictObject({
  /** The token's name: a `capture:` name (browser flow) or a `verify.tokens` name (API flow). */
  token: z.string().regex(/^[A-Za-z0-9_]+$/, 'must name a captured token (letters, digits and _), e.g. authToken'),
  header: headerName
    .refine((name) => name.toLowerCase() !== 'cookie', 'cannot be Cookie: the probe sends the session\'s cookies itself')
    .default('Authorization'),
  /** Put before the value, e.g. "Bearer " (the default) or "" for the bare token. */
  prefix: z.string().regex(/^[^\r\n]*$/, 'must be one line').default('Bearer '),
});

export type ProbeAuth = z.output<typeof probeAuthEntry>;

/** The probe's keys, shared by browser and API portals' `success`. */
export const probeKeys = {
  /** URL that answers 2xx only with a logged-in session (checked with the session's cookies and the tokens probeAuth names). */
  probeUrl: webUrl.optional(),
  /** What the probe's answer must be instead of any 2xx: this status, and/or a body containing this text. */
  probeExpect: z
    .strictObject({
      status: z.int().min(100).max(599).optional(),
      contains: z.string().min(1).optional(),
    })
    .optional(),
  /** Captured tokens sent as headers by the probe: one `{ token, header, prefix }` or a list; normalised to a list. */
  probeAuth: z
    .union([probeAuthEntry, z.array(probeAuthEntry)])
    .transform((auth) => (Array.isArray(auth) ? auth : [auth]))
    .default([]),
};

/**
 * probeAuth may only name tokens the login saves (`known`): a misspelt name
 * would make every probe go without its token and every session look
 * logged out. Reported at success.probeAuth (it is one entry or a list, and
 * only the normalised list is seen here).
 */
export function addProbeAuthProblems(success: unknown, known: readonly string[], tokensKey: string, ctx: z.RefinementCtx): void {
  const auth = typeof success === 'object' && success !== null ? (success as { probeAuth?: unknown }).probeAuth : undefined;
  for (const entry of Array.isArray(auth) ? (auth as unknown[]) : [auth]) {
    const token = typeof entry === 'object' && entry !== null ? (entry as { token?: unknown }).token : undefined;
    if (typeof token !== 'string' || known.includes(token)) continue;
    ctx.addIssue({ code: 'custom', path: ['success', 'probeAuth'], message: `token "${token}" is not a token this portal saves; ${tokensKey} names ${known.length > 0 ? known.join(', ') : 'none'}` });
  }
}
