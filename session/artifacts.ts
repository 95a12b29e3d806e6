import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright';
import { ensurePrivateDir, writeFileAtomic } from '../core/atomic-write.js';
import type { FailureArtifacts } from '../core/errors.js';
import type { Redactor } from '../core/redact.js';

/** Every input is masked: password and code fields for sure, and nothing typed is worth the risk. */
const MASK = 'input, textarea, [contenteditable=true]';

/** File name stem for one failed attempt: account and a sortable UTC time. */
export function artifactStem(account: string, at: Date): string {
  return `${account}-${at.toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * Saves what the browser showed when a login failed: a screenshot with every
 * field masked and, when tracing, the trace with secrets scrubbed. Best
 * effort: a failure here must not hide the login error itself.
 */
export async function saveFailureArtifacts(options: {
  page: Page;
  context: BrowserContext;
  dir: string;
  stem: string;
  tracing: boolean;
  redactor: Redactor;
}): Promise<FailureArtifacts> {
  const { page, context, dir, stem, redactor } = options;
  const artifacts: FailureArtifacts = {};
  try {
    await ensurePrivateDir(dir);
  } catch {
    return artifacts; // an unwritable artifacts dir must not replace the login error
  }
  try {
    const png = await page.screenshot({ mask: [page.locator(MASK)], maskColor: '#888', timeout: 5000 });
    artifacts.screenshot = join(dir, `${stem}.png`);
    await writeFileAtomic(artifacts.screenshot, png);
  } catch {
    // The page may be gone (crash, closed); the error message still says what happened.
  }
  if (options.tracing) {
    try {
      artifacts.trace = await saveScrubbedTrace(context, dir, stem, redactor);
    } catch {
      // A trace that cannot be scrubbed is not kept; the login error is what matters.
    }
  }
  return artifacts;
}

/**
 * Stops tracing into a private (0700) temp folder under the system temp dir,
 * writes the redacted copy into the artifacts folder, and deletes the raw
 * one. The raw trace never touches the artifacts folder (which CI jobs often
 * upload), even if the process is killed mid-scrub. The session's cookies
 * and storage values are registered first: a trace records Set-Cookie
 * headers and bearer tokens of the half-done login.
 */
async function saveScrubbedTrace(context: BrowserContext, dir: string, stem: string, redactor: Redactor): Promise<string> {
  // A page whose script is stuck never answers storageState(): without it the trace is still scrubbed of every secret typed.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const state = await Promise.race([context.storageState().catch(() => undefined), new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), 2000);
  })]);
  clearTimeout(timer);
  for (const cookie of state?.cookies ?? []) redactor.add(cookie.value);
  for (const origin of state?.origins ?? []) for (const item of origin.localStorage) redactor.add(item.value);
  const raw = await mkdtemp(join(tmpdir(), 'portal-login-trace-')); // mkdtemp creates it 0700
  try {
    const rawTrace = join(raw, 'trace.zip');
    await context.tracing.stop({ path: rawTrace });
    const { scrubTrace } = await import('./trace-scrub.js'); // jszip only when tracing
    const trace = join(dir, `${stem}.trace.zip`);
    await scrubTrace(rawTrace, trace, redactor);
    return trace;
  } finally {
    await rm(raw, { recursive: true, force: true });
  }
}
