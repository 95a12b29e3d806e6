/**
 * The fast path through the real CLI against the demo portal: the first
 * login (browser) learns a recipe holding no secret, the second replays it
 * over HTTP without loading Playwright, and its session passes `status` and
 * loads in a browser; the hashed variant is browser-only; a stale recipe
 * falls back to the browser once and is learned again; a wrong password on
 * replay is BAD_CREDENTIALS, tried once, with no browser attempt.
 */
import { test, expect } from '../support/fixtures.js';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DemoPortal } from '../../demo-portal/index.js';
import { demoUser } from '../../demo-portal/users.js';
import type { DemoVariant } from '../../demo-portal/variants.js';
import type { StateFile } from '../../session/state-file.js';
import { ROOT, runCli, type CliRun, type DemoWorkspaceFactory, type Workspace } from '../support/cli.js';

const LEARNER = 'demo21';
const REPLAYER = 'demo22';
/** A third user, so no login waits for a TOTP window another one just used. */
const THIRD = 'demo23';

async function autoWorkspace(demoWorkspace: DemoWorkspaceFactory, portal: DemoPortal, variant: DemoVariant): Promise<Workspace> {
  return demoWorkspace(portal.url, [variant], [LEARNER, REPLAYER, THIRD], (config) => {
    config.portals[variant]!.fastPath = 'auto';
  });
}

/** `login <account>` with every module the process loads listed in `imported`. */
async function login(ws: Workspace, account: string, env: Record<string, string> = {}): Promise<CliRun & { imported: string }> {
  const log = join(ws.dir, `imports-${account}-${Date.now()}.log`);
  await writeFile(log, '');
  const hook = { IMPORT_LOG: log, NODE_OPTIONS: `--import=${join(ROOT, 'tests/support/import-log-hooks.mjs')}` };
  const run = await runCli(['login', account, '--config', ws.configPath, '--verbose'], { cwd: ws.dir, env: { ...ws.env, ...hook, ...env } });
  return { ...run, imported: await readFile(log, 'utf8') };
}

