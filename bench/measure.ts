/** Runs one child process and measures its wall time and the peak RSS of its process tree. */
import { spawn } from 'node:child_process';
import { samplePeakRss } from './process-tree.js';

export interface RunMeasure {
  /** Spawn to exit, in ms. */
  wallMs: number;
  /** Highest summed RSS of the child and its descendants, in bytes. */
  peakRssBytes: number;
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
}

/** Spawns `spec`, samples its tree until it exits, and rejects (with its stderr) unless it exits 0. */
export function measureChild(spec: ChildSpec): Promise<RunMeasure> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const sampler = child.pid === undefined ? undefined : samplePeakRss(child.pid, spec.sampleMs);
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
      const peak = sampler?.stop() ?? { peakBytes: 0, samples: 0, meanSampleMs: 0 };
      if (code !== 0) {
        const text = Buffer.concat(output).toString('utf8').trim();
        reject(new Error(`${spec.label} exited with ${code ?? signal}:\n${text}`));
        return;
      }
      resolve({ wallMs, peakRssBytes: peak.peakBytes, samples: peak.samples, meanSampleMs: peak.meanSampleMs });
    });
  });
}
