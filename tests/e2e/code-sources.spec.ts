/**
 * The command and prompt code sources, through the real CLI against the
 * demo portal: the code comes from a program's output or from a person at
 * a terminal, and every way a source can fail has its own exit status.
 */
import { test, expect } from '../support/fixtures.js';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ConfigInput } from '../../config/schema.js';
import { demoUser } from '../../demo-portal/users.js';
import { CLI, ROOT, runCli } from '../support/cli.js';

type CodeInput = NonNullable<ConfigInput['accounts'][string]['code']>;

/** The account's code from `code` instead of its TOTP secret. */
function withCode(user: string, code: CodeInput) {
  return (c: ConfigInput) => {
    const account = c.accounts[user]!;
    delete account.totpSecretEnv;
    account.code = code;
  };
}

test('command: the code is read from what the program prints (our own `totp` command, as oathtool would be)', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo21'], withCode('demo21', {
    source: 'command',
    shell: true,
    command: `printf %s "$SECRET_FOR_COMMAND" | "${process.execPath}" "${CLI}" totp`,
  }));
  const secret = demoUser('demo21').totpSecret;
  const run = await runCli(['login', '--config', ws.configPath, '--verbose'], { cwd: ws.dir, env: { ...ws.env, SECRET_FOR_COMMAND: secret } });
  expect(run.stderr).toContain('Submitted the verification code (from the command "printf")');
  expect(run.status).toBe(0);
  expect(portal.submittedCodes('demo21')).toHaveLength(1);
  // The code is redacted from everything the run printed.
  expect(run.stderr + run.stdout).not.toContain(portal.submittedCodes('demo21')[0]!);
});

test('command: a rejected code is retried once with a different code from the program, never the same one again', async ({ portal, demoWorkspace }) => {
  // First run prints a wrong code; the next two print it again (a TOTP printer within one window), then the right one.
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo27'], withCode('demo27', {
    source: 'command',
    shell: true,
    command: `n=$(cat runs 2>/dev/null || echo 0); echo $((n+1)) > runs; if [ $n -lt 3 ]; then echo 000000; else printf %s "$SECRET_FOR_COMMAND" | "${process.execPath}" "${CLI}" totp; fi`,
  }));
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: { ...ws.env, SECRET_FOR_COMMAND: demoUser('demo27').totpSecret } });
  expect(run.stderr).toContain('retrying once');
  expect(run.status).toBe(0);
  const sent = portal.submittedCodes('demo27');
  expect(sent).toHaveLength(2);
  expect(sent[0]).toBe('000000');
  expect(sent[1]).not.toBe('000000');
});

test('command: a non-zero exit, no output and no code in the output are CODE_SOURCE_FAILED (exit 20); nothing is sent as a code', async ({ portal, demoWorkspace }) => {
  const cases: Array<[string[], string]> = [
    [['sh', '-c', 'echo "vault sealed" >&2; exit 3'], 'the command "sh" exited with status 3; no code was sent to the portal.'],
    [['true'], 'the command "true" printed nothing; no code was sent to the portal.'],
    [['echo', 'no code here'], 'the command "echo" printed no code matching accounts.demo22.code.pattern'],
    [['/nonexistent/otp-tool'], 'Could not run the command "/nonexistent/otp-tool": ENOENT.'],
  ];
  for (const [command, said] of cases) {
    const ws = await demoWorkspace(portal.url, ['classic'], ['demo22'], withCode('demo22', { source: 'command', command }));
    const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
    expect(run.stderr).toContain(`error [CODE_SOURCE_FAILED]: ${said}`);
    expect(run.status).toBe(20);
    expect(run.stderr).not.toContain('vault sealed'); // the program's stderr may hold secrets: never shown
  }
  expect(portal.submittedCodes('demo22')).toEqual([]);
});

test('command: a program slower than timeoutSeconds is CODE_TIMEOUT (exit 19), and is stopped', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo23'], withCode('demo23', { source: 'command', command: ['sleep', '30'], timeoutSeconds: 0.5 }));
  const started = Date.now();
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(run.stderr).toContain('error [CODE_TIMEOUT]: the command "sleep" gave no code within 0.5 s.');
  expect(run.status).toBe(19);
  expect(Date.now() - started).toBeLessThan(25_000); // the 30 s sleep was killed, not waited for
  expect(portal.submittedCodes('demo23')).toEqual([]);
});

test('command: a string command without shell: true is a config error saying how to write it', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo24'], withCode('demo24', { source: 'command', command: 'oathtool --totp -b XYZ' }));
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('accounts.demo24.code.command: without shell: true, give the program and its arguments as a list');
  expect(portal.loginAttempts('demo24')).toBe(0);
});

test('prompt without a terminal fails at once (exit 20), before the portal is contacted', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo25'], withCode('demo25', { source: 'prompt' }));
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(run.stderr).toContain('error [CODE_SOURCE_FAILED]');
  expect(run.stderr).toContain('accounts.demo25.code: source prompt asks for the code on a terminal, and this run has none (stdin is not a TTY).');
  expect(run.status).toBe(20);
  expect(portal.loginAttempts('demo25')).toBe(0);
});

test('prompt on a terminal: the typed code logs in and is not echoed', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo26'], withCode('demo26', { source: 'prompt', timeoutSeconds: 60 }));
  const run = await onTerminal(['login', '--config', ws.configPath], ws.dir, { ...ws.env, PTY_TOTP_SECRET: demoUser('demo26').totpSecret });
  expect(run.output).toContain('Verification code for demo26: ');
  expect(run.status).toBe(0);
  const [typed] = portal.submittedCodes('demo26');
  expect(typed).toMatch(/^\d{6}$/);
  expect(run.output).not.toContain(typed!);
});

/** The CLI on a pseudo-terminal; tests/support/pty-answer.py types the TOTP code at each prompt. */
function onTerminal(args: string[], cwd: string, env: Record<string, string>): Promise<{ status: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn('python3', [join(ROOT, 'tests/support/pty-answer.py'), 'Verification code for', process.execPath, CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORTAL_LOGIN_LEDGER_DIR: join(cwd, '.ledger'), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.on('error', fail);
    child.on('close', (status) => done({ status, output }));
  });
}
