/**
 * Secrets are radioactive: after a failed login with --trace, no artifact,
 * log line or file on disk contains the password, the TOTP secret or a code
 * that was typed — and the trace still exists and shows the redaction.
 */
import { test, expect } from '../support/fixtures.js';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import JSZip from 'jszip';
import { DEMO_PASSWORD, demoUser } from '../../demo-portal/index.js';
import { demoWorkspace, runCli } from '../support/cli.js';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

for (const [variant, user] of [['classic', 'demo22'], ['spa', 'demo31']] as const) {
test(`${variant}: a failed login with --trace leaves no secret, session cookie or token in output, screenshot, trace or state dir`, async ({ portal }) => {
  // The code is accepted, then the success check fails: password AND code were typed, and the portal issued a session.
  const ws = await demoWorkspace(portal.url, [variant], [user], (c) => {
    c.portals![variant]!.success = { selector: '#never-shown' };
  });
  const run = await runCli(['login', '--config', ws.configPath, '--trace', '--timeout', '3', '--verbose'], { cwd: ws.dir, env: ws.env });
  expect(run.status).toBe(9); // the success element never appears: TIMEOUT
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

test('a successful login prints no cookie value or token; the metadata has expiries, not values', async ({ portal }) => {
  const ws = await demoWorkspace(portal.url, ['spa'], ['demo23']);
  const run = await runCli(['login', '--config', ws.configPath, '--verbose'], { cwd: ws.dir, env: ws.env });
  expect(run.status, run.stderr).toBe(0);
  const state = JSON.parse(await readFile(join(ws.stateDir, 'demo23.json'), 'utf8')) as { origins: Array<{ localStorage: Array<{ name: string; value: string }> }> };
  const token = state.origins.flatMap((o) => o.localStorage).find((e) => e.name === 'demo_token')?.value;
  expect(token).toBeTruthy();
  const meta = await readFile(join(ws.stateDir, 'demo23.meta.json'), 'utf8');
  expect(meta).toContain('demo_token');
  for (const text of [run.stdout, run.stderr, meta]) expect(text).not.toContain(token!);
});
