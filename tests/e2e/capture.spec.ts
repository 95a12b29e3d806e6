/**
 * Token capture (portal `capture:`) on the spa variant, whose session is a
 * bearer token: in the /spa/api/verify reply and in localStorage. The test
 * learns each token the portal issues through a small recording proxy in
 * front of it, so it can prove the token is saved, exported, works, and
 * appears nowhere else: not on stdout/stderr, not in a failure's trace.
 */
import { test, expect } from '../support/fixtures.js';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import JSZip from 'jszip';
import type { BrowserConfigInput } from '../../config/schema.js';
import { runCli } from '../support/cli.js';
import { recordingProxy } from '../support/recording-proxy.js';

const USER = 'demo07';

function useProxyWithCaptures(proxyUrl: string) {
  return (c: BrowserConfigInput) => {
    const spa = c.portals!.spa!;
    spa.loginUrl = `${proxyUrl}/spa/`;
    spa.capture = {
      API: { from: 'response', url: '/spa/api/verify$', json: 'token' },
      API_STORED: { from: 'localStorage', key: 'demo_token' },
      // Configured but never set by this portal: a warning naming it, not a failure.
      CSRF: { from: 'cookie', name: 'no_such_cookie' },
    };
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('spa: the verify reply\'s token and the localStorage token are captured, saved, exported as DEMO07_API…, and work; never printed', async ({ portal, demoWorkspace }) => {
  const proxy = await recordingProxy(portal.url);
  try {
    const ws = await demoWorkspace(portal.url, ['spa'], [USER], useProxyWithCaptures(proxy.url));
    const login = await runCli(['login', '--config', ws.configPath, '--verbose'], { cwd: ws.dir, env: ws.env });
    expect(login.status, login.stderr).toBe(0);
    expect(proxy.tokens).toHaveLength(1);
    const token = proxy.tokens[0]!;
    expect(login.stderr).toContain('warning: Nothing found for capture CSRF (portals.spa.capture)');
    expect(login.stdout + login.stderr).not.toContain(token);

    const saved = JSON.parse(await readFile(join(ws.stateDir, `${USER}.json`), 'utf8')) as { portalLogin: { tokens: Record<string, string> } };
    expect(saved.portalLogin.tokens).toEqual({ API: token, API_STORED: token });

    const exported = await runCli(['export', USER, '--format', 'env', '--config', ws.configPath], { cwd: ws.dir });
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout.split('\n').filter((l) => l.startsWith('DEMO07_API'))).toEqual([`DEMO07_API='${token}'`, `DEMO07_API_STORED='${token}'`]);
    expect(exported.stderr).not.toContain(token);

    // The captured token is the live session: the portal's API accepts it outside any browser.
    const me = await fetch(`${portal.url}/spa/api/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await me.json()).toEqual({ username: USER });
  } finally {
    await proxy.close();
  }
});

test('spa: a login that fails after the token was issued (--trace) shows it nowhere: output, trace, artifacts', async ({ portal, demoWorkspace }) => {
  const proxy = await recordingProxy(portal.url);
  try {
    const ws = await demoWorkspace(portal.url, ['spa'], [USER], (c) => {
      useProxyWithCaptures(proxy.url)(c);
      c.portals!.spa!.success = { selector: '#never-shown' };
    });
    const run = await runCli(['login', '--config', ws.configPath, '--trace', '--timeout', '3', '--verbose'], { cwd: ws.dir, env: ws.env });
    expect(run.status).toBe(8);
    expect(proxy.tokens).toHaveLength(1);
    const token = proxy.tokens[0]!;
    expect(run.stdout + run.stderr).not.toContain(token);

    const artifacts = await filesUnder(ws.artifactsDir);
    const trace = artifacts.find((f) => f.endsWith('.trace.zip'));
    expect(trace).toBeDefined();
    const zip = await JSZip.loadAsync(await readFile(trace!));
    let traceText = '';
    for (const entry of Object.values(zip.files)) if (!entry.dir) traceText += await entry.async('string');
    expect(traceText).toContain('#never-shown'); // a real trace of this run
    expect(traceText).toContain('/spa/api/verify'); // which saw the reply carrying the token
    expect(traceText).not.toContain(token);
    for (const file of artifacts) expect((await readFile(file)).toString('latin1'), file).not.toContain(token);
  } finally {
    await proxy.close();
  }
});