/** `explain <account>` of the workspace's config. */
const explain = (ws: Workspace, account: string, extra: string[] = []) => runCli(['explain', account, ...extra, '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
const recipePath = (ws: Workspace, portal: string) => join(ws.stateDir, 'recipes', `${portal}.json`);
const readState = async (ws: Workspace, account: string) => JSON.parse(await readFile(join(ws.stateDir, `${account}.json`), 'utf8')) as StateFile;

test('classic: the browser login learns a recipe with no secret in it; the next login replays it with no Playwright loaded, and its session passes status and loads in a browser', async ({ portal, demoWorkspace, browser }) => {
  const ws = await autoWorkspace(demoWorkspace, portal, 'classic');
  const before = await explain(ws, LEARNER);
  expect(before.status, before.stderr).toBe(0);
  expect(before.stdout).toContain(`No recipe learned yet for portal classic (${recipePath(ws, 'classic')}). The next browser login of ${LEARNER} records one (fastPath: auto).`);
  const first = await login(ws, LEARNER);
  expect(first.status, first.stderr).toBe(0);
  expect(first.stderr).toContain('Fast path: no recipe learned yet; logging in with the browser.');
  expect(first.imported).toMatch(/playwright/);
  const recipeText = await readFile(recipePath(ws, 'classic'), 'utf8');
  expect((await stat(recipePath(ws, 'classic'))).mode & 0o777).toBe(0o600);
  const recipe = JSON.parse(recipeText) as { kind: string; steps: Array<{ method: string; carries: string[] }> };
  expect(recipe.kind).toBe('replay');
  expect(recipe.steps.map((s) => [s.method, s.carries])).toEqual([['GET', []], ['POST', ['username', 'password']], ['GET', []], ['POST', ['code']], ['GET', []]]);
  expect(recipeText).toContain('"from": "input"'); // the CSRF token is read from the page at replay time
  // explain: every request in order, what carries the typed values, where the CSRF token comes from.
  const explained = await explain(ws, LEARNER);
  expect(explained.status, explained.stderr).toBe(0);
  const requests = explained.stdout.split('\n').filter((l) => /^\d+\. /.test(l));
  expect(requests.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['1. GET', '2. POST', '3. GET', '4. POST', '5. GET']);
  expect(explained.stdout).toContain('Replayable over HTTP: 5 requests.');
  expect(explained.stdout).toMatch(/form field \w+ = \{username\}/);
  expect(explained.stdout).toMatch(/form field \w+ = \{password\}/);
  expect(explained.stdout).toMatch(/form field \w+ = \{code\}/);
  expect(explained.stdout).toMatch(/form field \w+ = \{input "\w+" of step 1's page\}/);
  const asJson = await explain(ws, LEARNER, ['--json']);
  expect(JSON.parse(asJson.stdout)).toEqual(recipe);

  const second = await login(ws, REPLAYER);
  expect(second.status, second.stderr).toBe(0);
  expect(second.stderr).toContain('Logged in over HTTP with the learned recipe (fast path, no browser).');
  expect(second.imported).toContain('dist/bin/');
  expect(second.imported).not.toMatch(/playwright/);
  expect(portal.loginAttempts(REPLAYER)).toBe(1);
  expect(portal.submittedCodes(REPLAYER)).toHaveLength(1);

  // Never a value of the login in the recipe: the password, the TOTP secrets, the codes, any cookie of either session.
  const saved = [await readState(ws, LEARNER), await readState(ws, REPLAYER)];
  const values = [ws.env.DEMO21_PASSWORD!, demoUser(LEARNER).totpSecret, demoUser(REPLAYER).totpSecret, ...portal.submittedCodes(LEARNER), ...portal.submittedCodes(REPLAYER), ...saved.flatMap((s) => s.cookies.map((c) => c.value))];
  expect(values.length).toBeGreaterThan(6);
  for (const value of values) expect(recipeText).not.toContain(value);
  for (const run of [first, second, explained]) for (const value of values) expect(run.stdout + run.stderr).not.toContain(value);

  const status = await runCli(['status', REPLAYER, '--json', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect((JSON.parse(status.stdout) as { accounts: Array<{ valid: string; obtainedBy: string }> }).accounts[0]).toMatchObject({ valid: 'yes', obtainedBy: 'login' });

  const context = await browser.newContext({ storageState: join(ws.stateDir, `${REPLAYER}.json`) });
  const page = await context.newPage();
  await page.goto(`${portal.url}/classic/dashboard`);
  await expect(page.getByRole('heading')).toContainText(REPLAYER);
  await context.close();
});

test('hashed: the password is hashed by the page, so the portal is marked browser-only with the reason, and the next login uses the browser', async ({ portal, demoWorkspace }) => {
  const ws = await autoWorkspace(demoWorkspace, portal, 'hashed');
  const first = await login(ws, LEARNER);
  expect(first.status, first.stderr).toBe(0);
  expect(first.stderr).toContain('Fast path: portal hashed is browser-only: no request carried the password as it was typed (the page hashes or encrypts it before sending).');
  const recipe = JSON.parse(await readFile(recipePath(ws, 'hashed'), 'utf8')) as { kind: string; reason: string; steps?: unknown };
  expect(recipe).toMatchObject({ kind: 'browser-only' });
  expect(recipe.steps).toBeUndefined();
  const explained = await explain(ws, LEARNER);
  expect(explained.stdout).toContain(`Browser-only: ${recipe.reason}\nEvery login of this portal uses the browser.`);

  const second = await login(ws, REPLAYER);
  expect(second.status, second.stderr).toBe(0);
  expect(second.stderr).toContain('Fast path: browser-only: no request carried the password');
  expect(second.stderr).not.toContain('fast path, no browser');
  expect(second.imported).toMatch(/playwright/);
  expect(portal.loginAttempts(REPLAYER)).toBe(1);
});

test('a stale recipe (the portal renamed its CSRF field since) falls back to the browser once and is learned again', async ({ portal, demoWorkspace }) => {
  const ws = await autoWorkspace(demoWorkspace, portal, 'classic');
  expect((await login(ws, LEARNER)).status).toBe(0);
  const learned = await readFile(recipePath(ws, 'classic'), 'utf8');
  // As if the page had called its field "_csrf" only since: the recipe looks for a field the portal no longer has.
  await writeFile(recipePath(ws, 'classic'), learned.replaceAll('"name": "_csrf"\n', '"name": "authenticity_token"\n'), { mode: 0o600 });

  const second = await login(ws, REPLAYER);
  expect(second.status, second.stderr).toBe(0);
  expect(second.stderr).toContain('Fast path: {input[name=authenticity_token] of step 1} was not there; logging in with the browser once, and learning the login again.');
  expect(second.stderr).toContain('Submitted username and password.');
  expect(second.imported).toMatch(/playwright/);
  // The replay stopped before sending the password: the browser's attempt is the only one.
  expect(portal.loginAttempts(REPLAYER)).toBe(1);
  expect(await readFile(recipePath(ws, 'classic'), 'utf8')).not.toContain('authenticity_token');

  const third = await login(ws, THIRD);
  expect(third.status, third.stderr).toBe(0);
  expect(third.stderr).toContain('Logged in over HTTP with the learned recipe (fast path, no browser).');
});

test('a wrong password on replay is BAD_CREDENTIALS (exit 4), sent once, with no browser attempt', async ({ portal, demoWorkspace }) => {
  const ws = await autoWorkspace(demoWorkspace, portal, 'classic');
  expect((await login(ws, LEARNER)).status).toBe(0);
  const run = await login(ws, REPLAYER, { DEMO22_PASSWORD: 'not-the-password' });
  expect(run.stderr).toContain('error [BAD_CREDENTIALS]: The portal said: "Invalid username or password."');
  expect(run.stderr).toContain('not in the browser either');
  expect(run.status).toBe(4);
  expect(portal.loginAttempts(REPLAYER)).toBe(1);
  expect(portal.submittedCodes(REPLAYER)).toEqual([]);
  expect(run.imported).not.toMatch(/playwright/);
  expect(run.stdout + run.stderr).not.toContain('not-the-password');
});
