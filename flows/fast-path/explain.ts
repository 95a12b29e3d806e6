/**
 * A learned recipe as people read it (`portal-login explain`): each request,
 * what it sends where, and where every value comes from at replay time. A
 * recipe holds no value of a login (recipe.ts), so neither does this text:
 * placeholders are printed as their source, never resolved.
 */
import type { JsonTemplate, Recipe, RecipeStep, ReplayRecipe, Template, ValueSource } from './recipe.js';

/** Where a value comes from, in words: `{password}`, `{hidden input "csrf" of step 1's page}`. */
export function sourceText(source: ValueSource): string {
  switch (source.from) {
    case 'typed':
      return `{${source.value}}`;
    case 'input':
      return `{input "${source.name}" of step ${source.step + 1}'s page}`;
    case 'meta':
      return `{meta "${source.name}" of step ${source.step + 1}'s page}`;
    case 'json':
      return `{${source.path} of step ${source.step + 1}'s JSON reply}`;
    case 'cookie':
      return `{cookie "${source.name}"}`;
  }
}

/** Literal text as sent (quoted as JSON, so spaces and empty text show), placeholders as their source. */
export function templateText(template: Template): string {
  if (template.length === 0) return '""';
  return template.map((part) => ('text' in part ? JSON.stringify(part.text) : sourceText(part.value))).join(' + ');
}

function jsonText(template: JsonTemplate): string {
  if (template === null || typeof template !== 'object') return JSON.stringify(template);
  if ('t' in template) return templateText(template.t);
  if ('n' in template) return `number(${templateText(template.n)})`;
  if ('a' in template) return `[${template.a.map(jsonText).join(', ')}]`;
  return `{ ${template.o.map(([key, value]) => `${JSON.stringify(key)}: ${jsonText(value)}`).join(', ')} }`;
}

function stepLines(step: RecipeStep, index: number): string[] {
  const url = 'fixed' in step.url ? step.url.fixed : `(the Location step ${index} answered with)`;
  const expect = `expects ${step.expect.status}${step.expect.location ? ` to ${step.expect.location}` : ''}`;
  const lines = [`${index + 1}. ${step.method} ${url}  → ${expect}`];
  if (step.carries.length > 0) lines.push(`   carries: ${step.carries.join(', ')}`);
  for (const q of step.query) lines.push(`   query ${q.name} = ${templateText(q.value)}`);
  for (const h of step.headers) lines.push(`   header ${h.name}: ${templateText(h.value)}`);
  if (step.body?.kind === 'form') for (const f of step.body.fields) lines.push(`   form field ${f.name} = ${templateText(f.value)}`);
  if (step.body?.kind === 'json') lines.push(`   JSON body ${jsonText(step.body.template)}`);
  if (step.setsCookies.length > 0) lines.push(`   sets cookies: ${step.setsCookies.join(', ')}`);
  return lines;
}

function replayLines(recipe: ReplayRecipe): string[] {
  const lines = [`Replayable over HTTP: ${recipe.steps.length} request${recipe.steps.length === 1 ? '' : 's'}.`, ''];
  recipe.steps.forEach((step, i) => lines.push(...stepLines(step, i)));
  if (recipe.storage.length > 0) {
    lines.push('', 'Storage the page writes (saved with a replayed session):');
    for (const entry of recipe.storage) lines.push(`   localStorage of ${entry.origin}: ${entry.key} = ${templateText(entry.value)}`);
  }
  return lines;
}

/** The whole explanation of one portal's recipe. */
export function explainRecipe(recipe: Recipe, facts: { portal: string; fastPath: string; path: string }): string {
  const head = [`Portal ${facts.portal} (fastPath: ${facts.fastPath}), recipe ${facts.path}`, `Learned ${recipe.learnedAt} from ${recipe.loginUrl}.`];
  const body = recipe.kind === 'replay' ? replayLines(recipe) : [`Browser-only: ${recipe.reason}`, 'Every login of this portal uses the browser.'];
  return [...head, ...body].join('\n');
}
