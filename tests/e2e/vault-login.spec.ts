/**
 * Logins whose code comes from the team TOTP service (`code: { source: vault }`),
 * through the real CLI against the demo portal: the vault made with `vault add`
 * (the demo user's TOTP secret) and `token create`, `portal-login serve`
 * started as a process. A token outside its scope or revoked fails the login
 * before anything is typed; the token is never printed.
 */
import { test, expect } from '../support/fixtures.js';
import { join } from 'node:path';
import type { ConfigInput } from '../../config/schema.js';
import type { Clock } from '../../core/clock.js';
import { demoUser } from '../../demo-portal/users.js';
import { startTeamService } from '../../service/server.js';
import { vaultFile } from '../../service/vault-file.js';
import { vaultKeyFrom } from '../../service/vault-key.js';
import { runCli } from '../support/cli.js';
import { addEntry, cli, newToken, serve, workspace as vaultWorkspace } from '../support/team-service.js';

const TOKEN_ENV = 'TEAM_VAULT_TOKEN';

/** Every account of the config takes its code from the vault's `key` at `address`. */
function fromVault(address: string, key: string, edit: (c: ConfigInput) => void = () => {}) {
  return (c: ConfigInput) => {
    for (const account of Object.values(c.accounts)) {
      delete account.totpSecretEnv;
      account.code = { source: 'vault', address, tokenEnv: TOKEN_ENV, key };
    }
    edit(c);
  };
}

test('a login takes its code from `portal-login serve` (unused=true); the token and the code are never printed', async ({ portal, demoWorkspace, tempDir }) => {
  const vault = await vaultWorkspace(await tempDir('portal-login-vault-'));
  await addEntry(vault, 'broker-demo31', demoUser('demo31').totpSecret);
  const token = await newToken(vault, 'trading-desk', ['broker-*']);
  const server = await serve(vault);
  try {
    const ws = await demoWorkspace(portal.url, ['classic'], ['demo31'], fromVault(server.url, 'broker-demo31'));
    const run = await runCli(['login', '--config', ws.configPath, '--verbose'], { cwd: ws.dir, env: { ...ws.env, [TOKEN_ENV]: token } });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Submitted the verification code \(vault key broker-demo31, window \d+\)/);
    const sent = portal.submittedCodes('demo31');
    expect(sent).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain(token);
    expect(run.stdout + run.stderr).not.toContain(sent[0]!);
  } finally {
    await server.stop();
  }
  expect(server.stderr()).not.toContain(token);
});

test('a token outside its scope, and a revoked one: CODE_SOURCE_FAILED (exit 20) with what to do, before the portal sees a login', async ({ portal, demoWorkspace, tempDir }) => {
  const vault = await vaultWorkspace(await tempDir('portal-login-vault-'));
  await addEntry(vault, 'broker-demo33', demoUser('demo33').totpSecret);
  const otherDesk = await newToken(vault, 'other-desk', ['billing-*']);
  const revoked = await newToken(vault, 'left-the-team', ['broker-*']);
  const list = JSON.parse((await cli(vault, ['token', 'list', '--json'])).stdout) as { id: string; name: string }[];
  expect((await cli(vault, ['token', 'revoke', list.find((t) => t.name === 'left-the-team')!.id])).status).toBe(0);
  const server = await serve(vault);
  try {
    const ws = await demoWorkspace(portal.url, ['classic'], ['demo33'], fromVault(server.url, 'broker-demo33'));
    for (const token of [otherDesk, revoked]) {
      const run = await runCli(['login', '--config', ws.configPath, '--verbose'], { cwd: ws.dir, env: { ...ws.env, [TOKEN_ENV]: token } });
      expect(run.status, run.stderr).toBe(20);
      expect(run.stderr).toContain(`error [CODE_SOURCE_FAILED]: permission denied: the token cannot read codes for broker-demo33 (the vault at ${server.url}, mount totp); no code was sent to the portal.`);
      expect(run.stderr).toContain(`The token in ${TOKEN_ENV} is unknown to the server, revoked, expired, or its scope does not cover broker-demo33.`);
      expect(run.stderr).toContain("portal-login token create --vault FILE --name NAME --read 'broker-demo33'");
      expect(run.stdout + run.stderr).not.toContain(token);
    }
  } finally {
    await server.stop();
  }
  expect(portal.loginAttempts('demo33')).toBe(0);
});

test('two accounts sharing one vault entry, logging in at once from two processes, never get the same code', async ({ portal, demoWorkspace, tempDir }) => {
  const vault = await vaultWorkspace(await tempDir('portal-login-vault-'));
  await addEntry(vault, 'shared-demo34', demoUser('demo34').totpSecret);
  const token = await newToken(vault, 'desk', ['shared-*']);
  // In-process rather than `serve`, for its clock only: the second login's wait for the next window is
  // jumped over (the server's clock moves ahead instead), so the test does not wait up to 30 s. The demo
  // portal accepts a code one window early, as portals with a drift allowance do.
  const server = await startTeamService({
    vault: vaultFile(vault.vault, await vaultKeyFrom({ keyFile: join(vault.dir, 'vault.key'), env: {} }), { create: false }),
    host: '127.0.0.1',
    port: 0,
    insecureListen: false,
    auditLogPath: `${vault.vault}.audit.jsonl`,
    stepsPath: `${vault.vault}.steps.json`,
    rateLimit: { perSecond: 100, burst: 200 },
    clock: jumpingRealClock(),
    logError: (text) => console.error(text),
  });
  try {
    // Two portal variants, one user: two accounts with one TOTP secret, so one entry serves both. No minimum
    // seconds left, so neither jumps a window of its own and both codes stay within the portal's ±1 window.
    const ws = await demoWorkspace(portal.url, ['classic', 'sameform'], ['demo34'], fromVault(server.url, 'shared-demo34', (c) => {
      for (const p of Object.values(c.portals)) p.totp = { minSecondsLeft: 0 };
    }));
    const env = { ...ws.env, [TOKEN_ENV]: token };
    const runs = await Promise.all(['classic-demo34', 'sameform-demo34'].map((account) => runCli(['login', account, '--config', ws.configPath], { cwd: ws.dir, env })));
    for (const run of runs) expect(run.status, run.stderr).toBe(0);
    const sent = portal.submittedCodes('demo34');
    expect(sent).toHaveLength(2); // no rejection, no retry: the portal's replay check never fired
    expect(new Set(sent).size).toBe(2);
  } finally {
    await server.close();
  }
});

/** Real time, except that a sleep returns at once and moves this clock ahead by its length. */
function jumpingRealClock(): Clock {
  let aheadMs = 0;
  return {
    now: () => Date.now() + aheadMs,
    sleep: async (ms) => void (aheadMs += Math.max(0, ms)),
  };
}
