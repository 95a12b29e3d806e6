/**
 * Reads server-rendered forms the way a browser would submit them, so HTTP
 * tests of the demo portal post hidden fields (CSRF, tokens, `step`) without
 * knowing each framework's names, and type only what a person would.
 */
import type { APIRequestContext, APIResponse } from '@playwright/test';

export interface HtmlForm {
  /** The form's action path, entities decoded (query strings kept). */
  action: string;
  /** name → value of its hidden inputs. */
  hidden: Record<string, string>;
}

const decode = (text: string) =>
  text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function attributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const [, name, value] of tag.matchAll(/([^\s<>="]+)="([^"]*)"/g)) attrs.set(name!.toLowerCase(), decode(value!));
  return attrs;
}

/** Every <form> in `html`, in document order. */
export function htmlForms(html: string): HtmlForm[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map(([, openTag, inner]) => {
    const hidden: Record<string, string> = {};
    for (const [input] of inner!.matchAll(/<input\b[^>]*>/g)) {
      const attrs = attributes(input);
      const name = attrs.get('name');
      if (attrs.get('type') === 'hidden' && name) hidden[name] = attrs.get('value') ?? '';
    }
    return { action: attributes(openTag!).get('action') ?? '', hidden };
  });
}

export interface SubmitOptions {
  /** Which form on the page; default the first. */
  form?: number;
  /** Post somewhere else, as a button's formaction does. */
  action?: string;
}

/**
 * Submits a form of the page in `from` with its hidden fields plus `fields`
 * (later wins), without following the redirect.
 */
export async function submitForm(
  api: APIRequestContext,
  from: APIResponse,
  fields: Record<string, string>,
  options: SubmitOptions = {},
): Promise<APIResponse> {
  const form = htmlForms(await from.text())[options.form ?? 0];
  if (!form) throw new Error(`no form #${options.form ?? 0} on ${from.url()}`);
  return api.post(options.action ?? form.action, { form: { ...form.hidden, ...fields }, maxRedirects: 0 });
}
