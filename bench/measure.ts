/** Runs one child process and measures its wall time, the peak memory of its process tree and the tree's CPU time. */
import { spawn } from 'node:child_process';
import { reapedChildrenCpuMs, samplePeakRss } from './process-tree.js';

export interface RunMeasure {
  /** Spawn to exit, in ms. */
  wallMs: number;
  /** Highest summed RSS of the child and its descendants, in bytes. */
  peakRssBytes: number;
  /** Highest summed PSS of the tree, in bytes (0 unless the spec asked for PSS). */
  peakPssBytes: number;
  /** Most processes in the tree at one sample. */
  peakProcesses: number;
  /** CPU time (user + system, ms) of the whole tree, counted as its processes were reaped; needs no other child to end meanwhile. */
  cpuMs: number;
  /** Sampled CPU time (ms) by executable name: node against chromium. */
  cpuMsByName: Record<string, number>;
  samples: number;
  meanSampleMs: number;
}

export interface ChildSpec {
  label: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Memory sampling interval (ms). */
  sampleMs: number;
  /** Also sample PSS (smaps_rollup; a few ms per process per sample). */
  pss?: boolean;
}

/** Spawns `spec`, samples its tree until it exits, and rejects (with its stderr) unless it exits 0. */
export function measureChild(spec: ChildSpec): Promise<RunMeasure> {
  return new Promise((resolve, reject) => {
    const cpuBefore = reapedChildrenCpuMs();
    const started = performance.now();
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const sampler = child.pid === undefined ? undefined : samplePeakRss(child.pid, spec.sampleMs, spec.pss ?? false);
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    let wallMs = 0;
    child.once('exit', () => {
      wallMs = performance.now() - started;
    });
    child.once('error', (error) => {
      sampler?.stop();
      reject(new Error(`${spec.label}: could not start ${spec.command}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      const peak = sampler?.stop() ?? { peakBytes: 0, peakPssBytes: 0, peakProcesses: 0, cpuMsByName: {}, samples: 0, meanSampleMs: 0 };
      const cpuMs = reapedChildrenCpuMs() - cpuBefore;
      if (code !== 0) {
        const text = Buffer.concat(output).toString('utf8').trim();
        reject(new Error(`${spec.label} exited with ${code ?? signal}:\n${text}`));
        return;
      }
      resolve({ wallMs, peakRssBytes: peak.peakBytes, peakPssBytes: peak.peakPssBytes, peakProcesses: peak.peakProcesses, cpuMs, cpuMsByName: peak.cpuMsByName, samples: peak.samples, meanSampleMs: peak.meanSampleMs });
    });
  });
}

/**
 * Runs one short child process (no memory sampling: the sampler's cost would
 * be part of a 0.1 s figure) and resolves to its wall time, its CPU time
 * (user + system, with its children; 10 ms resolution, but unlike wall time
 * barely moved by other jobs on a shared machine) and stdout; rejects with
 * its output unless it exits 0. Run one at a time: the CPU figure counts
 * every child reaped meanwhile.
 */
export function timeChild(spec: Omit<ChildSpec, 'sampleMs' | 'pss'>): Promise<{ wallMs: number; cpuMs: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const cpuBefore = reapedChildrenCpuMs();
    const started = performance.now();
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error) => reject(new Error(`${spec.label}: could not start ${spec.command}: ${error.message}`)));
    child.once('close', (code, signal) => {
      const wallMs = performance.now() - started;
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve({ wallMs, cpuMs: reapedChildrenCpuMs() - cpuBefore, stdout });
      else reject(new Error(`${spec.label} exited with ${code ?? signal}:\n${stdout}${Buffer.concat(err).toString('utf8')}`));
    });
  });
}
