/**
 * What the first response says is believed only within reason: an error
 * status is reported as such, and a Date header far from our clock stops the
 * run before any secret or code is typed.
 */
import { test, expect } from '../support/fixtures.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli } from '../support/cli.js';

/** A one-page portal on loopback answering every request with `status`, a login form and the given Date header. */
async function hostilePortal(status: number, date: Date, extra = ''): Promise<{ url: string; server: Server; posts: () => number }> {
  let posts = 0;
  const server = createServer((req, res) => {
    if (req.method === 'POST') posts += 1;
    res.writeHead(status, { 'Content-Type': 'text/html', Date: date.toUTCString() });
    res.end(`<form method="post"><input name="username"><input name="password" type="password"><button>Sign in</button></form>${extra}`);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, posts: () => posts };
}

for (const [status, expected] of [[500, 'The portal has a problem on its side'], [404, 'the portal does not serve a login page there']] as const) {
  test(`a login page answering HTTP ${status} says so, not "no username field"`, async ({ portal, demoWorkspace }) => {
    const hostile = await hostilePortal(status, new Date());
    const ws = await demoWorkspace(portal.url, ['classic'], ['demo30'], (c) => {
      c.portals!.classic!.loginUrl = `${hostile.url}/login`;
    });
    const run = await runCli(['login', '--config', ws.configPath, '--timeout', '5'], { cwd: ws.dir, env: ws.env });
    hostile.server.close();
    expect(run.status, run.stderr).toBe(8);
    expect(run.stderr).toContain(`error [UNEXPECTED_PAGE]: The login page answered HTTP ${status}`);
    expect(run.stderr).toContain(expected);
    expect(hostile.posts()).toBe(0);
  });
}

for (const [label, aheadMs] of [['1 day', 86_400_000], ['50 years', 50 * 365 * 86_400_000]] as const) {
  test(`a Date header ${label} ahead is a clock error (exit 14), before anything is typed`, async ({ portal, demoWorkspace }) => {
    const hostile = await hostilePortal(200, new Date(Date.now() + aheadMs));
    const ws = await demoWorkspace(portal.url, ['classic'], ['demo31'], (c) => {
      c.portals!.classic!.loginUrl = `${hostile.url}/login`;
    });
    const started = Date.now();
    const run = await runCli(['login', '--config', ws.configPath, '--json'], { cwd: ws.dir, env: ws.env });
    hostile.server.close();
    expect(run.status, run.stderr).toBe(14);
    const result = JSON.parse(run.stdout) as { accounts: Array<{ error: { code: string; message: string } }> };
    expect(result.accounts[0]!.error.code).toBe('CLOCK_SKEW');
    expect(result.accounts[0]!.error.message).toMatch(/ahead of this machine's, more than the 5 minutes/);
    expect(hostile.posts()).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000); // not a wait for a far-future window
  });
}

test('the spa variant (clock matching ours) gets no skew warning: skew is read when the headers arrive', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['spa'], ['demo32']);
  const run = await runCli(['login', '--config', ws.configPath, '--json'], { cwd: ws.dir, env: ws.env });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).not.toContain("portal's clock");
  expect((JSON.parse(run.stdout) as { accounts: Array<{ clockSkewMs: number }> }).accounts[0]!.clockSkewMs).toBe(0);
});

test('a page whose script blocks the browser right after loading ends as TIMEOUT (its scan has a deadline), not a hang', async ({ portal, demoWorkspace }) => {
  // The loop never returns control: every in-page scan would wait forever without its own deadline.
  const hostile = await hostilePortal(200, new Date(), '<script>addEventListener("DOMContentLoaded", () => setTimeout(() => { for (;;) {} }, 0));</script>');
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo31'], (c) => {
    c.portals!.classic!.loginUrl = `${hostile.url}/login`;
  });
  const run = await runCli(['login', '--config', ws.configPath, '--timeout', '3'], { cwd: ws.dir, env: ws.env });
  hostile.server.close();
  expect(run.status, run.stderr).toBe(9);
  expect(run.stderr).toMatch(/error \[TIMEOUT\]: (The page stopped answering|A browser step timed out)/);
  expect(hostile.posts()).toBe(0);
});
