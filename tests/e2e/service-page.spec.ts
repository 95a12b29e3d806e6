/**
 * The team page at `/` of `portal-login serve`, in real Chromium against the
 * real server: sign-in with a token, the entries it may read and no other,
 * codes equal to RFC 6238's for the window shown, the countdown rolling
 * over, the copy button, the token in no URL, cookie or localStorage, and a
 * strict CSP that the page's own hashed script and style satisfy.
 */
import { test, expect } from '../support/fixtures.js';
import { Secret, TOTP } from 'otpauth';
import { addEntry, newToken, serve, workspace } from '../support/team-service.js';

const SECRET = 'JBSWY3DPEHPK3PXPGEZDGNBVGY3TQOJQ';
const OTHER_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const codeOf = (secret: string, step: number, period: number) => TOTP.generate({ secret: Secret.fromBase32(secret), period, timestamp: step * period * 1000 });

test('sign in with a token, see only its entries with live codes and countdowns, copy one; the token is in no URL, cookie or localStorage; strict CSP', async ({ page, context, tempDir }) => {
  const ws = await workspace(await tempDir('portal-login-page-'));
  await addEntry(ws, 'acme-prod', SECRET, ['--period', '10']); // short period: the rollover is seen within 10 s
  await addEntry(ws, 'acme-staging', OTHER_SECRET);
  await addEntry(ws, 'billing', OTHER_SECRET);
  const token = await newToken(ws, 'desk', ['acme-*']);
  const server = await serve(ws);
  const urls: string[] = [];
  const cspViolations: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  page.on('console', (m) => void (/Content Security Policy/i.test(m.text()) && cspViolations.push(m.text())));
  try {
    const response = await page.goto(`${server.url}/`);
    const csp = response!.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/);
    expect(response!.headers()['x-frame-options']).toBe('DENY');

    await page.getByLabel('Token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#status')).toHaveText(/^That token was not accepted: it is unknown, revoked or expired\./);

    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const rows = page.locator('#codes li');
    await expect(rows).toHaveCount(2);
    expect(await rows.evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.entry))).toEqual(['acme-prod', 'acme-staging']); // never billing

    for (const [name, secret, period] of [['acme-prod', SECRET, 10], ['acme-staging', OTHER_SECRET, 30]] as const) {
      const row = page.locator(`li[data-entry="${name}"]`);
      await expect(row).toHaveAttribute('data-step', /^\d+$/);
      const step = Number(await row.getAttribute('data-step'));
      expect(Math.abs(step - Math.floor(Date.now() / 1000 / period))).toBeLessThanOrEqual(1);
      await expect(row.locator('.code')).toHaveText(codeOf(secret, step, period));
      await expect(row.locator('.left')).toHaveText(/^\d+ s$/);
    }

    // The countdown ends and the next window's code replaces the old one.
    const prod = page.locator('li[data-entry="acme-prod"]');
    const firstStep = Number(await prod.getAttribute('data-step'));
    await expect(prod).toHaveAttribute('data-step', String(firstStep + 1), { timeout: 15_000 });
    await expect(prod.locator('.code')).toHaveText(codeOf(SECRET, firstStep + 1, 10));

    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const staging = page.locator('li[data-entry="acme-staging"]');
    await staging.getByRole('button', { name: 'Copy' }).click();
    await expect(staging.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await staging.locator('.code').textContent());

    // A reload in the same tab stays signed in (sessionStorage); nothing else holds the token.
    await page.reload();
    await expect(rows).toHaveCount(2);
    expect(await page.evaluate(() => ({ local: localStorage.length, session: Object.keys(sessionStorage) }))).toEqual({ local: 0, session: ['portal-login.token'] });
    expect(await context.cookies()).toEqual([]);
    for (const url of [...urls, page.url()]) expect(url).not.toContain(token);
    expect(urls.some((u) => u.includes('/v1/totp/code/acme-prod'))).toBe(true);
    expect(urls.some((u) => u.includes('billing'))).toBe(false);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByLabel('Token')).toBeVisible();
    await expect(rows).toHaveCount(0);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(cspViolations).toEqual([]);
  } finally {
    await server.stop();
  }
});
