/**
 * The step ledger (no window is ever submitted twice, across runs and
 * processes) and the TOTP code source built on it, driven by a fake clock.
 */
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { totpCodeSource } from '../../codes/totp-source.js';
import { offsetClock, type Clock } from '../../core/clock.js';
import { codeForStep } from '../../totp/code.js';
import { chooseStep } from '../../totp/freshness.js';
import { fileStepLedger, memoryStepLedger } from '../../totp/step-ledger.js';
import { resolveTotpSpec, type TotpSpec } from '../../totp/spec.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'JBSWY3DPEHPK3PXPGEZDGNBVGY3TQOJQ';
const OTHER_SECRET = 'GEZDGNBVGY3TQOJQJBSWY3DPEHPK3PXP';
const W = 56_666_666;
const START = W * 30_000;
const spec = (secret = SECRET): TotpSpec => resolveTotpSpec(secret, {}, 'test');

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portal-login-ledger-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A clock that only moves when slept on; records every wait (ms). */
function fakeClock(startMs: number): Clock & { waits: number[] } {
  let t = startMs;
  const waits: number[] = [];
  return { waits, now: () => t, sleep: async (ms) => { waits.push(ms); t += ms; } };
}

const choose = (nowMs: number) => (lastUsedStep: number | undefined) =>
  chooseStep({ nowMs, periodSeconds: 30, minSecondsLeft: 5, lastUsedStep });

test.describe('fileStepLedger', () => {
  test('two claims at the same moment never get the same window', async () => {
    const ledger = fileStepLedger(dir);
    const seen: Array<number | undefined> = [];
    const first = await ledger.claim(spec(), (last) => (seen.push(last), choose(START + 1_000)(last)));
    const second = await ledger.claim(spec(), (last) => (seen.push(last), choose(START + 1_000)(last)));
    expect(seen).toEqual([undefined, W]);
    expect(first.step).toBe(W);
    expect(second.step).toBe(W + 1);
  });

  test('secrets are tracked separately', async () => {
    const ledger = fileStepLedger(dir);
    await ledger.claim(spec(), choose(START + 1_000));
    const other = await ledger.claim(spec(OTHER_SECRET), choose(START + 1_000));
    expect(other.step).toBe(W);
  });

  test('the last used window survives a new ledger on the same folder', async () => {
    await fileStepLedger(dir).claim(spec(), choose(START + 1_000));
    let seen: number | undefined;
    const again = await fileStepLedger(dir).claim(spec(), (last) => ((seen = last), choose(START + 2_000)(last)));
    expect(seen).toBe(W);
    expect(again.step).toBe(W + 1);
  });

  test('files are named by hash only, 0600 in a 0700 folder, no lock or temp left over', async () => {
    const ledgerDir = join(dir, 'state', 'ledger');
    const s = spec();
    await fileStepLedger(ledgerDir).claim(s, choose(START + 1_000));
    const names = await readdir(ledgerDir);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^[0-9a-f]{16,64}\.json$/);
    const hex = Buffer.from(s.secret.bytes).toString('hex');
    for (const form of [SECRET, SECRET.toLowerCase(), hex, hex.slice(0, 16)]) expect(names[0]).not.toContain(form);
    expect((await stat(join(ledgerDir, names[0]!))).mode & 0o777).toBe(0o600);
    expect((await stat(ledgerDir)).mode & 0o777).toBe(0o700);
  });

  test('a chooser that throws records nothing and releases the lock', async () => {
    const ledger = fileStepLedger(dir);
    await expect(ledger.claim(spec(), () => { throw new Error('boom'); })).rejects.toThrow('boom');
    let seen: number | undefined = -1;
    const next = await ledger.claim(spec(), (last) => ((seen = last), choose(START + 1_000)(last)));
    expect(seen).toBeUndefined();
    expect(next.step).toBe(W);
  });
});

test('a ledger lock another run keeps holding is LOCK_HELD (exit 15) naming the ledger, not an internal error', async () => {
  await fileStepLedger(dir).claim(spec(), choose(START + 1_000));
  const [file] = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  await mkdir(join(dir, `${file}.lock`)); // a live holder: its lock is fresh
  const claim = fileStepLedger(dir, { lockWaitMs: 100 }).claim(spec(), choose(START + 31_000));
  await expect(claim).rejects.toMatchObject({ code: 'LOCK_HELD', exitStatus: 15, message: expect.stringContaining(`The used-code ledger in ${dir} is in use by another portal-login run`) });
});

