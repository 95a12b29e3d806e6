/**
 * The screen loop on login pages built the way real apps build them, each
 * through the real CLI with zero selectors in the config: identifier first,
 * the code added to the same form, all three fields at once, frames, shadow
 * DOM, auto-submit, SSO traps, method choice, trust-device and session
 * conflict screens; and errors shown in elements with no semantic marker.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect } from '../support/fixtures.js';
import type { DemoVariant } from '../../demo-portal/variants.js';
import { runCli } from '../support/cli.js';
import type { DemoWorkspaceFactory } from '../support/cli.js';

/** A secret that is valid base32 but not the demo user's: every code it makes is wrong. */
const WRONG_SECRET = 'JBSWY3DPEHPK3PXP';

async function login(demoWorkspace: DemoWorkspaceFactory, portalUrl: string, variant: DemoVariant, user: string, options: { env?: Record<string, string>; edit?: Parameters<DemoWorkspaceFactory>[3]; args?: string[] } = {}) {
  const ws = await demoWorkspace(portalUrl, [variant], [user], options.edit);
  const run = await runCli(['login', '--config', ws.configPath, '--verbose', ...(options.args ?? [])], { cwd: ws.dir, env: { ...ws.env, ...options.env } });
  return { ...run, ws };
}

const LOGS_IN: Array<[DemoVariant, string]> = [
  ['idfirst', 'identifier first over two server-rendered pages'],
  ['reveal', 'identifier first, the password revealed in place (hidden in the DOM before)'],
  ['sameform', 'the code field added to the same form, username and password still shown'],
  ['allinone', 'username, password and code on one page, submitted once'],
  ['inline', 'the code page as the 200 answer to the password POST'],
  ['autosubmit', 'six boxes that submit by themselves at the sixth digit'],
  ['digits', 'six boxes posted as d1..d6'],
  ['bare', 'no <form>, unlinked labels, "Client Code", camelCase names, a type=password code field'],
  ['frame', 'the login inside a same-origin iframe'],
  ['xframe', 'the login inside an iframe from another origin'],
  ['shadow', 'the login inside an open shadow root'],
  ['sso', 'SSO, passkey and forgot-password buttons before the real submit'],
  ['trust', 'a trust-this-device screen after the code'],
  ['choice', 'a choice of verification method'],
  ['conflict', 'an "already signed in elsewhere" screen'],
];

for (const [variant, what] of LOGS_IN) {
  test(`${variant}: logs in with zero selectors (${what}), one password and one code sent`, async ({ portal, demoWorkspace }) => {
    const run = await login(demoWorkspace, portal.url, variant, 'demo01');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('Logged in; session saved');
    expect(portal.loginAttempts('demo01')).toBe(1);
    expect(portal.submittedCodes('demo01')).toHaveLength(1);
  });
}

test('autosubmit: the code is not submitted a second time (the page sent it by itself)', async ({ portal, demoWorkspace }) => {
  const run = await login(demoWorkspace, portal.url, 'autosubmit', 'demo02');
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toContain('the page submitted it by itself');
  expect(portal.submittedCodes('demo02')).toHaveLength(1);
});

test('sso: the Google button in the same form is never pressed', async ({ portal, demoWorkspace }) => {
  const run = await login(demoWorkspace, portal.url, 'sso', 'demo03');
  expect(run.status, run.stderr).toBe(0);
  expect(portal.ssoHits()).toBe(0);
});

test('trust: the answer is "no" by default and "yes" when trustDevice says so', async ({ portal, demoWorkspace }) => {
  const byDefault = await login(demoWorkspace, portal.url, 'trust', 'demo04');
  expect(byDefault.status, byDefault.stderr).toBe(0);
  expect(portal.trustChoice('demo04')).toBe('no');
  const trusting = await login(demoWorkspace, portal.url, 'trust', 'demo05', { edit: (c) => void (c.portals!.trust!.trustDevice = 'yes') });
  expect(trusting.status, trusting.stderr).toBe(0);
  expect(portal.trustChoice('demo05')).toBe('yes');
});

test('choice: the authenticator app is chosen, not SMS or email', async ({ portal, demoWorkspace }) => {
  const run = await login(demoWorkspace, portal.url, 'choice', 'demo06');
  expect(run.status, run.stderr).toBe(0);
  expect(portal.chosenMethod('demo06')).toBe('totp');
});

const WRONG_PASSWORD: Array<[DemoVariant, string]> = [
  ['bare', 'a span with a hashed CSS-module class'],
  ['idfirst', 'a plain div with a hashed class, on the second screen'],
  ['notice', 'an Ant-Design-like toast that goes away'],
  ['allinone', 'a Django errorlist'],
  ['frame', 'inside the iframe'],
  ['shadow', 'inside the shadow root'],
];

