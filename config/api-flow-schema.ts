/**
 * The keys of a portal logged into over its HTTP API (flows/http-api.ts):
 * two requests, and for each where every value goes and where the tokens
 * are in the replies. Only the API's own keys live here; the portal keys
 * every flow shares (success, session, alerts, totp) are merged in by the
 * one config schema. Defaults are the Autoshares style (Et-App-Key,
 * Username, Password headers; then Authorization: Bearer <interim> and
 * VerificationCode), so a portal of that style needs its two URLs only.
 */
import * as z from 'zod';
import { envVarName } from './env-var-name.js';
import { regexString } from './regex-string.js';

// RFC 9110 token characters: anything else is refused by fetch at send time, after the config looked fine.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_NAME_MESSAGE = 'must be an HTTP header name (letters, digits and - _ . ! # $ % & \' * + ^ ` | ~), e.g. "Et-App-Key"';
export const headerName = z.string().regex(HEADER_NAME, HEADER_NAME_MESSAGE);
// A line break in a header value would start a header of its own.
const headerValue = z.string().regex(/^[^\r\n]*$/, 'must be one line: a header value cannot hold a line break');

/** A path into a JSON object: names (or array indexes) joined by dots, e.g. "data.token" or "result.0.jwt". */
const dotPath = z.string().regex(/^[^.\s]+(?:\.[^.\s]+)*$/, 'must be a dot path into the JSON reply, e.g. "data.token" (names joined by dots, no spaces)');

const PLACEMENT_MESSAGE = 'must say where the value goes: one of { header: NAME } (optionally with prefix: "Bearer "), { json: "dot.path" }, { form: "field" } or { query: "name" }';

/** Where one value goes in a request. */
export const placementSchema = z.union(
  [
    z.strictObject({ header: headerName, /** Put before the value, e.g. "Bearer ". */ prefix: headerValue.optional() }),
    z.strictObject({ json: dotPath }),
    z.strictObject({ form: z.string().min(1) }),
    z.strictObject({ query: z.string().min(1) }),
  ],
  { error: PLACEMENT_MESSAGE },
);

const method = z.enum(['POST', 'PUT', 'PATCH', 'GET']).default('POST');

/** Only web addresses: a file: URL would read a local file into the session. */
const apiUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL (file:, javascript: and other schemes are refused)' });

/**
 * A record whose keys are checked here, not by a key schema: zod reports a
 * bad key only as "Invalid key in record", without saying what is allowed.
 */
function namedRecord<V extends z.ZodType>(value: V, keyPattern: RegExp, keyMessage: string) {
  return z.record(z.string(), value).superRefine(
    (entries, ctx) => {
      for (const name of isRecord(entries) ? Object.keys(entries) : []) {
        if (!keyPattern.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: keyMessage });
      }
    },
    { when: () => true },
  );
}

/** Headers sent as they are with every request of that step (e.g. Accept, a client id); never a secret (those come from env vars). */
const staticHeaders = namedRecord(headerValue, HEADER_NAME, `is not ${HEADER_NAME_MESSAGE.replace(/^must be /, '')}`).default({});

/** The first request: app key, username and password → the interim token. */
export const loginRequestSchema = z.strictObject({
  method,
  url: apiUrl,
  appKey: placementSchema.default({ header: 'Et-App-Key' }),
  username: placementSchema.default({ header: 'Username' }),
  password: placementSchema.default({ header: 'Password' }),
  headers: staticHeaders,
  /** Where the interim token is in the JSON reply. */
  interimToken: dotPath.default('data.token'),
});

/** The second request: app key, interim token and code → the tokens the session keeps. */
export const verifyRequestSchema = z.strictObject({
  method,
  url: apiUrl,
  appKey: placementSchema.default({ header: 'Et-App-Key' }),
  interimToken: placementSchema.default({ header: 'Authorization', prefix: 'Bearer ' }),
  code: placementSchema.default({ header: 'VerificationCode' }),
  /** Sent again only for APIs that want them on the second request too. */
  username: placementSchema.optional(),
  password: placementSchema.optional(),
  headers: staticHeaders,
  /** Name → dot path in the JSON reply; saved as session tokens and exported as <ACCOUNT>_<NAME>. */
  tokens: namedRecord(dotPath, /^[A-Za-z0-9_]+$/, 'token names may use letters, digits and _ (they become env var names: <ACCOUNT>_<NAME>)').default({ authToken: 'data.token' }),
});

/** The error codes an API reply can end a login with; `errors` rules name one of them. */
export const API_ERROR_CODES = ['APP_KEY_REJECTED', 'BAD_CREDENTIALS', 'INTERIM_TOKEN_REJECTED', 'CODE_REJECTED', 'RATE_LIMITED', 'ACCOUNT_LOCKED', 'IP_NOT_ALLOWED', 'PORTAL_ERROR'] as const;

