import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { BrowserConfigInput } from '../../config/schema.js';
import { demoLoginSetup } from '../../demo-portal/login-config.js';
import type { DemoVariant } from '../../demo-portal/variants.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/bin/portal-login.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as a user would, in `cwd`, with only the given env (plus
 * PATH/HOME). The used-code ledger is moved under `cwd` (PORTAL_LOGIN_LEDGER_DIR:
 * the real one is per OS user, whatever XDG_STATE_HOME says), so tests that
 * reuse a demo user in parallel do not wait on each other; pass
 * `PORTAL_LOGIN_LEDGER_DIR: ''` in env to use the real one. `as` runs it as
 * another OS user (root only; Node's spawn uid/gid).
 */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string>; input?: string; as?: { uid: number; gid: number } }): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      ...options.as,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORTAL_LOGIN_LEDGER_DIR: join(options.cwd, '.ledger'), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export interface Workspace {
  dir: string;
  configPath: string;
  env: Record<string, string>;
  stateDir: string;
  artifactsDir: string;
}

/** Makes a demo workspace; the `demoWorkspace` fixture (tests/support/fixtures.ts) removes it after the test. */
export type DemoWorkspaceFactory = (
  baseUrl: string,
  variants: readonly DemoVariant[],
  users: readonly string[],
  edit?: (config: BrowserConfigInput) => void,
) => Promise<Workspace>;

/**
 * Fills `dir` (an empty folder) with a portal-login.yaml for a running demo
 * portal (zero selectors, as a user would start). `edit` may change the config first.
 */
export async function writeDemoWorkspace(
  dir: string,
  baseUrl: string,
  variants: readonly DemoVariant[],
  users: readonly string[],
  edit: (config: BrowserConfigInput) => void = () => {},
): Promise<Workspace> {
  const stateDir = join(dir, 'state');
  const artifactsDir = join(dir, 'artifacts');
  const setup = demoLoginSetup(baseUrl, variants, users, { stateDir, artifactsDir });
  edit(setup.config);
  const configPath = join(dir, 'portal-login.yaml');
  await writeFile(configPath, stringify(setup.config));
  return { dir, configPath, env: setup.env, stateDir, artifactsDir };
}
