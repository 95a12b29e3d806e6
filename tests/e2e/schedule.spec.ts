/**
 * `portal-login schedule` through the real CLI on a real one-second
 * schedule: the first tick logs in, a tick that comes during that login is
 * skipped (the login is held before its save, so it is surely slower than
 * the tick), a later tick keeps the valid session (one login at the
 * portal), and SIGTERM stops it with the session intact. A failing portal is
 * retried once after the delay, and only the retry's failure reaches the webhook.
 */
import { test, expect } from '../support/fixtures.js';
import { createServer } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, runCli } from '../support/cli.js';
import { startCli } from '../support/long-running-cli.js';

test('a one-second schedule: logs in, skips the tick that comes mid-login, keeps the session at the next, stops on SIGTERM with it intact', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo36'], (c) => void (c.schedule = { cron: '* * * * * *', timeZone: 'Asia/Kolkata' }));
  const statePath = join(ws.stateDir, 'demo36.json');
  const pause = { NODE_OPTIONS: `--import=${join(ROOT, 'tests/support/pause-before-rename.mjs')}`, PORTAL_LOGIN_TEST_PAUSE_BEFORE_RENAME: statePath };
  const cli = startCli(['schedule', '--config', ws.configPath], { cwd: ws.dir, env: { ...ws.env, ...pause } });
  try {
    await cli.until((o) => o.stderr.includes('[demo36] Submitted the verification code'), 'the first login submitted its code');
    await cli.until((o) => /skipped the refresh due at \S+ \S+ Asia\/Kolkata: the one due at \S+ \S+ Asia\/Kolkata is still running/.test(o.stderr), 'a tick was skipped');
    await writeFile(`${statePath}.go`, ''); // let the held save finish
    await cli.until((o) => o.stdout.includes('demo36: kept ('), 'a later tick kept the session');
    expect(cli.stdout).toMatch(/^demo36: logged in \(no saved session\); session saved to .+demo36\.json, valid until /);
    expect(cli.stderr).toMatch(/^Refreshing demo36 on "\* \* \* \* \* \*" in Asia\/Kolkata; stop with Ctrl-C or SIGTERM\.\nnext refresh at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d Asia\/Kolkata \(in \d s\)\n/);
    expect(portal.loginAttempts('demo36')).toBe(1);
    const saved = await readFile(statePath, 'utf8');

    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(143);
    expect(cli.stderr).toContain('Stopped by SIGTERM; nothing more was sent to the portal, and the last saved session is unchanged.');
    expect(await readFile(statePath, 'utf8')).toBe(saved);
    const status = await runCli(['status', '--json', '--config', ws.configPath], { cwd: ws.dir });
    expect(JSON.parse(status.stdout)).toMatchObject({ accounts: [{ account: 'demo36', valid: 'yes' }] });
  } finally {
    await cli.stop();
  }
});

test('a failing portal: retried once after retryDelaySeconds, and only the retry\'s failure alerts the webhook; SIGINT exits 130', async ({ demoWorkspace }) => {
  // One timeline for both servers: the order of login-page loads and alerts is the assertion.
  const events: string[] = [];
  const alerts: string[] = [];
  const broken = createServer((req, res) => {
    if (req.url === '/classic/login') events.push('login page');
    res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
  });
  const hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      events.push('alert');
      alerts.push(body);
      res.writeHead(204).end();
    });
  });
  const listen = async (server: typeof broken) => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  };
  const [portalUrl, hookUrl] = await Promise.all([listen(broken), listen(hooks)]);
  const ws = await demoWorkspace(portalUrl, ['classic'], ['demo37'], (c) => {
    c.schedule = { cron: '* * * * * *', timeZone: 'UTC', retryDelaySeconds: 1 };
    c.alerts = { webhooks: [{ url: `${hookUrl}/hook` }] };
  });
  const cli = startCli(['schedule', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
  try {
    await cli.until(() => alerts.length > 0, 'an alert arrived');
    cli.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    expect(events.slice(0, 3)).toEqual(['login page', 'login page', 'alert']);
    expect(cli.stderr).toContain('Retrying demo37 (UNEXPECTED_PAGE) in 1 s; alerting only if the retry fails too.');
    expect(JSON.parse(alerts[0]!)).toMatchObject({ account: 'demo37', portal: 'classic', code: 'UNEXPECTED_PAGE' });
    expect(cli.stderr).toContain('Stopped by SIGINT');
  } finally {
    await cli.stop();
    await Promise.all([broken, hooks].map((s) => new Promise((done) => s.close(done))));
  }
});
