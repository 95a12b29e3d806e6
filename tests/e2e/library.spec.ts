/**
 * The library API (`import { loadSession } from 'portal-login'`): after a
 * real CLI login, the README's runnable example (examples/fetch-with-session.mjs,
 * resolved through package.json "exports" as a user's job would) reaches a
 * logged-in-only page with `fetch`; no session is NO_SESSION.
 */
import { test, expect } from '../support/fixtures.js';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadSession, PortalLoginError } from '../../lib/index.js';
import { ROOT, runCli } from '../support/cli.js';

const run = promisify(execFile);
const USER = 'demo39';
const EXAMPLE = join(ROOT, 'examples/fetch-with-session.mjs');

test('the README example fetches /api/me with the headers of a session the CLI saved', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], [USER]);
  const login = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(login.status, login.stderr).toBe(0);

  const { stdout } = await run(process.execPath, [EXAMPLE, USER, `${portal.url}/api/me`], { cwd: ws.dir, env: { PATH: process.env.PATH ?? '' } });
  expect(stdout.trim()).toBe(`200 ${JSON.stringify({ username: USER })}`);

  const session = await loadSession(USER, { cwd: ws.dir });
  expect(session.storageStatePath).toBe(join(ws.stateDir, `${USER}.json`));
  expect(session.info).toMatchObject({ account: USER, portal: 'classic', obtainedBy: 'login' });
  expect(Object.keys(session.headers(`${portal.url}/api/me`))).toEqual(['Cookie']);
  // Cookies go only where a browser would send them.
  expect(session.headers('http://elsewhere.example/api/me')).toEqual({});
});

test('without a saved session: NO_SESSION naming the login to run (library and example)', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], [USER]);
  const error = await loadSession(USER, { config: ws.configPath }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PortalLoginError);
  expect((error as PortalLoginError).code).toBe('NO_SESSION');
  expect((error as PortalLoginError).hint).toBe(`Log in first: portal-login login ${USER} --config ${ws.configPath}`);

  const example = await run(process.execPath, [EXAMPLE, USER, `${portal.url}/api/me`], { cwd: ws.dir }).catch((e: { code: number; stderr: string }) => e);
  expect(example).toMatchObject({ code: 1 });
  expect((example as { stderr: string }).stderr).toContain(`NO_SESSION: No saved session for account "${USER}"`);
});
