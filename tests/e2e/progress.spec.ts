/**
 * The live progress through the real CLI on a pseudo-terminal
 * (tests/support/pty-answer.py; nothing is prompted here): one line per
 * account, redrawn in place, and the final screen shows every account's
 * final state. Off a terminal the plain per-account lines stay.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { demoUser } from '../../demo-portal/index.js';
import { CLI, ROOT, runCli } from '../support/cli.js';
import { expect, test } from '../support/fixtures.js';
import { screen } from '../support/terminal-screen.js';

function onTerminal(args: string[], cwd: string, env: Record<string, string>): Promise<{ status: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn('python3', [join(ROOT, 'tests/support/pty-answer.py'), 'no prompt is expected in this run', process.execPath, CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORTAL_LOGIN_LEDGER_DIR: join(cwd, '.ledger'), PTY_TOTP_SECRET: demoUser('demo').totpSecret, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.on('error', fail);
    child.on('close', (status) => done({ status, output }));
  });
}

test('on a terminal: one live line per account, redrawn in place; the final screen shows each final state', async ({ portal, demoWorkspace }) => {
  // static01 is IP-bound and has no proxy here: it fails (IP_NOT_ALLOWED) while demo27 logs in.
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo27', 'static01']);
  const run = await onTerminal(['login', '--config', ws.configPath, '--concurrency', '2'], ws.dir, ws.env);
  expect(run.status).toBe(25);
  expect(run.output).toContain('\x1b[2A\x1b[2K'); // redrawn: up over the two lines, each cleared
  expect(run.output).not.toContain('[demo27] Submitted username and password.'); // the live line replaces the plain ones
  const shown = screen(run.output);
  const block = shown.filter((line) => /^(demo27|static01) {2}/.test(line));
  expect(block).toEqual([expect.stringMatching(/^demo27 {4}done in \d+\.\d s$/), 'static01  failed (IP_NOT_ALLOWED)']);
  // The results follow the block, as without a terminal.
  expect(shown.some((line) => line.startsWith('demo27: logged in in '))).toBe(true);
  expect(shown.some((line) => line.startsWith('static01: error [IP_NOT_ALLOWED]'))).toBe(true);
});

test('off a terminal the plain per-account lines are the progress, and --json is unchanged', async ({ portal, demoWorkspace }) => {
  // Two users: a second login of one user would wait out a TOTP window.
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo28', 'demo29']);
  const plain = await runCli(['login', 'demo28', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(plain.status).toBe(0);
  expect(plain.stderr).toContain('[demo28] Submitted username and password.');
  expect(plain.stderr).not.toContain('\x1b[');
  const json = await runCli(['login', 'demo29', '--config', ws.configPath, '--json'], { cwd: ws.dir, env: ws.env });
  expect(json.stderr).not.toContain('\x1b[');
  expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, accounts: [{ account: 'demo29', ok: true }] });
});

test('refresh on a terminal: the accounts it logs in get the same live lines, then its per-account results', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo41', 'demo42']);
  const run = await onTerminal(['refresh', '--config', ws.configPath, '--concurrency', '2'], ws.dir, ws.env);
  expect(run.status).toBe(0);
  expect(run.output).toContain('\x1b[2A\x1b[2K'); // redrawn in place, as for login
  expect(run.output).not.toContain('[demo41] Submitted username and password.');
  const shown = screen(run.output);
  const block = shown.filter((line) => /^demo4[12] {2}/.test(line));
  expect(block).toEqual([expect.stringMatching(/^demo41 {2}done in \d+\.\d s$/), expect.stringMatching(/^demo42 {2}done in \d+\.\d s$/)]);
  expect(shown.some((line) => line.startsWith('demo41: logged in (no saved session)'))).toBe(true);
  expect(shown.some((line) => line.startsWith('demo42: logged in (no saved session)'))).toBe(true);
});
