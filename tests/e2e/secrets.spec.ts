/**
 * Secrets are radioactive: after a failed login with --trace, no artifact,
 * log line or file on disk contains the password, the TOTP secret or a code
 * that was typed — and the trace still exists and shows the redaction.
 */
import { test, expect } from '../support/fixtures.js';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import JSZip from 'jszip';
import { DEMO_PASSWORD, demoUser } from '../../demo-portal/index.js';
import { ROOT, runCli } from '../support/cli.js';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

for (const [variant, user] of [['classic', 'demo22'], ['spa', 'demo31']] as const) {
test(`${variant}: a failed login with --trace leaves no secret, session cookie or token in output, screenshot, trace or state dir`, async ({ portal, demoWorkspace }) => {
  // The code is accepted, then the success check fails: password AND code were typed, and the portal issued a session.
  const ws = await demoWorkspace(portal.url, [variant], [user], (c) => {
    c.portals![variant]!.success = { selector: '#never-shown' };
  });
  const tmp = join(ws.dir, 'tmp');
  await mkdir(tmp);
  const run = await runCli(['login', '--config', ws.configPath, '--trace', '--timeout', '3', '--verbose'], { cwd: ws.dir, env: { ...ws.env, TMPDIR: tmp } });
  expect(run.status).toBe(8); // the success element never appears: not logged in after the last step
  expect(run.stderr).toContain('Not logged in after the last step: element #never-shown not visible');
  expect((await readdir(tmp)).filter((name) => name.startsWith('portal-login-trace-'))).toEqual([]); // the raw trace's temp folder is gone
  const codes = portal.submittedCodes(user);
  expect(codes).toHaveLength(1);

  const secrets = [DEMO_PASSWORD, demoUser(user).totpSecret, ...codes];
  const artifacts = await filesUnder(ws.artifactsDir);
  const trace = artifacts.find((f) => f.endsWith('.trace.zip'));
  const screenshot = artifacts.find((f) => f.endsWith('.png'));
  expect(trace).toBeDefined();
  expect(screenshot).toBeDefined();

  const texts: Array<[string, string]> = [['stdout', run.stdout], ['stderr', run.stderr]];
  const zip = await JSZip.loadAsync(await readFile(trace!));
  const entries = Object.values(zip.files).filter((e) => !e.dir);
  expect(entries.some((e) => e.name.endsWith('.trace'))).toBe(true);
  for (const entry of entries) texts.push([`trace:${entry.name}`, await entry.async('string')]);
  for (const file of [...artifacts, ...(await filesUnder(ws.stateDir))]) texts.push([file, (await readFile(file)).toString('latin1')]);

  const traceText = texts.filter(([name]) => name.startsWith('trace:')).map(([, t]) => t).join('\n');
  expect(traceText).toContain('[REDACTED]'); // the fill actions were there, and were scrubbed
  expect(traceText).toContain('#never-shown'); // the trace is a real trace of this run
  expect(traceText).not.toMatch(/demo_session=[0-9a-f]{8}/); // the session cookie the portal set
  expect(traceText).not.toMatch(/Bearer [0-9a-f]{8}/); // the spa's interim token
  expect(traceText).not.toMatch(/"token":\s*"[0-9a-f]{8}/); // the spa's session token in a response body
  for (const [name, text] of texts) {
    for (const secret of secrets) expect(text.includes(secret), `${secret.slice(0, 2)}… found in ${name}`).toBe(false);
  }
});
}

test('a successful login prints no cookie value or token; the session info (portalLogin.info) has none either', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['spa'], ['demo23']);
  const run = await runCli(['login', '--config', ws.configPath, '--verbose'], { cwd: ws.dir, env: ws.env });
  expect(run.status, run.stderr).toBe(0);
  const state = JSON.parse(await readFile(join(ws.stateDir, 'demo23.json'), 'utf8')) as { origins: Array<{ localStorage: Array<{ name: string; value: string }> }> };
  const token = state.origins.flatMap((o) => o.localStorage).find((e) => e.name === 'demo_token')?.value;
  expect(token).toBeTruthy();
  const info = JSON.stringify((state as { portalLogin?: { info?: unknown } }).portalLogin?.info);
  expect(info).toContain('"account":"demo23"');
  for (const text of [run.stdout, run.stderr, info]) expect(text).not.toContain(token!);
});

test('killed while scrubbing the trace: the raw trace is only in a private temp folder, never in the artifacts folder', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo34'], (c) => {
    c.portals!.classic!.success = { selector: '#never-shown' };
  });
  const tmp = join(ws.dir, 'tmp');
  await mkdir(tmp);
  const killer = join(ROOT, 'tests/support/kill-when-scrubbing.mjs');
  const run = await runCli(['login', '--config', ws.configPath, '--trace', '--timeout', '3'], { cwd: ws.dir, env: { ...ws.env, TMPDIR: tmp, NODE_OPTIONS: `--import=${killer}` } });
  expect(run.status, run.stderr).toBeNull(); // killed by a signal, as the hook does when scrubbing starts
  const codes = portal.submittedCodes('demo34');
  expect(codes).toHaveLength(1);

  // The artifacts folder holds the (masked) screenshot and nothing else: no raw trace, no secret.
  const artifacts = await filesUnder(ws.artifactsDir);
  expect(artifacts.filter((f) => !f.endsWith('.png'))).toEqual([]);
  expect(artifacts).toHaveLength(1);
  for (const file of artifacts) {
    const text = (await readFile(file)).toString('latin1');
    for (const secret of [DEMO_PASSWORD, demoUser('demo34').totpSecret, ...codes]) expect(text.includes(secret), `${secret.slice(0, 2)}… in ${file}`).toBe(false);
  }
  // The unscrubbed trace was left where only this user can read it.
  const left = (await readdir(tmp)).filter((name) => name.startsWith('portal-login-trace-'));
  expect(left).toHaveLength(1);
  expect((await stat(join(tmp, left[0]!))).mode & 0o777).toBe(0o700);
  expect(await readdir(join(tmp, left[0]!))).toEqual(['trace.zip']);
});
