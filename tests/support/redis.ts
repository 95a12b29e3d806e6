import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface RunningRedis {
  /** redis://:PASSWORD@127.0.0.1:PORT — tests check that the password is never printed. */
  url: string;
  port: number;
  password: string;
  /** Its working folder (the append-only file, when `appendOnly`). */
  dir: string;
  /** SIGTERM, and wait for it to exit; removes its folder unless `keepDir`. */
  stop(): Promise<void>;
  /** SIGKILL (Redis going away mid-run), and wait for it to exit; the folder is kept for a restart. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: a Redis that hangs without closing its connections. */
  pause(): void;
  resume(): void;
}

export interface StartRedisOptions {
  /** Default: a free loopback port. */
  port?: number;
  /** Default: random. Pass the old one to restart "the same" Redis. */
  password?: string;
  /** Default: a new temp folder. */
  dir?: string;
  /** Keep data across a kill and restart (appendfsync always); default off: nothing is written to disk. */
  appendOnly?: boolean;
  keepDir?: boolean;
}

/** A free TCP port on 127.0.0.1 (the kernel's pick for port 0, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts Debian's redis-server on loopback with a throwaway config (no RDB snapshots, requirepass); resolves once it accepts connections. */
export async function startRedis(options: StartRedisOptions = {}): Promise<RunningRedis> {
  const port = options.port ?? (await freePort());
  const password = options.password ?? randomBytes(12).toString('hex');
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'portal-login-redis-')));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--requirepass', password, '--daemonize', 'no', '--loglevel', 'notice'];
  args.push(...(options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await ready(child, port);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url: `redis://:${password}@127.0.0.1:${port}`,
    port,
    password,
    dir,
    stop: async () => {
      child.kill('SIGCONT');
      await end('SIGTERM');
      if (!options.keepDir) await rm(dir, { recursive: true, force: true });
    },
    kill: () => end('SIGKILL'),
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}

function ready(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server on port ${port} exited (${code}) before it was ready:\n${output}`)));
  });
}
