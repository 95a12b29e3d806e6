import type { Page } from 'playwright';
import type { CodeSource } from '../codes/code-source.js';
import type { Logger } from '../core/log.js';
import type { Redactor } from '../core/redact.js';
import { isRetryableCodeRejection } from './classify.js';
import { enterCode, submit } from './fill.js';
import type { ScanInput, ScanResult } from './page-scan.js';
import { waitForScreen } from './screens.js';

export interface CodeStep {
  page: Page;
  codes: CodeSource;
  /** The verification screen the scan found after the password. */
  codeScreen: ScanResult;
  scan: Omit<ScanInput, 'stage'>;
  redactor: Redactor;
  log: Logger;
  /** Per-step timeout (ms). */
  timeoutMs: number;
}

/**
 * The verification step: enters a fresh code and submits it. When the portal
 * plainly says the code was wrong, enters one more from a new window, and
 * never a third (repeated failures lock accounts). Returns the screen after
 * the last code and how many codes were sent.
 */
export async function enterCodes(step: CodeStep): Promise<{ screen: ScanResult; submitted: number }> {
  const { page, log } = step;
  let screen = step.codeScreen;
  for (let submitted = 1; ; submitted++) {
    const issued = await step.codes.next({
      afterRejection: submitted > 1,
      onWait: (seconds, reason) => log.info(`Waiting ${seconds} s for ${reason}.`),
    });
    step.redactor.add(issued.code);
    const fields = screen.codeFields ?? 1;
    await enterCode(page, issued.code, fields);
    await submit(page, screen.hasSubmit === true, 'code-submit', `code-${fields - 1}`);
    log.info(`Submitted the verification code (${issued.label}).`);
    const after = await waitForScreen(page, step.scan, 'after-code', step.timeoutMs);
    if (submitted > 1 || after.screen !== 'error' || !isRetryableCodeRejection(after.errorText ?? '')) return { screen: after, submitted };
    log.warn('The portal rejected the code; retrying once with a code from a new time window.');
    screen = await waitForScreen(page, { ...step.scan, forgetErrors: true }, 'after-credentials', step.timeoutMs);
    if (screen.screen !== 'code') return { screen, submitted };
  }
}
