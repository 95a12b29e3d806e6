/**
 * A scheduler's stop signal ends a run promptly, even while it waits for a
 * fresh TOTP window, and leaves the last good session as it was.
 */
import { test, expect } from '../support/fixtures.js';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, runCli } from '../support/cli.js';

for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  test(`${signal} during a TOTP-window wait stops within 3 s, exit 128+n, session kept`, async ({ portal, demoWorkspace }) => {
    // With 25 s required, the first code leaves >= 22 s of its window when the second run asks, so the second must wait.
    const ws = await demoWorkspace(portal.url, ['classic'], ['demo34'], (c) => {
      c.portals!.classic!.totp = { minSecondsLeft: 25 };
    });
    const first = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: ws.env });
    expect(first.status, first.stderr).toBe(0);
    const saved = await readFile(join(ws.stateDir, 'demo34.json'), 'utf8');

    // The same user again at once: its window is used, so this run waits for the next one.
    const child = spawn(process.execPath, [CLI, 'login', '--config', ws.configPath], {
      cwd: ws.dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORTAL_LOGIN_LEDGER_DIR: join(ws.dir, '.ledger'), ...ws.env },
    });
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const waiting = new Promise<void>((ready) => child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('Waiting')) ready();
    }));
    // A run that ends without waiting fails here, not at the test timeout.
    await Promise.race([waiting, exited.then(() => { throw new Error(`the second run ended without waiting:\n${stderr}`); })]);
    const sentAt = Date.now();
    child.kill(signal);
    const status = await exited;
    expect(Date.now() - sentAt).toBeLessThan(3000);
    expect(status).toBe(signal === 'SIGTERM' ? 143 : 129);
    expect(stderr).toContain(`Stopped by ${signal}`);
    expect(await readFile(join(ws.stateDir, 'demo34.json'), 'utf8')).toBe(saved);
    expect(portal.submittedCodes('demo34')).toHaveLength(1);
  });
}
