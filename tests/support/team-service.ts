/**
 * The team TOTP service as a user runs it, for e2e tests: a vault made with
 * `vault add` and `token create` (its key in a file), and `portal-login serve
 * --port 0` started as a process, its URL read from stdout.
 */
import { expect } from '@playwright/test';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, runCli } from './cli.js';

export interface Workspace {
  dir: string;
  vault: string;
  /** Env for every CLI run: the vault key from a file is set through --key-file in `args`. */
  env: Record<string, string>;
  /** --vault and --key-file, for every vault/token/serve command. */
  args: string[];
}

export async function workspace(dir: string): Promise<Workspace> {
  await writeFile(join(dir, 'vault.key'), randomBytes(32), { mode: 0o600 });
  const vault = join(dir, 'team.vault');
  return { dir, vault, env: {}, args: ['--vault', vault, '--key-file', join(dir, 'vault.key')] };
}

export async function cli(ws: Workspace, args: string[], input?: string) {
  return runCli([...args, ...ws.args], { cwd: ws.dir, env: ws.env, input });
}

export async function addEntry(ws: Workspace, name: string, input: string, extra: string[] = []) {
  const run = await cli(ws, ['vault', 'add', name, ...extra], input);
  expect(run.status, run.stderr).toBe(0);
}

export async function newToken(ws: Workspace, name: string, read: string[], extra: string[] = []): Promise<string> {
  const run = await cli(ws, ['token', 'create', '--name', name, ...read.flatMap((g) => ['--read', g]), ...extra]);
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
  return run.stdout.trim();
}

export interface Serve {
  url: string;
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `serve --port 0` and reads the URL it prints. */
export async function serve(ws: Workspace, extra: string[] = []): Promise<Serve> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...ws.args, ...extra], {
    cwd: ws.dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...ws.env },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const match = /listening on (https?:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (status) => reject(new Error(`serve exited ${status}: ${stderr}`)));
  });
  return {
    url,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
