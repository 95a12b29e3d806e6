/**
 * Alerts: a wrong-password login POSTs to the configured webhooks (top
 * level json, the portal's slack) on a real local HTTP receiver; the body
 * holds the facts and no password, TOTP secret or cookie value. A webhook
 * that refuses, fails or never answers is a warning; the exit status stays
 * BAD_CREDENTIALS (4).
 */
import { test, expect } from '../support/fixtures.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { DEMO_PASSWORD, demoUser } from '../../demo-portal/users.js';
import { runCli } from '../support/cli.js';
import { recordingProxy } from '../support/recording-proxy.js';

const USER = 'demo27';
const WRONG = 'Wrong-Passw0rd-27!';

interface Received {
  path: string;
  contentType: string | undefined;
  body: string;
}

/** Records every POST; /fail answers 500, /hang never answers. */
async function receiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body });
      if (req.url === '/hang') hanging.push(res);
      else res.writeHead(req.url === '/fail' ? 500 : 204).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((done) => { for (const res of hanging) res.destroy(); server.close(() => done()); }),
  };
}

/** A port nothing listens on: one the OS just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  return typeof address === 'object' && address ? address.port : 0;
}

test('a wrong-password login alerts json and slack webhooks with the facts and no secret; failing webhooks only warn', async ({ portal, demoWorkspace }) => {
  const hooks = await receiver();
  const proxy = await recordingProxy(portal.url);
  const refused = `http://127.0.0.1:${await closedPort()}`;
  try {
    const ws = await demoWorkspace(portal.url, ['classic'], [USER], (c) => {
      c.portals!.classic!.loginUrl = `${proxy.url}/classic/login`;
      c.alerts = { webhooks: [{ url: `${hooks.url}/json` }, { url: `${hooks.url}/fail` }, { url: `${hooks.url}/hang` }, { url: `${refused}/refused` }] };
      c.portals!.classic!.alerts = { webhooks: [{ url: `${hooks.url}/slack/T000/B000/secretpath`, format: 'slack' }] };
    });
    const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: { ...ws.env, DEMO27_PASSWORD: WRONG } });
    expect(run.status, run.stderr).toBe(4); // BAD_CREDENTIALS, whatever the webhooks did
    expect(run.stderr).toContain(`The alert webhook at ${refused} could not be reached (ECONNREFUSED)`);
    expect(run.stderr).toContain(`The alert webhook at ${hooks.url} answered HTTP 500`);
    expect(run.stderr).toContain(`The alert webhook at ${hooks.url} could not be reached (no answer within 5 s)`);
    expect(run.stderr).not.toContain('secretpath'); // a Slack webhook's path is its secret

    expect(hooks.received.map((r) => r.path).sort()).toEqual(['/fail', '/hang', '/json', '/slack/T000/B000/secretpath']);
    const json = hooks.received.find((r) => r.path === '/json')!;
    expect(json.contentType).toBe('application/json');
    const facts = JSON.parse(json.body) as Record<string, unknown>;
    expect(Object.keys(facts).sort()).toEqual(['account', 'at', 'code', 'hint', 'message', 'portal']);
    expect(facts).toMatchObject({ account: USER, portal: 'classic', code: 'BAD_CREDENTIALS' });
    expect(typeof facts.message).toBe('string');
    expect(new Date(facts.at as string).toISOString()).toBe(facts.at);

    const slack = JSON.parse(hooks.received.find((r) => r.path.startsWith('/slack'))!.body) as Record<string, unknown>;
    expect(Object.keys(slack)).toEqual(['text']);
    expect(slack.text).toContain(`portal-login: login of ${USER} (portal classic) failed: BAD_CREDENTIALS: `);

    expect(proxy.cookieValues.length).toBeGreaterThan(0); // the portal did set cookies during the failed login
    for (const { path, body } of hooks.received) {
      for (const secret of [WRONG, DEMO_PASSWORD, demoUser(USER).totpSecret, ...proxy.cookieValues]) expect(body, `${path} carries a secret`).not.toContain(secret);
    }
  } finally {
    await Promise.all([hooks.close(), proxy.close()]);
  }
});

test('a login that succeeds alerts nobody', async ({ portal, demoWorkspace }) => {
  const hooks = await receiver();
  try {
    const ws = await demoWorkspace(portal.url, ['classic'], [USER], (c) => {
      c.alerts = { webhooks: [{ url: `${hooks.url}/json` }] };
    });
    const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
    expect(run.status, run.stderr).toBe(0);
    expect(hooks.received).toEqual([]);
  } finally {
    await hooks.close();
  }
});