/**
 * A portal's own way of saying what went wrong, checked before the
 * built-in phrasings (flows/http-api/classify.ts): a status, a regular
 * expression on the reply's body, or both.
 */
export const apiErrorRuleSchema = z
  .strictObject({
    step: z.enum(['login', 'verify']).optional(),
    status: z.int().min(100).max(599).optional(),
    /** Regular expression, matched case-insensitively against the reply's body. */
    match: regexString.optional(),
    code: z.enum(API_ERROR_CODES, { error: `must be one of ${API_ERROR_CODES.join(', ')}` }),
  })
  .refine((r) => r.status !== undefined || r.match !== undefined, {
    message: 'say which replies this rule is for: set status, match (a regular expression on the body), or both',
    when: () => true,
  });

/** The API flow's own portal keys; config/schema.ts adds the keys every flow shares. */
export const apiFlowShape = {
  flow: z.literal('api'),
  /** NAME of the env var holding the app (API) key; without it no app key is sent. */
  appKeyEnv: envVarName.optional(),
  login: loginRequestSchema,
  verify: verifyRequestSchema,
  errors: z.array(apiErrorRuleSchema).default([]),
};

/** Placements two values of one request must not share, and the like (runs also when other keys are wrong: every problem at once). */
export function addApiRequestProblems(api: { login?: unknown; verify?: unknown }, ctx: z.RefinementCtx): void {
  for (const step of ['login', 'verify'] as const) {
    const spec: unknown = api[step];
    if (isRecord(spec)) for (const problem of requestProblems(spec)) ctx.addIssue({ code: 'custom', path: [step, ...problem.path], message: problem.message });
  }
}

export const apiFlowSchema = z.strictObject(apiFlowShape).superRefine(addApiRequestProblems, { when: () => true });

export type ApiFlowConfig = z.output<typeof apiFlowSchema>;
export type ApiFlowInput = z.input<typeof apiFlowSchema>;
export type Placement = z.output<typeof placementSchema>;
export type LoginRequestSpec = z.output<typeof loginRequestSchema>;
export type VerifyRequestSpec = z.output<typeof verifyRequestSchema>;
export type ApiErrorRule = z.output<typeof apiErrorRuleSchema>;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The values a request may carry; a spec names where each goes. */
export const PLACED_VALUES = ['appKey', 'username', 'password', 'interimToken', 'code'] as const;
export type PlacedValue = (typeof PLACED_VALUES)[number];

/** The placements a spec sets, by value name (the login's interimToken is a path to read, not a placement). */
export function placementsOf(spec: LoginRequestSpec | VerifyRequestSpec): Array<[PlacedValue, Placement]> {
  return PLACED_VALUES.flatMap((name) => {
    const value = (spec as Partial<Record<PlacedValue, unknown>>)[name];
    return typeof value === 'object' && value !== null ? [[name, value as Placement]] : [];
  });
}

interface Problem {
  path: string[];
  message: string;
}

/** Where a placement puts its value, as a key two placements must not share ("header:authorization"). */
function slotOf(placement: Placement): string {
  if ('header' in placement) return `header:${placement.header.toLowerCase()}`;
  if ('json' in placement) return `json:${placement.json}`;
  if ('form' in placement) return `form:${placement.form}`;
  return `query:${placement.query}`;
}

/** A body can be JSON or a form, not both; a GET has none; two values cannot share one slot. */
function requestProblems(spec: Record<string, unknown>): Problem[] {
  // Keys that failed their own schema are reported there; only well-formed placements are compared.
  const placed = PLACED_VALUES.flatMap((name) => {
    const value = spec[name];
    return placementSchema.safeParse(value).success ? [[name, value as Placement] as const] : [];
  });
  const problems: Problem[] = [];
  const bodyKinds = new Set(placed.flatMap(([, p]) => ('json' in p ? ['json'] : 'form' in p ? ['form'] : [])));
  if (bodyKinds.size > 1) problems.push({ path: [], message: 'a request body is JSON or a form, not both: put every body value under json, or every one under form' });
  if (spec.method === 'GET' && bodyKinds.size > 0) problems.push({ path: ['method'], message: 'a GET request has no body: use POST, or send the values as header or query' });
  const seen = new Map<string, PlacedValue>();
  for (const [name, placement] of placed) {
    const slot = slotOf(placement);
    const other = seen.get(slot);
    if (other) problems.push({ path: [name], message: `goes to the same place as ${other} (${slot.replace(':', ' ')}): give each value its own` });
    seen.set(slot, name);
  }
  for (const header of Object.keys(isRecord(spec.headers) ? spec.headers : {})) {
    const taken = seen.get(`header:${header.toLowerCase()}`);
    if (taken) problems.push({ path: ['headers', header], message: `is also where ${taken} goes: remove it from headers` });
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
