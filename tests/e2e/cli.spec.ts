/** The CLI as a user meets it: demo, totp (every way of giving the secret), help, start-up cost. */
import { test, expect } from '../support/fixtures.js';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { CLI, ROOT, runCli } from '../support/cli.js';

const SECRET = 'JBSWY3DPEHPK3PXP';
const expected = (digits = 6, algorithm = 'SHA1', period = 30) =>
  TOTP.generate({ secret: Secret.fromBase32(SECRET), digits, algorithm, period, timestamp: Date.now() });
/** Each test's working folders; the tempDir fixture removes them when the test ends. */
const CLI_PREFIX = 'portal-login-cli-';

test('demo: logs the demo user in and prints where the session is and how to use it', async ({ tempDir }) => {
  const cwd = await tempDir(CLI_PREFIX);
  const run = await runCli(['demo', '--user', 'demo27'], { cwd });
  expect(run.status, run.stderr).toBe(0);
  const statePath = join(cwd, '.portal-login/state/demo27.json');
  expect(run.stdout).toContain(`session saved to ${statePath}`);
  expect(run.stdout).toContain(`newContext({ storageState: '${statePath}' })`);
  expect((await stat(statePath)).mode & 0o777).toBe(0o600);
});

test('totp: from the argument, with the seconds left', async ({ tempDir }) => {
  const cwd = await tempDir(CLI_PREFIX);
  const run = await runCli(['totp', 'jbsw y3dp ehpk 3pxp'], { cwd });
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^\d{6} {2}\(\d+ s left\)\n$/);
  expect([expected(), TOTP.generate({ secret: Secret.fromBase32(SECRET), timestamp: Date.now() - 30_000 })]).toContain(run.stdout.slice(0, 6));
});

test('totp: from stdin, as JSON, and from an otpauth URI with its own digits', async ({ tempDir }) => {
  const cwd = await tempDir(CLI_PREFIX);
  const piped = await runCli(['totp', '--json'], { cwd, input: `${SECRET}\n` });
  expect(piped.status).toBe(0);
  const json = JSON.parse(piped.stdout) as { code: string; secondsLeft: number; digits: number; period: number };
  expect(json).toMatchObject({ digits: 6, period: 30 });
  expect(json.secondsLeft).toBeGreaterThan(0);
  expect(json.secondsLeft).toBeLessThanOrEqual(30);
  const uri = await runCli(['totp', `otpauth://totp/Broker:me?secret=${SECRET}&digits=8&algorithm=SHA256&issuer=Broker`, '--json'], { cwd });
  expect(JSON.parse(uri.stdout)).toMatchObject({ digits: 8, algorithm: 'SHA256' });
  expect(JSON.parse(uri.stdout).code).toMatch(/^\d{8}$/);
});

test('totp --account reads the secret from the env var the config names (.env supported)', async ({ tempDir }) => {
  const cwd = await tempDir(CLI_PREFIX);
  await writeFile(join(cwd, 'portal-login.yaml'), [
    'portals:', '  broker:', '    loginUrl: https://broker.example/login', '    success: { url: "/dashboard" }', '    totp: { digits: 8 }',
    'accounts:', '  main:', '    portal: broker', '    username: AB1234', '    passwordEnv: BROKER_PASSWORD', '    totpSecretEnv: BROKER_TOTP', '',
  ].join('\n'));
  await writeFile(join(cwd, '.env'), `BROKER_TOTP=${SECRET}\n`);
  const run = await runCli(['totp', '--account', 'main', '--json'], { cwd });
  expect(run.status, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout).digits).toBe(8);
  const missing = await runCli(['totp', '--account', 'nobody'], { cwd });
  expect(missing.status).toBe(2);
});

test('totp --account X --digits 8: the flag wins over the account\'s, the portal\'s (schema-filled 6) and the URI\'s digits', async ({ tempDir }) => {
  const cwd = await tempDir(CLI_PREFIX);
  await writeFile(join(cwd, 'portal-login.yaml'), [
    'portals:', '  broker:', '    loginUrl: https://broker.example/login', '    success: { url: "/dashboard" }',
    'accounts:',
    '  main:', '    portal: broker', '    username: AB1234', '    passwordEnv: BROKER_PASSWORD', '    totpSecretEnv: BROKER_TOTP', '    totp: { digits: 7 }',
    '  fromUri:', '    portal: broker', '    username: CD5678', '    passwordEnv: BROKER_PASSWORD', '    totpSecretEnv: BROKER_TOTP_URI', '',
  ].join('\n'));
  const env = { BROKER_TOTP: SECRET, BROKER_TOTP_URI: `otpauth://totp/Broker:CD5678?secret=${SECRET}&digits=7` };
  for (const account of ['main', 'fromUri']) {
    const run = await runCli(['totp', '--account', account, '--digits', '8'], { cwd, env });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout, account).toMatch(/^\d{8} {2}\(\d+ s left\)\n$/);
    const previous = TOTP.generate({ secret: Secret.fromBase32(SECRET), digits: 8, timestamp: Date.now() - 30_000 });
    expect([expected(8), previous], account).toContain(run.stdout.slice(0, 8));
  }
  // Without the flag the account's own 7 digits apply.
  const plain = await runCli(['totp', '--account', 'main', '--json'], { cwd, env });
  expect(JSON.parse(plain.stdout)).toMatchObject({ digits: 7, period: 30, algorithm: 'SHA1' });
});

