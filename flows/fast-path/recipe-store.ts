/**
 * Recipes on disk: one file per portal in `<stateDir>/recipes/`, 0600,
 * written atomically like sessions. A recipe is checked against the run's
 * redactor before it is written: one that would hold a secret, a code, a
 * token or a cookie value is never written.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { PortalLoginError } from '../../core/errors.js';
import type { Redactor } from '../../core/redact.js';
import { recipeSchema, type Recipe } from './recipe.js';

/** Where `portal`'s recipe lives; a portal name that is no safe file name is hashed. */
export function recipePath(stateDir: string, portal: string): string {
  const safe = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,100}$/.test(portal) ? portal : `portal-${createHash('sha256').update(portal).digest('hex').slice(0, 16)}`;
  return join(stateDir, 'recipes', `${safe}.json`);
}

/** The portal's recipe; undefined when there is none, or when the file is not a recipe this version reads (it is learned again). */
export async function loadRecipe(stateDir: string, portal: string): Promise<Recipe | undefined> {
  const text = await readFile(recipePath(stateDir, portal), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  try {
    const parsed = recipeSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the recipe (0600, atomically); refuses one that holds any value the redactor knows. */
export async function saveRecipe(stateDir: string, portal: string, recipe: Recipe, redactor: Redactor): Promise<string> {
  const path = recipePath(stateDir, portal);
  const text = JSON.stringify(recipe, null, 2) + '\n';
  if (redactor.leaks(text)) {
    // A bug in the learner, never a user's mistake: nothing is written.
    throw new PortalLoginError('INTERNAL', `The learned recipe for portal ${portal} would hold a secret value; it was not saved.`, { hint: 'Report this as a bug; the login itself is unaffected.' });
  }
  await writeFileAtomic(path, text);
  return path;
}