test.describe('fileStepLedger across processes', () => {
  test.beforeAll(() => {
    // Children import the built module: `npm test` builds before running (scripts/setup.mjs).
    expect(existsSync(join(ROOT, 'dist/totp/step-ledger.js'))).toBe(true);
  });

  test('4 processes claiming concurrently never get the same window', async () => {
    test.setTimeout(60_000);
    const child = `
      import { fileStepLedger } from ${JSON.stringify(join(ROOT, 'dist/totp/step-ledger.js'))};
      import { resolveTotpSpec } from ${JSON.stringify(join(ROOT, 'dist/totp/spec.js'))};
      const spec = resolveTotpSpec(process.env.SECRET, {}, 'child');
      const ledger = fileStepLedger(process.env.LEDGER_DIR);
      // Start together so the claims overlap.
      while (Date.now() < Number(process.env.START_AT)) await new Promise((r) => setTimeout(r, 5));
      const current = Number(process.env.CURRENT);
      const steps = [];
      for (let i = 0; i < 5; i++) {
        const { step } = await ledger.claim(spec, (last) => ({ step: Math.max(current, (last ?? -Infinity) + 1) }));
        steps.push(step);
      }
      process.stdout.write(JSON.stringify(steps));
    `;
    const env = { ...process.env, SECRET, LEDGER_DIR: dir, CURRENT: String(W), START_AT: String(Date.now() + 1_500) };
    const runs = Array.from({ length: 4 }, () => new Promise<number[]>((done, fail) => {
      const proc = spawn(process.execPath, ['--input-type=module', '-e', child], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      proc.stdout.on('data', (d) => (out += d));
      proc.stderr.on('data', (d) => (err += d));
      proc.on('close', (code) => (code === 0 ? done(JSON.parse(out) as number[]) : fail(new Error(`child exited ${code}: ${err}`))));
    }));
    const steps = (await Promise.all(runs)).flat();
    expect(steps).toHaveLength(20);
    expect(new Set(steps).size).toBe(20);
    expect([...steps].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => W + i));
  });
});

test.describe('totpCodeSource', () => {
  const source = (clock: Clock, ledger = memoryStepLedger()) =>
    totpCodeSource({ spec: spec(), ledger, clock, minSecondsLeft: 5 });

  test('a fresh window is used at once', async () => {
    const clock = fakeClock(START + 1_000);
    const issued = await source(clock).next({ afterRejection: false, requestedAt: 0 });
    expect(issued).toEqual({ code: codeForStep(spec(), W), label: `TOTP window ${W}` });
    expect(clock.waits).toEqual([]);
  });

  test('with fewer than minSecondsLeft left it waits for the next window', async () => {
    const clock = fakeClock(START + 27_000);
    const told: Array<[number, string]> = [];
    const issued = await source(clock).next({ afterRejection: false, requestedAt: 0, onWait: (s, why) => told.push([s, why]) });
    expect(clock.waits).toEqual([3_000]);
    expect(told.map(([s]) => s)).toEqual([3]);
    expect(issued.code).toBe(codeForStep(spec(), W + 1));
    expect(clock.now()).toBe(START + 30_000);
  });

  test('after a rejection it never re-issues the same code: next window, after waiting', async () => {
    const clock = fakeClock(START + 1_000);
    const codes = source(clock);
    const first = await codes.next({ afterRejection: false, requestedAt: 0 });
    const second = await codes.next({ afterRejection: true, requestedAt: 0 });
    expect(first.code).toBe(codeForStep(spec(), W));
    expect(second.code).toBe(codeForStep(spec(), W + 1));
    expect(second.code).not.toBe(first.code);
    expect(clock.waits).toEqual([29_000]);
  });

  test('two sources on one ledger folder (two runs) never issue the same window', async () => {
    const a = await source(fakeClock(START + 1_000), fileStepLedger(dir)).next({ afterRejection: false, requestedAt: 0 });
    const b = await source(fakeClock(START + 1_000), fileStepLedger(dir)).next({ afterRejection: false, requestedAt: 0 });
    expect([a.label, b.label]).toEqual([`TOTP window ${W}`, `TOTP window ${W + 1}`]);
  });

  test('uses the clock it is given: an offset clock shifts the code', async () => {
    const base = fakeClock(START + 1_000);
    const ahead = await source(offsetClock(base, 45_000)).next({ afterRejection: false, requestedAt: 0 });
    expect(ahead.code).toBe(codeForStep(spec(), W + 1));
    const behind = await source(offsetClock(base, -40_000)).next({ afterRejection: false, requestedAt: 0 });
    expect(behind.code).toBe(codeForStep(spec(), W - 2));
    // Waiting goes through the given clock too: 27 s into the portal's window → sleep 3 s on `base`.
    await source(offsetClock(base, 26_000)).next({ afterRejection: false, requestedAt: 0 });
    expect(base.waits).toEqual([3_000]);
  });
});
