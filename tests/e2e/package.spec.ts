/**
 * The published package: `npm pack` ships the bin and the library (its JS
 * and .d.ts, and the modules they import) and nothing for development
 * (bench, demo portal, tests); installed from the tarball into an empty
 * project, `import { loadSession } from 'portal-login'` and
 * `portal-login/playwright` work on a session the CLI saved, and a
 * TypeScript consumer type-checks without @types/node and with
 * skipLibCheck off. Needs npm and the registry (or npm's cache) for the
 * package's dependencies.
 */
import { test, expect } from '../support/fixtures.js';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, runCli } from '../support/cli.js';

const run = promisify(execFile);
const USER = 'demo37';

const CONSUMER_TS = `import { loadSession, PortalLoginError, type LoadedSession, type SessionInfo } from 'portal-login';
import { sessionFor, type SessionForOptions } from 'portal-login/playwright';
const options: SessionForOptions = { cwd: '.', minValidSeconds: 60 };
export async function main(): Promise<string> {
  const session: LoadedSession = await loadSession('main', { refresh: true, url: 'https://x.example/' });
  const info: SessionInfo = session.info;
  const cookie: string | undefined = session.headers().Cookie;
  const code: string | undefined = new PortalLoginError('NO_SESSION', 'm').code;
  return (await sessionFor('main', options)) + (cookie ?? '') + info.savedAt + (code ?? '');
}
`;

test('npm pack ships the library; installed from the tarball, loadSession and sessionFor work and the types check', async ({ portal, demoWorkspace, tempDir }) => {
  test.setTimeout(240_000);
  const work = await tempDir('portal-login-pack-');
  const npm = (args: string[], cwd: string) => run('npm', args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' }, maxBuffer: 16 * 1024 * 1024 });

  // --ignore-scripts: the tarball of the dist/ this test run built (npm test builds first).
  const { stdout: packed } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
  const [{ filename, files }] = JSON.parse(packed) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const paths = files.map((f) => f.path);
  for (const path of ['dist/bin/portal-login.js', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/playwright.js', 'dist/lib/playwright.d.ts', 'dist/session/model.d.ts', 'dist/core/errors.js']) expect(paths).toContain(path);
  expect(paths.filter((p) => /^dist\/(bench|demo-portal|service|cli|tests)\//.test(p) || p.endsWith('.tsbuildinfo'))).toEqual([]);

  const consumer = join(work, 'consumer');
  await mkdir(consumer);
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  await npm(['install', join(work, filename), '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], consumer);

  // A session saved by the CLI, used from the installed package as a user's job would.
  const ws = await demoWorkspace(portal.url, ['classic'], [USER]);
  const login = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  expect(login.status, login.stderr).toBe(0);
  const script = join(consumer, 'use.mjs');
  await writeFile(script, `import { loadSession } from 'portal-login';
import { sessionFor } from 'portal-login/playwright';
const [account, url, cwd] = process.argv.slice(2);
const session = await loadSession(account, { cwd });
const response = await fetch(url, { headers: session.headers(url) });
const statePath = await sessionFor(account, { cwd }); // valid: no login, no browser
console.log(JSON.stringify({ status: response.status, body: await response.json(), same: statePath === session.storageStatePath }));
`);
  const { stdout } = await run(process.execPath, [script, USER, `${portal.url}/api/me`, ws.dir], { cwd: consumer, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORTAL_LOGIN_LEDGER_DIR: join(ws.dir, '.ledger') } });
  expect(JSON.parse(stdout)).toEqual({ status: 200, body: { username: USER }, same: true });
  expect(portal.loginAttempts(USER)).toBe(1);

  const { stdout: help } = await run(join(consumer, 'node_modules/.bin/portal-login'), ['--help'], { cwd: consumer });
  expect(help).toContain('portal-login');

  await writeFile(join(consumer, 'check.ts'), CONSUMER_TS);
  await writeFile(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['check.ts'] }));
  const typecheck = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: consumer }).catch((e: { stdout: string }) => e);
  expect(typecheck.stdout).toBe('');
});
