/**
 * Side B of the benchmark: the login a person would write by hand for the
 * classic demo portal, with explicit selectors and nothing else (no field
 * detection, no resource blocking, no checks beyond the dashboard URL).
 * Same browser and flags as portal-login. It loads Playwright with a plain
 * `import`, as an ESM script does; `npm run bench` times that against
 * portal-login's require + code cache separately, since it is part of the gap.
 *
 * Usage: node dist/bench/hand-written.js <portalUrl> <username> <password> <base32Secret> <statePath>
 */
import { Secret, TOTP } from 'otpauth';
import { chromium } from 'playwright';
import { findBrowser, playwrightExecutablePath } from '../browser/find-browser.js';
import { chromiumArgs } from '../browser/launch.js';

async function handWrittenLogin(url: string, username: string, password: string, secret: string, statePath: string): Promise<void> {
  const { executablePath } = findBrowser(process.env, playwrightExecutablePath(chromium));
  const browser = await chromium.launch({ headless: true, executablePath, args: chromiumArgs(process.getuid?.() === 0) });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/classic/login`);
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(password);
    await page.locator('button[type=submit]').click();
    const codeField = page.locator('input[autocomplete=one-time-code]');
    await codeField.waitFor();
    await codeField.fill(TOTP.generate({ secret: Secret.fromBase32(secret) }));
    await page.locator('button[type=submit]').click();
    await page.waitForURL(/dashboard$/);
    await context.storageState({ path: statePath });
  } finally {
    await browser.close();
  }
}

const args = process.argv.slice(2);
if (args.length !== 5) {
  process.stderr.write('usage: hand-written.js <portalUrl> <username> <password> <base32Secret> <statePath>\n');
  process.exitCode = 2;
} else {
  const [url, username, password, secret, statePath] = args as [string, string, string, string, string];
  await handWrittenLogin(url, username, password, secret, statePath);
}
