import * as z from 'zod';
import { selectorProblem } from './selector-syntax.js';
import { DEFAULT_STORE, storeSchema } from './store-schema.js';
import { DEFAULT_MIN_SECONDS_LEFT, TOTP_DEFAULTS } from '../totp/defaults.js';

/**
 * The one config schema. Types are inferred from it; defaults are filled
 * here once so the rest of the code never handles optionals for them.
 * Objects are strict: an unknown (usually misspelt) key is an error.
 */
// The value is never echoed (it may be a pasted secret): the path names the key, the message says what belongs there.
const ENV_VAR_NAME_MESSAGE =
  'must be the NAME of the environment variable that holds the secret (letters, digits and _, not starting with a digit), not the secret itself; put the secret in .env or the environment';
const envVarName = z.string({ error: ENV_VAR_NAME_MESSAGE }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, ENV_VAR_NAME_MESSAGE);

/** A Playwright selector (CSS, text=, role=, xpath=, `>>` chains into frames); detection and success checks use the same engine. */
const cssSelector = z
  .string()
  .min(1)
  .superRefine((selector, ctx) => {
    const problem = selectorProblem(selector);
    if (problem) ctx.addIssue({ code: 'custom', message: `is not a Playwright selector: it ${problem}; e.g. "#username", "input[name=otp]", "text=Sign in" or "role=button[name='Log in']"` });
  });

/**
 * Only web pages: a `file:` or `javascript:` URL would put local files or
 * script output into the screenshot and the trace.
 */
const webUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL (file:, javascript: and other schemes are refused)' });

export const selectorsSchema = z.strictObject({
  username: cssSelector.optional(),
  password: cssSelector.optional(),
  submit: cssSelector.optional(),
  code: cssSelector.optional(),
  codeSubmit: cssSelector.optional(),
  error: cssSelector.optional(),
});

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export const successSchema = z
  .strictObject({
    /** Regular expression the logged-in page's URL matches. */
    url: z.string().min(1).refine(compiles, 'must be a valid (JavaScript) regular expression, e.g. "/dashboard" or "/home$"; escape ( [ ? + with a backslash').optional(),
    /** CSS selector of an element only shown when logged in. */
    selector: cssSelector.optional(),
    /** Name of a cookie only set once logged in. */
    cookie: z.string().min(1).optional(),
    /** URL that answers 2xx only with a logged-in session (checked with the session's cookies). */
    probeUrl: webUrl.optional(),
    /** What the probe's answer must be instead of any 2xx: this status, and/or a body containing this text. */
    probeExpect: z
      .strictObject({
        status: z.int().min(100).max(599).optional(),
        contains: z.string().min(1).optional(),
      })
      .optional(),
  })
  .refine((s) => s.url || s.selector || s.cookie || s.probeUrl, {
    message: 'say how a successful login is recognised: set at least one of url, selector, cookie, probeUrl',
  });

/**
 * "HH:MM Zone/Name", parsed once into its parts. The zone is checked with
 * Intl (the runtime's own IANA data), so a misspelt zone fails at config
 * load, not at 06:00 on the first trading day.
 */
const dailyCutoffSchema = z.string().transform((text, ctx) => {
  const match = /^([01]\d|2[0-3]):([0-5]\d) (\S+)$/.exec(text.trim());
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'must be "HH:MM Zone", a 24-hour time and an IANA time zone, e.g. "06:00 Asia/Kolkata" or "17:30 America/New_York"' });
    return z.NEVER;
  }
  const [, hour, minute, timeZone] = match as unknown as [string, string, string, string];
  if (!isTimeZone(timeZone)) {
    ctx.addIssue({ code: 'custom', message: `"${timeZone}" is not an IANA time zone this runtime knows; use a name like Asia/Kolkata, Europe/London or UTC` });
    return z.NEVER;
  }
  return { text: `${hour}:${minute} ${timeZone}`, hour: Number(hour), minute: Number(minute), timeZone };
});

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** TOTP fields without defaults: accounts override only what they name. */
const totpFields = {
  digits: z.int().min(6).max(10),
  period: z.int().min(10).max(300),
  algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']),
  /** A code with fewer seconds left than this waits for the next window. */
  minSecondsLeft: z.number().min(0).max(25),
};

export const totpParamsSchema = z.strictObject({
  digits: totpFields.digits.default(TOTP_DEFAULTS.digits),
  period: totpFields.period.default(TOTP_DEFAULTS.period),
  algorithm: totpFields.algorithm.default(TOTP_DEFAULTS.algorithm),
  minSecondsLeft: totpFields.minSecondsLeft.default(DEFAULT_MIN_SECONDS_LEFT),
});

/** A regular expression given as a string; the message says how to fix one that does not compile. */
const regexString = z.string().min(1).refine(compiles, 'must be a valid (JavaScript) regular expression, e.g. "/api/verify$"; escape ( [ ? + with a backslash');

/**
 * Where a token the login leaves behind is read (session/capture.ts): one
 * branch per `from`, so each kind has only its own keys. `origin` defaults
 * to the logged-in page's origin.
 */