for (const [variant, where] of WRONG_PASSWORD) {
  test(`${variant}: a wrong password shown in ${where} is BAD_CREDENTIALS (exit 4), tried once`, async ({ portal, demoWorkspace }) => {
    const run = await login(demoWorkspace, portal.url, variant, 'demo07', { env: { DEMO07_PASSWORD: 'not-the-password' } });
    expect(run.status, run.stderr).toBe(4);
    expect(run.stderr).toContain('error [BAD_CREDENTIALS]: The portal said:');
    expect(portal.loginAttempts('demo07')).toBe(1);
    // All in one form: the code went with the password, once; elsewhere no code screen was reached.
    expect(portal.submittedCodes('demo07')).toHaveLength(variant === 'allinone' ? 1 : 0);
  });
}

for (const variant of ['sameform', 'notice', 'bare'] as DemoVariant[]) {
  test(`${variant}: a wrong code is retried once from a new window, then CODE_REJECTED (exit 5)`, async ({ portal, demoWorkspace }) => {
    const run = await login(demoWorkspace, portal.url, variant, 'demo08', { env: { DEMO08_TOTP_SECRET: WRONG_SECRET }, edit: (c) => void (c.accounts!.demo08!.totp = { minSecondsLeft: 0 }) });
    expect(run.status, run.stderr).toBe(5);
    expect(run.stderr).toContain('retrying once with a code from a new time window');
    expect(run.stderr).toContain('error [CODE_REJECTED]');
    const codes = portal.submittedCodes('demo08');
    expect(codes).toHaveLength(2);
    expect(codes[0]).not.toBe(codes[1]);
  });
}

test('notice: "only 2 more chances" stops at once (no retry), and a locked account is ACCOUNT_LOCKED', async ({ portal, demoWorkspace }) => {
  // Two failed password attempts first: the portal then warns from the third failure on.
  for (let i = 0; i < 2; i++) {
    const run = await login(demoWorkspace, portal.url, 'notice', 'demo09', { env: { DEMO09_PASSWORD: 'not-the-password' } });
    expect(run.status, run.stderr).toBe(4);
  }
  const warned = await login(demoWorkspace, portal.url, 'notice', 'demo09', { env: { DEMO09_TOTP_SECRET: WRONG_SECRET } });
  expect(warned.status, warned.stderr).toBe(5);
  expect(warned.stderr).toMatch(/Only 2 more chances/);
  expect(warned.stderr).not.toContain('retrying once');
  expect(portal.submittedCodes('demo09')).toHaveLength(1);
  for (let i = 0; i < 2; i++) await login(demoWorkspace, portal.url, 'notice', 'demo09', { env: { DEMO09_PASSWORD: 'not-the-password' } });
  const locked = await login(demoWorkspace, portal.url, 'notice', 'demo09');
  expect(locked.status, locked.stderr).toBe(6);
  expect(locked.stderr).toContain('error [ACCOUNT_LOCKED]');
});

test('HTTP 429 on the password POST is RATE_LIMITED (exit 13) with the wait the page names, not BAD_CREDENTIALS', async ({ portal, demoWorkspace }) => {
  let posts = 0;
  const server = createServer((req, res) => {
    if (req.method === 'POST') posts += 1;
    const body = req.method === 'POST'
      ? '<div class="_toast_9fk2a">Too many requests. Please try again in 5 minutes.</div>'
      : '<div class="css-1x"><div>Email</div><input name="email"><div>Password</div><input name="password" type="password"><button>Sign in</button></div><script>document.querySelector("button").onclick=()=>{const f=document.createElement("form");f.method="post";f.innerHTML=`<input name=e value=${document.querySelector("[name=email]").value}>`;document.body.append(f);f.submit()}</script>';
    res.writeHead(req.method === 'POST' ? 429 : 200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><html><body>${body}</body></html>`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const run = await login(demoWorkspace, portal.url, 'classic', 'demo10', { edit: (c) => void (c.portals!.classic!.loginUrl = `${url}/login`) });
    expect(run.status, run.stderr).toBe(13);
    expect(run.stderr).toContain('error [RATE_LIMITED]');
    expect(run.stderr).toContain('Too many requests. Please try again in 5 minutes.');
    expect(run.stderr).toContain('Wait 300 s');
    expect(posts).toBe(1);
  } finally {
    await new Promise((done) => server.close(done));
  }
});
