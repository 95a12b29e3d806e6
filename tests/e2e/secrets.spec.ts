/**
 * Secrets are radioactive: after a failed login with --trace, no artifact,
 * log line or file on disk contains the password, the TOTP secret or a code
 * that was typed — and the trace still exists and shows the redaction.
 */
import { test, expect } from '../support/fixtures.js';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import JSZip from 'jszip';
import { DEMO_PASSWORD, demoUser } from '../../demo-portal/index.js';
import { ROOT, runCli } from '../support/cli.js';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

interface TraceEvent {
  type?: string;
  method?: string;
  params?: { value?: unknown };
  snapshot?: { html?: unknown; request?: { postData?: { text?: string; params?: Array<{ value: string }> } } };
}

/** Input values in a DOM snapshot (`[name, attributes, ...children]`), in document order: the live value and the attribute. */
function snapshotInputValues(node: unknown): string[] {
  if (!Array.isArray(node)) return [];
  const [name, attrs, ...children] = node as [unknown, unknown, ...unknown[]];
  const own = typeof name === 'string' && /^input$/i.test(name) && attrs && typeof attrs === 'object'
    ? ['__playwright_value_', 'value'].map((key) => (attrs as Record<string, unknown>)[key]).filter((v): v is string => typeof v === 'string')
    : [];
  return [...own, ...children.flatMap(snapshotInputValues)];
}

/** A request or response body's field values in order: JSON leaves, or form fields. */
function bodyValues(text: string): string[] {
  const leaves = (v: unknown): string[] => (v !== null && typeof v === 'object' ? Object.values(v).flatMap(leaves) : [String(v)]);
  try {
    return leaves(JSON.parse(text));
  } catch {
    return text.includes('=') ? [...new URLSearchParams(text).values()] : [];
  }
}

/**
 * What a reader of the trace can line up into a code, each list joined with
 * ",": the values of the fill actions in order, each DOM snapshot's input
 * values, and each request body's field values (postData and resources).
 * A code typed one digit per box shows up in these, not as one string.
 */
function readBackLists(files: ReadonlyMap<string, string>): Array<[string, string]> {
  const events = [...files]
    .filter(([name]) => /\.(trace|network)$/.test(name))
    .flatMap(([, text]) => text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as TraceEvent));
  const lists: Array<[string, string]> = [['fill values', events.filter((e) => e.method === 'fill').map((e) => String(e.params?.value)).join(',')]];
  events.forEach((e, i) => {
    if (e.type === 'frame-snapshot') lists.push([`snapshot #${i}`, snapshotInputValues(e.snapshot?.html).join(',')]);
    const postData = e.snapshot?.request?.postData;
    if (postData) lists.push([`postData #${i}`, [...(postData.params ?? []).map((p) => p.value), ...bodyValues(postData.text ?? '')].join(',')]);
  });
  for (const [name, text] of files) if (name.startsWith('resources/')) lists.push([name, bodyValues(text).join(',')]);
  return lists;
}

/** The code, and the code with any one digit left out, as patterns of digits with up to 40 non-digits between them. */
function codePatterns(code: string): RegExp[] {
  const spread = (digits: string) => new RegExp(digits.split('').join('\\D{0,40}'));
  return [spread(code), ...code.split('').map((_, i) => spread(code.slice(0, i) + code.slice(i + 1)))];
}

for (const [variant, user] of [['classic', 'demo22'], ['spa', 'demo31'], ['digits', 'demo24'], ['autosubmit', 'demo25']] as const) {
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
  const traceFiles = new Map<string, string>();
  for (const entry of entries) {
    const bytes = await entry.async('uint8array');
    traceFiles.set(entry.name, new TextDecoder().decode(bytes));
    texts.push([`trace:${entry.name}`, traceFiles.get(entry.name)!]);
    // A resource's name is the sha1 of what it holds now: a name left from the raw body would let anyone try all 10^6 codes against it.
    const named = /^resources\/([0-9a-f]{40})/.exec(entry.name);
    if (named) expect(createHash('sha1').update(bytes).digest('hex'), entry.name).toBe(named[1]);
  }
  for (const file of [...artifacts, ...(await filesUnder(ws.stateDir))]) texts.push([file, (await readFile(file)).toString('latin1')]);

  const traceText = texts.filter(([name]) => name.startsWith('trace:')).map(([, t]) => t).join('\n');
  expect(traceText).toContain('[REDACTED]'); // the fill actions were there, and were scrubbed
  expect(traceText).toContain('#never-shown'); // the trace is a real trace of this run
  expect(traceText).not.toMatch(/demo_session=[0-9a-f]{8}/); // the session cookie the portal set
  expect(traceText).not.toMatch(/Bearer [0-9a-f]{8}/); // the spa's interim token
  expect(traceText).not.toMatch(/"token":\s*"[0-9a-f]{8}/); // the spa's session token in a response body
  expect(traceText).not.toMatch(/"interimToken":\s*"[0-9a-f]{8}/); // the spa's interim token: never registered, redacted by its key
  // Digits typed one per box (digits, autosubmit) are not a string any search finds: line the values up as a reader would.
  const lists = readBackLists(traceFiles);
  const boxes = variant === 'digits' || variant === 'autosubmit';
  expect(lists[0]![1].split(',').length, 'fills: username, password, and the code or one per box').toBeGreaterThanOrEqual(boxes ? 8 : 3);
  expect(lists.filter(([name]) => name.startsWith('snapshot')).length).toBeGreaterThan(0);
  for (const code of codes) {
    for (const pattern of codePatterns(code)) {
      for (const [name, list] of lists) expect(pattern.test(list), `${code.length - 1}+ digits of the code in order in ${name}`).toBe(false);
    }
  }
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
