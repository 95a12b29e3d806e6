/**
 * Side B of the benchmark: the login a person would write by hand for one
 * demo-portal variant, with explicit selectors and nothing else (no field
 * detection, no resource blocking, no checks beyond the dashboard URL). Each
 * variant's steps are in hand-written/<variant>.ts; launching, the TOTP code
 * and saving the state are shared here. Same browser and flags as
 * portal-login. It loads Playwright with a plain `import`, as an ESM script
 * does; `npm run bench` times that against portal-login's require + code
 * cache separately, since it is part of the gap.
 *
 * Usage: node dist/bench/hand-written.js <variant> <portalUrl> <username> <password> <base32Secret> <statePath>
 */
import { Secret, TOTP } from 'otpauth';
import { chromium } from 'playwright';
import { findBrowser, playwrightExecutablePath } from '../browser/find-browser.js';
import { chromiumArgs } from '../browser/launch.js';
import { autosubmitSteps } from './hand-written/autosubmit.js';
import { classicSteps } from './hand-written/classic.js';
import { sameformSteps } from './hand-written/sameform.js';
import type { HandWrittenAccount, HandWrittenSteps } from './hand-written/steps.js';
import { BENCH_VARIANTS, isBenchVariant, type BenchVariant } from './variants.js';

const STEPS = { classic: classicSteps, autosubmit: autosubmitSteps, sameform: sameformSteps } satisfies Record<BenchVariant, HandWrittenSteps>;

async function handWrittenLogin(steps: HandWrittenSteps, account: HandWrittenAccount, statePath: string): Promise<void> {
  const { executablePath } = findBrowser(process.env, playwrightExecutablePath(chromium));
  const browser = await chromium.launch({ headless: true, executablePath, args: chromiumArgs(process.getuid?.() === 0) });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await steps(page, account);
    await context.storageState({ path: statePath });
  } finally {
    await browser.close();
  }
}

const args = process.argv.slice(2);
if (args.length !== 6 || !isBenchVariant(args[0]!)) {
  process.stderr.write(`usage: hand-written.js ${BENCH_VARIANTS.join('|')} <portalUrl> <username> <password> <base32Secret> <statePath>\n`);
  process.exitCode = 2;
} else {
  const [variant, url, username, password, secret, statePath] = args as [BenchVariant, string, string, string, string, string];
  const code = () => TOTP.generate({ secret: Secret.fromBase32(secret) });
  await handWrittenLogin(STEPS[variant], { url, username, password, code }, statePath);
}