test('totp --account and login with the secret pasted where the variable NAME belongs: exit 3, the key named, the secret never printed', async ({ tempDir }) => {
  const cwd = await tempDir(CLI_PREFIX);
  await writeFile(join(cwd, 'portal-login.yaml'), [
    'portals:', '  broker:', '    loginUrl: http://127.0.0.1:9/login', '    success: { url: "/dashboard" }',
    'accounts:', '  main:', '    portal: broker', '    username: AB1234', '    passwordEnv: BROKER_PASSWORD', `    totpSecretEnv: ${SECRET}`, '',
  ].join('\n'));
  for (const args of [['totp', '--account', 'main'], ['login', '--json']]) {
    const run = await runCli(args, { cwd, env: { BROKER_PASSWORD: 'broker-pass-1' } });
    expect(run.status, args.join(' ')).toBe(3);
    expect(run.stderr).toContain('error [MISSING_SECRET]');
    expect(run.stderr).toContain('accounts.main.totpSecretEnv');
    expect(run.stderr).toContain('hold the NAME of an environment variable');
    expect(`${run.stdout}\n${run.stderr}`).not.toContain(SECRET);
    if (args.includes('--json')) {
      // A run-level failure still answers a script reading stdout.
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: 'MISSING_SECRET', exitStatus: 3 } });
    }
  }
});

test('totp: no secret and no terminal, or a bad secret: exit 3 without echoing it', async ({ tempDir }) => {
  const cwd = await tempDir(CLI_PREFIX);
  const none = await runCli(['totp'], { cwd });
  expect(none.status).toBe(3);
  expect(none.stderr).toContain('error [MISSING_SECRET]');
  const bad = await runCli(['totp', 'NOTBASE32SECRET0189'], { cwd });
  expect(bad.status).toBe(3);
  expect(bad.stderr).not.toContain('NOTBASE32SECRET0189');
});

test('totp and --help never load Playwright', async ({ tempDir }) => {
  const cwd = await tempDir(CLI_PREFIX);
  for (const args of [['totp', SECRET], ['--help'], ['login', '--help']]) {
    const log = join(cwd, `imports-${args.join('-')}.log`);
    const run = spawnSync(process.execPath, ['--import', join(ROOT, 'tests/support/import-log-hooks.mjs'), CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH, IMPORT_LOG: log },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const imported = await readFile(log, 'utf8');
    expect(imported).toContain('dist/bin/chunks/'); // the hook saw the CLI's own imports
    expect(imported).not.toMatch(/playwright/);
  }
});

test('demo-portal on a port already in use: usage error naming the port, not a crash', async ({ tempDir }) => {
  const taken = createServer().listen(0, '127.0.0.1');
  await once(taken, 'listening');
  const { port } = taken.address() as AddressInfo;
  try {
    const run = await runCli(['demo-portal', '--port', String(port)], { cwd: await tempDir(CLI_PREFIX) });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`127.0.0.1:${port} (already in use)`);
    expect(run.stderr).toContain('--port 0');
    expect(run.stderr).not.toContain('bug in portal-login');
  } finally {
    taken.close();
  }
});

test('no command, or an unknown one: usage error, exit 2', async ({ tempDir }) => {
  const cwd = await tempDir(CLI_PREFIX);
  const none = await runCli([], { cwd });
  expect(none.status).toBe(2);
  expect(none.stderr).toContain('Name a command');
  const unknown = await runCli(['logni'], { cwd });
  expect(unknown.status).toBe(2);
});

test('totp on a terminal: a hidden prompt that never echoes the secret', async () => {
  // `script` gives the CLI a real pseudo-terminal; the secret is typed only once the prompt is shown.
  const child = spawn('script', ['-qec', `${process.execPath} ${CLI} totp`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let typed = false;
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
    if (!typed && screen.includes('TOTP secret (input hidden): ')) {
      typed = true;
      child.stdin.write(`${SECRET}\r`);
    }
  });
  const status = await new Promise<number | null>((done) => child.on('close', done));
  expect(status).toBe(0);
  expect(screen).not.toContain(SECRET);
  expect(screen).toMatch(/\d{6} {2}\(\d+ s left\)/);
});

test('bad option values are usage errors (exit 2), never a hang or NaN', async ({ tempDir }) => {
  const cwd = await tempDir(CLI_PREFIX);
  for (const args of [['login', '--timeout', 'abc'], ['login', '--timeout', '0'], ['totp', SECRET, '--period', '0'], ['totp', SECRET, '--digits', '20']]) {
    const run = await runCli(args, { cwd });
    expect(run.status, args.join(' ')).toBe(2);
    expect(run.stderr).toContain('error [USAGE]: --');
  }
});
