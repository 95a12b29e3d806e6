/**
 * A recipe: what one browser login sent, with every value replaced by where
 * it comes from, so the next login can send the same requests over plain
 * HTTP. It never holds a value that was typed or handed out by the portal
 * (password, code, token, cookie): only placeholders for them, and text
 * that is the same on every login (field names, paths, "Bearer ").
 * The schema reads a recipe file back; a file that does not match is no recipe.
 */
import * as z from 'zod';

/** Values the flow itself typed. */
export const TYPED = ['username', 'password', 'code'] as const;
export type Typed = (typeof TYPED)[number];

/** Where a value of a request comes from, at replay time. `step` is the index of an earlier step whose response holds it. */
const sourceSchema = z.discriminatedUnion('from', [
  z.strictObject({ from: z.literal('typed'), value: z.enum(TYPED) }),
  /** An <input name=…> of an earlier HTML response (a CSRF token in a hidden field). */
  z.strictObject({ from: z.literal('input'), step: z.int().min(0), name: z.string() }),
  /** A <meta name=… content=…> of an earlier HTML response. */
  z.strictObject({ from: z.literal('meta'), step: z.int().min(0), name: z.string() }),
  /** A field of an earlier JSON reply (an interim token), as a dot path. */
  z.strictObject({ from: z.literal('json'), step: z.int().min(0), path: z.string() }),
  /** A cookie the portal set earlier in the login (double-submit CSRF headers). */
  z.strictObject({ from: z.literal('cookie'), name: z.string() }),
]);
export type ValueSource = z.output<typeof sourceSchema>;

/** A value as literal text and placeholders: "Bearer " + {json interimToken of step 1}. */
const templateSchema = z.array(z.union([z.strictObject({ text: z.string() }), z.strictObject({ value: sourceSchema })]));
export type Template = z.output<typeof templateSchema>;

/**
 * A JSON body with templates at its string leaves (`t`), and at number leaves
 * that carried a value (`n`: a code sent as a number); other numbers,
 * booleans and null are kept as they were sent.
 */
export type JsonTemplate = null | boolean | number | { t: Template } | { n: Template } | { a: JsonTemplate[] } | { o: Array<[string, JsonTemplate]> };
const jsonTemplateSchema: z.ZodType<JsonTemplate> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.strictObject({ t: templateSchema }),
    z.strictObject({ n: templateSchema }),
    z.strictObject({ a: z.array(jsonTemplateSchema) }),
    z.strictObject({ o: z.array(z.tuple([z.string(), jsonTemplateSchema])) }),
  ]),
);

const namedSchema = z.array(z.strictObject({ name: z.string(), value: templateSchema }));

const stepSchema = z.strictObject({
  method: z.string().min(1),
  /** origin + path (its query is `query`), or the Location the previous step answered with (a redirect the browser followed). */
  url: z.union([z.strictObject({ fixed: z.url({ protocol: /^https?$/ }) }), z.strictObject({ location: z.literal(true) })]),
  query: namedSchema,
  headers: namedSchema,
  body: z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('form'), fields: namedSchema }), z.strictObject({ kind: z.literal('json'), template: jsonTemplateSchema })]).optional(),
  /** What the browser got: a different status (or redirect target) means the portal answered something else. */
  expect: z.strictObject({ status: z.int(), location: z.string().optional() }),
  /** The typed values this step carries: how a refusal of it is read (credentials or code). */
  carries: z.array(z.enum(TYPED)),
  /** Names of the cookies its response set (for `explain`; values are never kept). */
  setsCookies: z.array(z.string()),
});
export type RecipeStep = z.output<typeof stepSchema>;

/** A localStorage entry the page wrote from a reply, so a replayed session also works when loaded into a browser. */
const storageSchema = z.strictObject({ origin: z.string(), key: z.string(), value: templateSchema });
export type StorageEntry = z.output<typeof storageSchema>;

const learnedFacts = {
  version: z.literal(1),
  /** The loginUrl it was learned from: another one in the config makes it stale. */
  loginUrl: z.string(),
  learnedAt: z.string(),
};

export const recipeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('replay'), ...learnedFacts, steps: z.array(stepSchema).min(1), storage: z.array(storageSchema) }),
  /** Learned, and found not replayable: a value the page computes, a captcha token… `reason` says which. */
  z.strictObject({ kind: z.literal('browser-only'), ...learnedFacts, reason: z.string() }),
]);
export type Recipe = z.output<typeof recipeSchema>;
export type ReplayRecipe = Extract<Recipe, { kind: 'replay' }>;
