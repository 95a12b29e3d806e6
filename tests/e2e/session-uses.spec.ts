/**
 * Whatever hands a session out through portal-login keeps it working on a
 * portal that rotates its cookie on every use: `export --refresh`,
 * `loadSession({ refresh: true })` and (through it) `sessionFor` probe the
 * session, write the rotated cookie back under the account's lock and hand
 * out the live value; one that is missing or rejected is logged in again.
 * The portal's clock is moved past its 5 s grace between uses, so a value
 * that was not written back would be dead by the next use.
 */
import { test, expect } from '../support/fixtures.js';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDemoPortal, type DemoPortal } from '../../demo-portal/index.js';
import { ROTATING_COOKIE, ROTATION_GRACE_MS } from '../../demo-portal/variants/rotating.js';
import { loadSession } from '../../lib/index.js';
import { sessionFor } from '../../lib/playwright.js';
import type { StateFile } from '../../session/state-file.js';
import { runCli } from '../support/cli.js';

/** A rotating demo portal whose clock the test moves. */
async function clockedPortal(): Promise<{ portal: DemoPortal; clock: { offsetMs: number } }> {
  const clock = { offsetMs: 0 };
  return { portal: await startDemoPortal({ now: () => Date.now() + clock.offsetMs }), clock };
}

const cookieValue = (header: string) => new RegExp(`${ROTATING_COOKIE}=([^;\\s]+)`).exec(header)?.[1];

test('export --refresh: logs in when there is no session, then five uses in a row each print the live rotated cookie', async ({ demoWorkspace }) => {
  const { portal, clock } = await clockedPortal();
  try {
    const ws = await demoWorkspace(portal.url, ['rotating'], ['demo28']);
    const me = `${portal.url}/rotating/api/me`;
    const values: string[] = [];
    for (let use = 1; use <= 5; use++) {
      const run = await runCli(['export', 'demo28', '--refresh', '--format', 'cookie-header', '--url', me, '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toContain(use === 1 ? 'demo28: logged in (no saved session).' : `demo28: session kept (probe ${me} answered 200).`);
      const value = cookieValue(run.stdout);
      expect(value, run.stdout).toBeTruthy();
      expect(run.stderr).not.toContain(value!);
      const saved = JSON.parse(await readFile(join(ws.stateDir, 'demo28.json'), 'utf8')) as StateFile;
      expect(saved.cookies.find((c) => c.name === ROTATING_COOKIE)?.value).toBe(value); // what was printed is what was saved
      values.push(value!);
      clock.offsetMs += ROTATION_GRACE_MS + 1_000;
    }
    expect(new Set(values).size).toBe(5); // each use after the login rotated the cookie
    expect(portal.loginAttempts('demo28')).toBe(1);
    // The last value printed is live, a grace period later: the portal answers it.
    const answer = await fetch(me, { headers: { cookie: `${ROTATING_COOKIE}=${values[4]}` }, redirect: 'manual' });
    expect(answer.status).toBe(200);
  } finally {
    await portal.close();
  }
});

test('loadSession({ refresh: true }): five uses in a row keep the rotating session alive; headers() carry the written-back cookie', async ({ demoWorkspace }) => {
  const { portal, clock } = await clockedPortal();
  try {
    const ws = await demoWorkspace(portal.url, ['rotating'], ['demo29']);
    const options = { cwd: ws.dir, env: { ...ws.env, PORTAL_LOGIN_LEDGER_DIR: join(ws.dir, '.ledger') }, refresh: true, url: `${portal.url}/rotating/api/me` };
    const values: string[] = [];
    for (let use = 1; use <= 5; use++) {
      const session = await loadSession('demo29', options);
      expect(session.info.obtainedBy, `use ${use}`).toBe(use === 1 ? 'login' : 'write-back');
      values.push(cookieValue(session.headers().Cookie ?? '')!);
      clock.offsetMs += ROTATION_GRACE_MS + 1_000;
    }
    expect(new Set(values).size).toBe(5);
    expect(portal.loginAttempts('demo29')).toBe(1);
    const answer = await fetch(options.url, { headers: { cookie: `${ROTATING_COOKIE}=${values[4]}` }, redirect: 'manual' });
    expect(answer.status).toBe(200);
  } finally {
    await portal.close();
  }
});

test('sessionFor logs in again when the saved session is rejected by the probe, and reuses a valid one untouched', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo16']);
  const options = { cwd: ws.dir, env: { ...ws.env, PORTAL_LOGIN_LEDGER_DIR: join(ws.dir, '.ledger') } };
  const path = await sessionFor('demo16', options);
  expect(portal.loginAttempts('demo16')).toBe(1);
  // The portal no longer knows this session (a logout elsewhere, a server restart): its probe answers 401.
  const state = JSON.parse(await readFile(path, 'utf8')) as StateFile;
  for (const cookie of state.cookies) if (cookie.name === 'demo_session') cookie.value = 'forgotten-by-the-portal';
  await writeFile(path, JSON.stringify(state), { mode: 0o600 });

  expect(await sessionFor('demo16', options)).toBe(path);
  expect(portal.loginAttempts('demo16')).toBe(2);
  const renewed = await readFile(path, 'utf8');
  expect(renewed).not.toContain('forgotten-by-the-portal');

  expect(await sessionFor('demo16', options)).toBe(path);
  expect(portal.loginAttempts('demo16')).toBe(2);
  expect(await readFile(path, 'utf8')).toBe(renewed); // valid: not rewritten
});
