import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, constants as fs } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import vm from 'node:vm';

/**
 * Where V8 keeps Playwright's compiled code between runs: the absolute path
 * in PORTAL_LOGIN_CACHE_DIR (`off` or any relative value: no cache), else
 * $XDG_CACHE_HOME/portal-login/v8 (default ~/.cache/portal-login/v8).
 * Relative XDG_CACHE_HOME/HOME are ignored, as the XDG spec says: a cache
 * must not land in whatever folder a cron job happens to start in.
 */
export function compileCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const configured = env.PORTAL_LOGIN_CACHE_DIR;
  if (configured) return isAbsolute(configured) ? configured : undefined;
  const absolute = (path: string | undefined) => (path && isAbsolute(path) ? path : undefined);
  return join(absolute(env.XDG_CACHE_HOME) ?? join(absolute(env.HOME) ?? homedir(), '.cache'), 'portal-login', 'v8');
}

export interface CacheUse {
  /** Files compiled from the cache. */
  hits: number;
  /** Files compiled from source; their cache is written when the process exits. */
  misses: number;
}

/** Smaller files gain nothing measurable from a cache entry; Playwright's two bundles are 3.3 and 3.6 MB. */
const MIN_CACHED_CHARS = 64 * 1024;
const DIGEST_BYTES = 32;

interface CompilingModule {
  exports: unknown;
  require(id: string): unknown;
}

type Compile = (this: CompilingModule, content: string, filename: string, format?: string) => unknown;

type ModuleInternals = typeof Module & {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: unknown): string[] | null;
  _cache: Record<string, unknown>;
  _extensions: Record<string, unknown>;
  prototype: { _compile: Compile };
};

/**
 * `load()` (a require of Playwright), with V8's code cache for the large
 * CommonJS files it compiles. Playwright is ~7 MB of JavaScript that every
 * browser command compiles before Chromium can even be spawned (~0.45 s on
 * 2 cores); from the cache that drops by about a third (see README
 * "Measured"). Node 22's module.enableCompileCache does the same, but Node 20
 * is supported too.
 *
 * The cache is written at exit, so it also holds the functions compiled
 * while logging in, not just the top level. It is code V8 will run without
 * verifying it (release builds do not checksum it: a flipped byte can crash
 * the process or run wrong code), so each entry carries a SHA-256 of itself
 * that is checked before V8 sees it, and entries are used only from a folder
 * and as files this user owns that no one else can write. Entries are keyed
 * by the file's path and full content and the Node version, so an updated
 * Playwright never runs stale code. Anything unusual (a shebang, an ES
 * module, a compile error, an unusable folder) means Node's own loader, never
 * a failure.
 */
export function loadWithCompileCache<T>(load: () => T, dir: string | undefined): { value: T; cache: CacheUse } {
  const cache: CacheUse = { hits: 0, misses: 0 };
  if (dir === undefined || !privateDir(dir)) return { value: load(), cache };
  const internals = Module as ModuleInternals;
  const original = internals.prototype._compile;
  const pending: Array<{ script: vm.Script; path: string }> = [];
  internals.prototype._compile = function (this: CompilingModule, content: string, filename: string, format?: string) {
    const plain = content.length < MIN_CACHED_CHARS || content.startsWith('#!') || (format !== undefined && format !== 'commonjs');
    if (plain) return original.call(this, content, filename, format);
    const path = join(dir, `${createHash('sha256').update(`${process.version}\0${process.arch}\0${filename}\0`).update(content).digest('hex')}.v8`);
    const cachedData = readEntry(path);
    let script: vm.Script;
    try {
      script = new vm.Script(Module.wrap(content), { filename, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
    } catch {
      return original.call(this, content, filename, format); // Node's loader reports the error its usual way
    }
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
    if (pending.length > 0) process.once('exit', () => pending.forEach(writeEntry));
  }
}

/** The `require` Node gives a module: resolving from it, sharing the module cache. */
function requireFor(internals: ModuleInternals, module: CompilingModule) {
  const require = (id: string) => module.require(id);
  const resolve = (request: string, options?: { paths?: string[] }) => internals._resolveFilename(request, module, false, options);
  resolve.paths = (request: string) => internals._resolveLookupPaths(request, module);
  return Object.assign(require, { resolve, cache: internals._cache, extensions: internals._extensions });
}

/** Ours and not writable by group or others (a file or folder someone else can change could feed us code). */
function ownedAndPrivate(stat: { uid: number; mode: number }): boolean {
  return (process.getuid === undefined || stat.uid === process.getuid()) && (stat.mode & 0o022) === 0;
}

/** Creates `dir` 0700 and confirms it is ours and not writable by others. */
function privateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = statSync(dir);
    return stat.isDirectory() && ownedAndPrivate(stat);
  } catch {
    return false;
  }
}

/**
 * The cached data in an entry, or undefined when it is missing, not a plain
 * file of ours (checked on the open file, so swapping the folder after
 * privateDir() does not help), or fails its checksum.
 */
function readEntry(path: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, fs.O_RDONLY | fs.O_NOFOLLOW);
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.nlink !== 1 || !ownedAndPrivate(stat)) return undefined;
    const entry = readFileSync(fd);
    const data = entry.subarray(DIGEST_BYTES);
    const digest = createHash('sha256').update(data).digest();
    return entry.length > DIGEST_BYTES && digest.equals(entry.subarray(0, DIGEST_BYTES)) ? data : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Checksum + data, written to a temp file, flushed, then renamed: a concurrent run reads a whole entry or none. */
function writeEntry({ script, path }: { script: vm.Script; path: string }): void {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const data = script.createCachedData();
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeFileSync(fd, Buffer.concat([createHash('sha256').update(data).digest(), data]));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch {
    rmSync(temp, { force: true });
  }
}
