/**
 * The bench's process-tree measures (bench/process-tree.ts, bench/measure.ts):
 * PSS is summed over the whole tree, never above RSS, and CPU time is
 * counted for a child and its own children once they are reaped.
 */
import { spawn } from 'node:child_process';
import { measureChild } from '../../bench/measure.js';
import { treeMemory } from '../../bench/process-tree.js';
import { expect, test } from '../support/fixtures.js';

/** A node that starts a second node holding 64 MB, and says "ready" once both are up. */
const PARENT = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', "globalThis.keep = Buffer.alloc(64 * 1024 * 1024, 1); process.stdout.write('up'); setInterval(() => {}, 1000)"], { stdio: ['ignore', 'pipe', 'inherit'] });
child.stdout.once('data', () => process.stdout.write('ready'));
process.on('SIGTERM', () => { child.kill(); process.exit(0); });
`;

test('treeMemory sums the parent and its child: PSS counts the child’s 64 MB, and never exceeds RSS', async () => {
  const parent = spawn(process.execPath, ['-e', PARENT], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve) => parent.stdout.once('data', () => resolve()));
    const tree = treeMemory(parent.pid!, true);
    expect(tree.processes).toBe(2);
    expect(tree.tree.map((p) => p.comm)).toEqual(['node', 'node']);
    expect(tree.pssBytes).toBeGreaterThan(64 * 1024 * 1024);
    expect(tree.pssBytes).toBeLessThanOrEqual(tree.rssBytes);
    expect(treeMemory(parent.pid!, false).pssBytes).toBe(0); // PSS only when asked: it walks page tables
  } finally {
    parent.kill('SIGTERM');
    await new Promise((resolve) => parent.once('close', resolve));
  }
  expect(treeMemory(parent.pid!, true).processes).toBe(0);
});

test('measureChild reports peak PSS and the CPU of the child with its own child, by executable name', async ({ tempDir }) => {
  const burn = "let x = 0; for (let i = 0; i < 3e7; i++) x += i; globalThis.keep = Buffer.alloc(32 * 1024 * 1024, 1); setTimeout(() => {}, 300)";
  const script = `require('node:child_process').spawnSync(process.execPath, ['-e', ${JSON.stringify(burn)}], { stdio: 'inherit' })`;
  const run = await measureChild({ label: 'tree', command: process.execPath, args: ['-e', script], env: process.env, cwd: await tempDir(), sampleMs: 20, pss: true });
  expect(run.peakProcesses).toBe(2);
  expect(run.peakPssBytes).toBeGreaterThan(32 * 1024 * 1024);
  expect(run.peakPssBytes).toBeLessThanOrEqual(run.peakRssBytes);
  // Both processes' CPU: the reaped total is at least what the samples saw of the grandchild.
  expect(run.cpuMs).toBeGreaterThan(0);
  expect(run.cpuMsByName.node).toBeGreaterThan(0);
  expect(run.cpuMs).toBeGreaterThanOrEqual(run.cpuMsByName.node! - 10);
});
