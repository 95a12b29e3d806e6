import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

/**
 * Where V8 keeps Playwright's compiled code between runs:
 * PORTAL_LOGIN_CACHE_DIR (`off` disables it), else
 * $XDG_CACHE_HOME/portal-login/v8 (default ~/.cache/portal-login/v8).
 */
export function compileCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.PORTAL_LOGIN_CACHE_DIR === 'off') return undefined;
  if (env.PORTAL_LOGIN_CACHE_DIR) return env.PORTAL_LOGIN_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'portal-login', 'v8');
}

export interface CacheUse {
  /** Files compiled from the cache. */
  hits: number;
  /** Files compiled from source; their cache is written when the process exits. */
  misses: number;
}

interface CompilingModule {
  exports: unknown;
  require(id: string): unknown;
}

type ModuleInternals = typeof Module & {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: unknown): string[] | null;
  _cache: Record<string, unknown>;
  _extensions: Record<string, unknown>;
  prototype: { _compile(this: CompilingModule, content: string, filename: string): unknown };
};

/**
 * `load()` (a require of Playwright), with V8's code cache for every file it
 * compiles. Playwright is ~7 MB of JavaScript that every browser command
 * compiles before Chromium can even be spawned (~0.45 s on 2 cores); from the
 * cache that drops by about a third (see README "Measured"). Node 22's
 * module.enableCompileCache does the same, but Node 20 is supported too.
 *
 * The cache is written at exit, so it also holds the functions compiled
 * while logging in, not just the top level. It is code the process will run,
 * so it is used only from a folder this user owns that no one else can write;
 * entries are keyed by the file's path and full content and by the Node
 * version, so an updated Playwright never runs stale code. Best effort: any
 * problem with the cache means compiling from source, never a failure.
 */
export function loadWithCompileCache<T>(load: () => T, dir: string | undefined): { value: T; cache: CacheUse } {
  const cache: CacheUse = { hits: 0, misses: 0 };
  if (dir === undefined || !privateDir(dir)) return { value: load(), cache };
  const internals = Module as ModuleInternals;
  const original = internals.prototype._compile;
  const pending: Array<{ script: vm.Script; path: string }> = [];
  internals.prototype._compile = function (this: CompilingModule, content: string, filename: string) {
    const path = join(dir, `${createHash('sha256').update(`${process.version}\0${process.arch}\0${filename}\0`).update(content).digest('hex')}.v8`);
    const cachedData = readIfPresent(path);
    const script = new vm.Script(Module.wrap(content), { filename, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
    if (cachedData && !script.cachedDataRejected) cache.hits++;
    else {
      cache.misses++;
      pending.push({ script, path });
    }
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(internals, this), this, filename, dirname(filename));
  };
  try {
    return { value: load(), cache };
  } finally {
    internals.prototype._compile = original;
    if (pending.length > 0) process.once('exit', () => pending.forEach(writeCache));
  }
}

/** The `require` Node gives a module: resolving from it, sharing the module cache. */
function requireFor(internals: ModuleInternals, module: CompilingModule) {
  const require = (id: string) => module.require(id);
  const resolve = (request: string, options?: { paths?: string[] }) => internals._resolveFilename(request, module, false, options);
  resolve.paths = (request: string) => internals._resolveLookupPaths(request, module);
  return Object.assign(require, { resolve, cache: internals._cache, extensions: internals._extensions });
}

/** Creates `dir` 0700 and confirms it is ours and not writable by others (a shared cache could feed us code). */
function privateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = statSync(dir);
    return stat.isDirectory() && (process.getuid === undefined || stat.uid === process.getuid()) && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Temp file + rename, so a concurrent run reads a whole entry or none. */
function writeCache({ script, path }: { script: vm.Script; path: string }): void {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, script.createCachedData(), { mode: 0o600, flag: 'wx' });
    renameSync(temp, path);
  } catch {
    rmSync(temp, { force: true });
  }
}
