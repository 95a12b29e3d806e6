import * as z from 'zod';
import { addApiRequestProblems, apiFlowShape } from './api-flow-schema.js';
import { codeSchema, type CodeConfig } from './code-schema.js';
import { envVarName } from './env-var-name.js';
import { proxySchema } from './proxy-schema.js';
import { compiles, regexString } from './regex-string.js';
import { scheduleSchema } from './schedule-schema.js';
import { selectorProblem } from './selector-syntax.js';
import { isTimeZone } from './time-zone.js';
import { DEFAULT_STORE, storeSchema } from './store-schema.js';
import { addProbeAuthProblems, probeKeys } from './probe-schema.js';
import { DEFAULT_MIN_SECONDS_LEFT, TOTP_DEFAULTS } from '../totp/defaults.js';

/**
 * The one config schema. Types are inferred from it; defaults are filled
 * here once so the rest of the code never handles optionals for them.
 * Objects are strict: an unknown (usually misspelt) key is an error.
 */

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

/** What the probe asks (config/probe-schema.ts): a URL that answers 2xx only with a logged-in session, checked with its cookies and named tokens (status, refresh, export --refresh). */
export const successSchema = z
  .strictObject({
    /** Regular expression the logged-in page's URL matches. */
    url: z.string().min(1).refine(compiles, 'must be a valid (JavaScript) regular expression, e.g. "/dashboard" or "/home$"; escape ( [ ? + with a backslash').optional(),
    /** CSS selector of an element only shown when logged in. */
    selector: cssSelector.optional(),
    /** Name of a cookie only set once logged in. */
    cookie: z.string().min(1).optional(),
    ...probeKeys,
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

/** The portal keys every flow kind has. */
const sharedPortalKeys = {
  totp: totpParamsSchema.default(totpParamsSchema.parse({})),
  /** At most this many of the portal's accounts log in at once (its rate limit); default: only --concurrency limits. */
  maxConcurrent: z.int().min(1).max(64).optional(),
  /** The cookies that carry the login, whose expiry is the session's; when not given, those the login set (session/session-cookies.ts). */
  session: z
    .strictObject({
      cookies: z.array(z.string().min(1)).min(1).optional(),
      /** A time of day after which every session ends whatever its cookies say, e.g. "06:00 Asia/Kolkata". */
      dailyCutoff: dailyCutoffSchema.optional(),
    })
    .default({}),
  /** Webhooks for this portal's failed logins, besides the top-level ones. */
  alerts: alertsSchema.default({ webhooks: [] }),
};

/** `flow: browser` (the default): the login form in Chromium, through the screen loop. */
export const browserPortalSchema = z.strictObject({
  flow: z.literal('browser').default('browser'),
  loginUrl: webUrl,
  selectors: selectorsSchema.default({}),
  success: successSchema,
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
  /**
   * The fast path (flows/fast-path/): `learn` records a browser login's requests into a recipe
   * beside the sessions, `auto` also replays that recipe over plain HTTP (no browser) when it can,
   * `off` does neither. Learning by default costs nothing the user sees and makes `auto` one word away.
   */
  fastPath: z.enum(['off', 'learn', 'auto']).default('learn'),
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
  ...sharedPortalKeys,
}).superRefine((portal, ctx) => addProbeAuthProblems(portal.success, isRecord(portal.capture) ? Object.keys(portal.capture) : [], 'capture', ctx), { when: () => true });

/** `flow: api`: the two-step HTTP login (config/api-flow-schema.ts), no browser. Success is the token in the reply; a probe is optional. */
export const apiPortalSchema = z
  .strictObject({
    ...apiFlowShape,
    success: z.strictObject(probeKeys).default({ probeAuth: [] }),
    ...sharedPortalKeys,
  })
  .superRefine(addApiRequestProblems, { when: () => true })
  .superRefine((portal, ctx) => {
    const tokens: unknown = isRecord(portal.verify) ? portal.verify.tokens : undefined;
    addProbeAuthProblems(portal.success, isRecord(tokens) ? Object.keys(tokens) : ['authToken'], 'verify.tokens', ctx);
  }, { when: () => true });

export const portalSchema = z.discriminatedUnion('flow', [browserPortalSchema, apiPortalSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? 'flow must be browser (the default: a login form in Chromium) or api (the two-step HTTP login)' : undefined),
});

export const accountSchema = z
  .strictObject({
    portal: z.string().min(1),
    username: z.string().min(1),
    passwordEnv: envVarName,
    /** Short form of `code: { source: totp, secretEnv: … }`. */
    totpSecretEnv: envVarName.optional(),
    /** Where the second-factor code comes from (config/code-schema.ts). */
    code: codeSchema.optional(),
    /** Per-account TOTP parameters override the portal's (and an otpauth URI overrides both). */
    totp: z.strictObject(totpFields).partial().optional(),
    /** This account's egress: its browser context, API requests and session probe go through this proxy (config/proxy-schema.ts). */
    proxy: proxySchema.optional(),
  })
  .superRefine((account, ctx) => {
    if (account.totpSecretEnv === undefined && account.code === undefined) {
      ctx.addIssue({ code: 'custom', message: 'say where the code comes from: totpSecretEnv: NAME_OF_THE_ENV_VAR (a TOTP secret), or code: { source: totp | email | vault | command | prompt, … } (see the README, "Code sources")' });
    }
    if (account.totpSecretEnv !== undefined && account.code !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['totpSecretEnv'], message: 'give either totpSecretEnv or code, not both (totpSecretEnv is the short form of code: { source: totp, secretEnv: … })' });
    }
    if (account.totp !== undefined && account.code !== undefined && account.code.source !== 'totp') {
      ctx.addIssue({ code: 'custom', path: ['totp'], message: `totp: parameters apply to TOTP codes only; this account's code comes from source: ${account.code.source}` });
    }
  })
  // Normalised once: the rest of the code sees one `code`, and `codeKey` says which key to name in messages.
  .transform(({ totpSecretEnv, code, ...rest }) => ({
    ...rest,
    code: code ?? ({ source: 'totp', secretEnv: totpSecretEnv ?? '' } satisfies CodeConfig),
    codeKey: code ? ('code' as const) : ('totpSecretEnv' as const),
  }));

