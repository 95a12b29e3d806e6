/**
 * Codes: never the same code twice for one secret (even from two processes
 * at once), and a rejected code is retried exactly once, from a new window.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from '../support/fixtures.js';
import { demoUser } from '../../demo-portal/index.js';
import { secondsLeft } from '../../totp/code.js';
import { ledgerDir } from '../../totp/ledger-location.js';
import { resolveTotpSpec } from '../../totp/spec.js';
import { secretKey } from '../../totp/step-ledger.js';
import { runCli } from '../support/cli.js';
import { useWindowElsewhere } from '../support/portal-http.js';


test('two processes logging in the same account at once, with different state dirs, never send the same code', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo24']);
  const [a, b] = await Promise.all([
    runCli(['login', '--config', ws.configPath, '--state-dir', join(ws.dir, 'state-a')], { cwd: ws.dir, env: ws.env }),
    runCli(['login', '--config', ws.configPath, '--state-dir', join(ws.dir, 'state-b')], { cwd: ws.dir, env: ws.env }),
  ]);
  expect(a.status, a.stderr).toBe(0);
  expect(b.status, b.stderr).toBe(0);
  const codes = portal.submittedCodes('demo24');
  expect(codes).toHaveLength(2);
  expect(new Set(codes).size).toBe(2);
  expect(a.stderr + b.stderr).toContain('Waiting'); // the second one waited for the next window
});

test('two processes with different XDG_STATE_HOME (and HOME) use one ledger per OS user: never the same code', async ({ portal, demoWorkspace, tempDir }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo40']);
  // No override: the real per-user ledger, as two cron jobs or a cron job and a shell with different environments would use.
  const [homeA, homeB] = [await tempDir(), await tempDir()];
  const env = (home: string) => ({ ...ws.env, PORTAL_LOGIN_LEDGER_DIR: '', XDG_STATE_HOME: home, HOME: home });
  const ledgerFile = join(ledgerDir({}), `${secretKey(resolveTotpSpec(demoUser('demo40').totpSecret, {}, 'test'))}.json`);
  try {
    const [a, b] = await Promise.all([
      runCli(['login', '--config', ws.configPath, '--state-dir', join(ws.dir, 'state-a')], { cwd: ws.dir, env: env(homeA) }),
      runCli(['login', '--config', ws.configPath, '--state-dir', join(ws.dir, 'state-b')], { cwd: ws.dir, env: env(homeB) }),
    ]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    const codes = portal.submittedCodes('demo40');
    expect(codes).toHaveLength(2);
    expect(new Set(codes).size).toBe(2);
    expect(a.stderr + b.stderr).toContain('Waiting'); // the second one found the window used in the shared ledger
  } finally {
    await rm(ledgerFile, { force: true }); // the demo secret's record in this user's real ledger
  }
});

test('a rejected code is retried once, with a code from a new window', async ({ portal, demoWorkspace }) => {
  // Use the current window elsewhere early in the window, so the tool's first code is a replay.
  while (secondsLeft(Date.now(), 30) < 20) await new Promise((r) => setTimeout(r, 250));
  const usedElsewhere = await useWindowElsewhere(portal, 'demo25', Date.now());
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo25'], (c) => {
    c.portals!.classic!.totp = { minSecondsLeft: 0 };
  });
  const run = await runCli(['login', '--config', ws.configPath, '--timeout', '45'], { cwd: ws.dir, env: ws.env });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toContain('retrying once with a code from a new time window');
  const [elsewhere, first, retry, ...more] = portal.submittedCodes('demo25');
  expect(elsewhere).toBe(usedElsewhere);
  expect(first).toBe(usedElsewhere); // same window, refused by the portal as a replay
  expect(retry).not.toBe(first);
  expect(more).toEqual([]);
});

test('a wrong TOTP secret: two codes from two windows, then exit 5', async ({ portal, demoWorkspace }) => {
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo26'], (c) => {
    c.portals!.classic!.totp = { minSecondsLeft: 0 };
  });
  const env = { ...ws.env, DEMO26_TOTP_SECRET: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' };
  const run = await runCli(['login', '--config', ws.configPath, '--timeout', '45'], { cwd: ws.dir, env });
  expect(run.status).toBe(5);
  expect(run.stderr).toContain('error [CODE_REJECTED]');
  const codes = portal.submittedCodes('demo26');
  expect(codes).toHaveLength(2);
  expect(codes[0]).not.toBe(codes[1]);
});
