/**
 * The watcher that turns a confirmed browser login into a recipe: records
 * the context's traffic, learns from it once the session is confirmed, and
 * saves the recipe beside the sessions. Whatever goes wrong here is logged
 * and forgotten: learning never fails a login.
 */
import type { BrowserContext } from 'playwright';
import type { CodeSource } from '../../codes/code-source.js';
import { firstLine } from '../../core/as-portal-error.js';
import type { Logger } from '../../core/log.js';
import type { Redactor } from '../../core/redact.js';
import type { Session } from '../../session/model.js';
import type { BrowserLoginHooks } from '../browser-flow.js';
import { setCookiesOf, type Exchange } from './exchange.js';
import { pageValues } from './html-values.js';
import { learnRecipe } from './learn.js';
import type { Recipe } from './recipe.js';
import { saveRecipe } from './recipe-store.js';
import { recordLogin } from './recorder.js';
import { jsonLeaves } from './trace.js';

export interface LearningInput {
  stateDir: string;
  portalName: string;
  loginUrl: string;
  username: string;
  password: string;
  redactor: Redactor;
  log: Logger;
  /** The recipe already saved, if any: a portal found browser-only again is not announced again. */
  previous?: Recipe;
}

/** A code source that remembers the last code it issued: the one the portal accepted when the login succeeds. */
export function rememberingCodes(codes: (offsetMs: number) => CodeSource): { codes: (offsetMs: number) => CodeSource; lastCode: () => string | undefined } {
  let last: string | undefined;
  return {
    codes: (offsetMs) => {
      const source = codes(offsetMs);
      return { ...bound(source), next: async (request) => {
        const issued = await source.next(request);
        last = issued.code;
        return issued;
      } };
    },
    lastCode: () => last,
  };
}

/** The source's members with `this` kept (sources may be classes). */
function bound(source: CodeSource): CodeSource {
  return {
    method: source.method,
    rejectedHint: source.rejectedHint,
    next: (request) => source.next(request),
    ...(source.opened ? { opened: () => source.opened!() } : {}),
    ...(source.close ? { close: () => source.close!() } : {}),
  };
}

/** Hooks for browserLogin that learn the login's recipe; `code` says which code was accepted. */
export function learningHooks(input: LearningInput, code: () => string | undefined): BrowserLoginHooks {
  return {
    watch: (context: BrowserContext) => {
      const recording = recordLogin(context);
      return {
        done: async (session: Session) => {
          try {
            await learnAndSave(input, await recording.finish(), code(), session);
          } catch (error) {
            input.log.debug(`Fast path: learning this login failed (${firstLine(error)}); it is tried again on the next browser login.`);
          }
        },
      };
    },
  };
}

async function learnAndSave(input: LearningInput, exchanges: Exchange[], code: string | undefined, session: Session): Promise<void> {
  if (code === undefined) return input.log.debug('Fast path: this login used no code; nothing learned.');
  registerHandedOut(exchanges, session, input.redactor);
  const recipe = learnRecipe({
    exchanges,
    typed: { username: input.username, password: input.password, code },
    loginUrl: input.loginUrl,
    localStorage: session.origins.flatMap((o) => o.localStorage.map((entry) => ({ origin: o.origin, key: entry.name, value: entry.value }))),
    now: new Date(),
  });
  const path = await saveRecipe(input.stateDir, input.portalName, recipe, input.redactor);
  const again = input.previous?.kind === 'browser-only' && recipe.kind === 'browser-only' && input.previous.reason === recipe.reason;
  if (recipe.kind === 'browser-only') (again ? input.log.debug : input.log.info)(`Fast path: portal ${input.portalName} is browser-only: ${recipe.reason}. Recorded in ${path}.`);
  else input.log.debug(`Fast path: learned ${recipe.steps.length} request(s) of this login; recipe saved to ${path}.`);
}

/** Every value the portal handed out during the login is a secret from now on (logs, errors, and the recipe check before it is saved). */
function registerHandedOut(exchanges: readonly Exchange[], session: Session, redactor: Redactor): void {
  for (const cookie of session.cookies) redactor.add(cookie.value);
  for (const origin of session.origins) for (const entry of origin.localStorage) redactor.add(entry.value);
  for (const exchange of exchanges) {
    const response = exchange.response;
    if (!response) continue;
    for (const cookie of setCookiesOf(response)) redactor.add(cookie.value);
    if (response.text === undefined) continue;
    const type = response.headers.find((h) => h.name === 'content-type')?.value ?? '';
    if (type.includes('json')) {
      try {
        for (const leaf of jsonLeaves(JSON.parse(response.text))) if (leaf.value.length >= 8) redactor.add(leaf.value);
      } catch {
        // Not JSON after all: nothing handed out in it.
      }
    } else if (type.includes('html')) {
      for (const value of pageValues(response.text).inputs.values()) if (value.length >= 8) redactor.add(value);
    }
  }
}
