/**
 * Many accounts in one run, several at once in one browser: each result is
 * its own, a failure stops no other account, and the exit status reports it.
 */
import { test, expect } from '../support/fixtures.js';
import { stateEntries } from '../support/state-dir.js';
import { runCli } from '../support/cli.js';

test('--concurrency 3 over six accounts of two portals: five log in, the wrong password fails alone, exit 4', async ({ portal, demoWorkspace }) => {
  const users = ['demo01', 'demo02', 'demo03', 'demo04', 'demo05', 'demo06'];
  // Three users on each portal (one user on both would share a TOTP secret, and wait for a second window).
  const names = users.map((u, i) => `${i < 3 ? 'classic' : 'spa'}-${u}`);
  const ws = await demoWorkspace(portal.url, ['classic', 'spa'], users, (c) => {
    for (const name of Object.keys(c.accounts)) if (!names.includes(name)) delete c.accounts[name];
    c.portals.spa!.maxConcurrent = 1;
  });
  const run = await runCli(['login', '--config', ws.configPath, '--concurrency', '3', '--verbose', '--json'], { cwd: ws.dir, env: { ...ws.env, DEMO04_PASSWORD: 'wrong' } });
  expect(run.stderr).toContain('Logging in up to 3 account(s) at once (--concurrency).');
  const result = JSON.parse(run.stdout) as { ok: boolean; accounts: Array<{ account: string; ok: boolean; error?: { code: string } }> };
  expect(result.accounts.map((a) => [a.account, a.ok, a.error?.code ?? null])).toEqual(names.map((n) => [n, n !== 'spa-demo04', n === 'spa-demo04' ? 'BAD_CREDENTIALS' : null]));
  expect(run.status).toBe(4);
  const sessions = names.filter((n) => n !== 'spa-demo04').map((n) => `${n}.json`);
  expect(await stateEntries(ws.stateDir)).toEqual([...sessions, ...names.map((n) => `.${n}.last-login.json`)].sort()); // the failed one's record, no session
  for (const user of users) expect(portal.loginAttempts(user)).toBe(1);
});

test('--concurrency must be a whole number from 1 to 64', async ({ tempDir }) => {
  const dir = await tempDir();
  for (const bad of ['0', '2.5', 'x', '65']) {
    const run = await runCli(['login', '--concurrency', bad], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--concurrency must be a whole number from 1 to 64');
  }
});