export const configSchema = z
  .strictObject({
    stateDir: z.string().min(1).default('.portal-login/state'),
    artifactsDir: z.string().min(1).default('.portal-login/artifacts'),
    /** Webhooks for every portal's failed logins. */
    alerts: alertsSchema.default({ webhooks: [] }),
    store: storeSchema.default(DEFAULT_STORE),
    portals: z.record(z.string().min(1), portalSchema),
    accounts: z.record(z.string().regex(/^[A-Za-z0-9._-]+$/, 'account names may use letters, digits, . _ -'), accountSchema),
    schedule: scheduleSchema.optional(), // `portal-login schedule` (config/schedule-schema.ts)
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
export type BrowserPortalInput = z.input<typeof browserPortalSchema>;
/** A config whose portals are all browser portals (the demo portal's, tests'): their keys need no narrowing. */
export type BrowserConfigInput = Omit<ConfigInput, 'portals'> & { portals: Record<string, BrowserPortalInput> };
export type PortalConfig = z.output<typeof portalSchema>;
export type BrowserPortalConfig = z.output<typeof browserPortalSchema>;
export type ApiPortalConfig = z.output<typeof apiPortalSchema>;
export type AccountConfig = z.output<typeof accountSchema>;
export type Selectors = z.output<typeof selectorsSchema>;
export type SuccessCheck = z.output<typeof successSchema>;
export type SuccessInput = z.input<typeof successSchema>;
export type TotpConfig = z.output<typeof totpParamsSchema>;
export type DailyCutoff = z.output<typeof dailyCutoffSchema>;
export type CaptureSpec = z.output<typeof captureSchema>;
export type AlertsConfig = z.output<typeof alertsSchema>;
export type Webhook = AlertsConfig['webhooks'][number];
export type FastPathMode = BrowserPortalConfig['fastPath'];
