/**
 * `portal-login inspect`: what detection chose on each screen, with a
 * selector for each pick and an annotated screenshot; never a code.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from '../support/fixtures.js';
import { runCli } from '../support/cli.js';

test('inspect <url>: the first screen\'s picks with selectors and a screenshot; nothing typed or sent', async ({ portal, tempDir }) => {
  const dir = await tempDir();
  const run = await runCli(['inspect', `${portal.url}/bare/login`, '--artifacts-dir', 'shots'], { cwd: dir });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain(`Screen 1 at ${portal.url}/bare/login (main frame); next step: credentials`);
  expect(run.stdout).toMatch(/^\s+username\s+input\[name="clientCode"\]\s+read as: client code/m);
  expect(run.stdout).toMatch(/^\s+password\s+input\[name="pwd"\]/m);
  expect(run.stdout).toMatch(/password-submit\s+\S+\s+"Login"/);
  expect(run.stdout).toContain('Stopped before typing anything');
  const shot = /screenshot \(chosen elements outlined, inputs masked\): (\S+)/.exec(run.stdout)?.[1];
  expect(shot).toContain(join(dir, 'shots'));
  expect((await stat(shot!)).mode & 0o777).toBe(0o600);
  expect((await readFile(shot!)).subarray(1, 4).toString()).toBe('PNG');
  expect(portal.loginAttempts('')).toBe(0);
});

test('inspect --account: walks credentials and the method choice, stops at the code without entering one', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['choice'], ['demo11']);
  const run = await runCli(['inspect', '--account', 'demo11', '--config', ws.configPath, '--json'], { cwd: ws.dir, env: ws.env });
  expect(run.status, run.stderr).toBe(0);
  const result = JSON.parse(run.stdout) as { ok: boolean; stopped: string; screens: Array<{ next: string; frame: string; elements: Array<{ roles: string[]; selector: string }>; screenshot: string }> };
  expect(result.ok).toBe(true);
  expect(result.stopped).toBe('before-code');
  expect(result.screens.map((s) => s.next)).toEqual(['credentials', 'choice', 'code']);
  expect(result.screens[1]!.elements.flatMap((e) => e.roles)).toEqual(expect.arrayContaining(['choice-totp', 'choice-sms', 'choice-email']));
  expect(result.screens[2]!.elements.flatMap((e) => e.roles)).toContain('code');
  for (const screen of result.screens) expect((await stat(screen.screenshot)).size).toBeGreaterThan(1000);
  expect(portal.loginAttempts('demo11')).toBe(1);
  expect(portal.submittedCodes('demo11')).toEqual([]);
  expect(run.stdout).not.toContain(ws.env.DEMO11_PASSWORD!);
});

test('inspect of a form inside a cross-origin iframe names the frame', async ({ portal, tempDir }) => {
  const run = await runCli(['inspect', `${portal.url}/xframe/login`], { cwd: await tempDir() });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/\(iframe http:\/\/localhost:\d+\/xframe\/inner\); next step: (credentials|identifier)/);
});

test('inspect with neither a URL nor --account is a usage error (exit 2)', async ({ tempDir }) => {
  const run = await runCli(['inspect'], { cwd: await tempDir() });
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('Name the login page to inspect');
});