export const captureSchema = z.discriminatedUnion('from', [
  z.strictObject({ from: z.literal('localStorage'), key: z.string().min(1), origin: webUrl.optional() }),
  z.strictObject({ from: z.literal('sessionStorage'), key: z.string().min(1), origin: webUrl.optional() }),
  z
    .strictObject({
      from: z.literal('response'),
      /** Regular expression the response's URL matches; the first match is read. */
      url: regexString,
      /** Dot path of a field in the JSON body, e.g. "data.token". */
      json: z.string().min(1).optional(),
      /** Name of a response header. */
      header: z.string().min(1).optional(),
    })
    .refine((c) => (c.json === undefined) !== (c.header === undefined), { message: 'say what to read from the response: set exactly one of json (a dot path) or header (a header name)' }),
  z.strictObject({ from: z.literal('cookie'), name: z.string().min(1) }),
]);

/** Webhooks told about a failed login (app/alerts.ts); `json` is the generic body, `slack` Slack's {text}. */
export const alertsSchema = z.strictObject({
  webhooks: z.array(z.strictObject({ url: webUrl, format: z.enum(['json', 'slack']).default('json') })).default([]),
});

export const portalSchema = z.strictObject({
  loginUrl: webUrl,
  selectors: selectorsSchema.default({}),
  success: successSchema,
  totp: totpParamsSchema.default(totpParamsSchema.parse({})),
  /** The loop stops after this many screens (username, password, method choice, code, trust-device… each count once). */
  maxScreens: z.int().min(1).max(20).default(6),
  /** A person's answer to "Trust this device?" / "Remember this browser?" after the code. */
  trustDevice: z.enum(['yes', 'no']).default('no'),
  /** Skip images, fonts and media on login pages (faster, less to leak). */
  blockResources: z.boolean().default(true),
  /** Also save IndexedDB / sessionStorage, for portals that keep their token there. */
  storage: z
    .strictObject({ indexedDB: z.boolean().default(false), sessionStorage: z.boolean().default(false) })
    .default({ indexedDB: false, sessionStorage: false }),
  /** The cookies that carry the login, whose expiry is the session's; when not given, those the login set (session/session-cookies.ts). */
  session: z
    .strictObject({
      cookies: z.array(z.string().min(1)).min(1).optional(),
      /** A time of day after which every session ends whatever its cookies say, e.g. "06:00 Asia/Kolkata". */
      dailyCutoff: dailyCutoffSchema.optional(),
    })
    .default({}),
  /** Values to save with the session by name (exported as <ACCOUNT>_<NAME>), e.g. the login API's token. */
  capture: z
    .record(z.string(), captureSchema)
    // Checked here, not in the record's key schema: zod reports a bad key only as "Invalid key in record".
    .superRefine(
      (captures, ctx) => {
        for (const name of isRecord(captures) ? Object.keys(captures) : []) {
          if (!/^[A-Za-z0-9_]+$/.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'capture names may use letters, digits and _ (they become env var names: <ACCOUNT>_<NAME>)' });
        }
      },
      { when: () => true }, // also when a capture's own keys are wrong: every problem at once
    )
    .default({}),
  /** Webhooks for this portal's failed logins, besides the top-level ones. */
  alerts: alertsSchema.default({ webhooks: [] }),
});

export const accountSchema = z.strictObject({
  portal: z.string().min(1),
  username: z.string().min(1),
  passwordEnv: envVarName,
  totpSecretEnv: envVarName,
  /** Per-account TOTP parameters override the portal's (and an otpauth URI overrides both). */
  totp: z.strictObject(totpFields).partial().optional(),
});

export const configSchema = z
  .strictObject({
    stateDir: z.string().min(1).default('.portal-login/state'),
    artifactsDir: z.string().min(1).default('.portal-login/artifacts'),
    /** Webhooks for every portal's failed logins. */
    alerts: alertsSchema.default({ webhooks: [] }),
    store: storeSchema.default(DEFAULT_STORE),
    portals: z.record(z.string().min(1), portalSchema),
    accounts: z.record(z.string().regex(/^[A-Za-z0-9._-]+$/, 'account names may use letters, digits, . _ -'), accountSchema),
  })
  // Runs even when other keys are invalid, so every problem is reported at once.
  .superRefine(
    (config, ctx) => {
      const portals = isRecord(config.portals) ? Object.keys(config.portals) : [];
      const accounts = isRecord(config.accounts) ? Object.entries(config.accounts) : [];
      for (const [name, account] of accounts) {
        const portal = isRecord(account) ? account.portal : undefined;
        if (typeof portal !== 'string' || portal === '' || portals.includes(portal)) continue;
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', name, 'portal'],
          message: `unknown portal "${portal}"; defined portals: ${portals.join(', ') || '(none)'}`,
        });
      }
    },
    { when: () => true },
  );

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type PortalConfig = z.output<typeof portalSchema>;
export type AccountConfig = z.output<typeof accountSchema>;
export type Selectors = z.output<typeof selectorsSchema>;
export type SuccessCheck = z.output<typeof successSchema>;
export type TotpConfig = z.output<typeof totpParamsSchema>;
export type DailyCutoff = z.output<typeof dailyCutoffSchema>;
export type CaptureSpec = z.output<typeof captureSchema>;
export type AlertsConfig = z.output<typeof alertsSchema>;
export type Webhook = AlertsConfig['webhooks'][number];
