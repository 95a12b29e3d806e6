/**
 * The V8 code cache Playwright is loaded through (browser/compile-cache.ts):
 * each case runs fresh Node processes, as the cache only matters across runs.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileCacheDir } from '../../browser/compile-cache.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODULE = pathToFileURL(join(ROOT, 'dist/browser/compile-cache.js')).href;
const PADDING = `/* ${'x'.repeat(70_000)} */\n`;

let work: string;
let cacheDir: string;
let pkg: string;
test.beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'portal-login-v8cache-'));
  cacheDir = join(work, 'cache');
  pkg = join(work, 'fixture');
  await mkdir(pkg);
  // A CommonJS package shaped like Playwright's: a large entry that requires and resolves a large
  // sibling, and a small file (not worth a cache entry, so always compiled by Node itself).
  await writeFile(join(pkg, 'index.js'), `${PADDING}const b = require('./b.js');\nmodule.exports = { answer: b.answer, small: require('./small.js'), resolved: require.resolve('./b.js'), dir: __dirname };\n`);
  await writeFile(join(pkg, 'b.js'), `${PADDING}exports.answer = 42;\n`);
  await writeFile(join(pkg, 'small.js'), 'module.exports = "small";\n');
});
test.afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

interface Run {
  value: { answer: number; small: string; resolved: string; dir: string };
  cache: { hits: number; misses: number };
}

/** Loads the fixture in a new Node process through loadWithCompileCache. */
function load(dir = cacheDir): Run {
  const script = `
    import { createRequire } from 'node:module';
    const { loadWithCompileCache } = await import(${JSON.stringify(MODULE)});
    const require = createRequire(${JSON.stringify(join(pkg, 'index.js'))});
    const { value, cache } = loadWithCompileCache(() => require('./index.js'), ${JSON.stringify(dir)});
    process.stdout.write(JSON.stringify({ value, cache }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as Run;
}

const entries = async () => (await readdir(cacheDir)).filter((f) => f.endsWith('.v8'));

test('the first run compiles from source and writes the cache; the next runs from it with the same result', async () => {
  const first = load();
  expect(first.cache).toEqual({ hits: 0, misses: 2 });
  expect(first.value).toEqual({ answer: 42, small: 'small', resolved: join(pkg, 'b.js'), dir: pkg });
  const files = await entries();
  expect(files).toHaveLength(2);
  for (const f of files) expect((await stat(join(cacheDir, f))).mode & 0o777).toBe(0o600);
  expect((await stat(cacheDir)).mode & 0o777).toBe(0o700);

  const second = load();
  expect(second.cache).toEqual({ hits: 2, misses: 0 });
  expect(second.value).toEqual(first.value);
});

test('a changed source file never runs stale cached code', async () => {
  load();
  await writeFile(join(pkg, 'b.js'), `${PADDING}exports.answer = 43;\n`); // same length: V8 alone would not notice
  const run = load();
  expect(run.value.answer).toBe(43);
  expect(run.cache).toEqual({ hits: 1, misses: 1 });
});

test('a corrupt cache entry is recompiled from source and replaced', async () => {
  load();
  for (const f of await entries()) await writeFile(join(cacheDir, f), 'not a V8 code cache');
  const run = load();
  expect(run.value.answer).toBe(42);
  expect(run.cache).toEqual({ hits: 0, misses: 2 });
  expect(load().cache).toEqual({ hits: 2, misses: 0 });
});

test('an entry damaged inside its data is caught by its checksum (V8 alone would run it, or crash)', async () => {
  load();
  for (const f of await entries()) {
    const bytes = await readFile(join(cacheDir, f));
    for (let i = 0; i < 64; i++) bytes[Math.floor(bytes.length / 2) + i]! ^= 0xff;
    await writeFile(join(cacheDir, f), bytes);
  }
  const run = load();
  expect(run.value.answer).toBe(42);
  expect(run.cache).toEqual({ hits: 0, misses: 2 });
});

test('an entry others could have written is not used', async () => {
  load();
  const [first, second] = await entries();
  await chmod(join(cacheDir, first!), 0o666);
  if (process.getuid?.() === 0) await chown(join(cacheDir, second!), 65534, 65534); // as root, also one owned by nobody
  const run = load();
  expect(run.value.answer).toBe(42);
  expect(run.cache.hits).toBe(process.getuid?.() === 0 ? 0 : 1);
});

test('a file Node must compile itself (a shebang) still loads, outside the cache', async () => {
  await writeFile(join(pkg, 'b.js'), `#!/usr/bin/env node\n${PADDING}exports.answer = 44;\n`);
  const run = load();
  expect(run.value.answer).toBe(44);
  expect(run.cache).toEqual({ hits: 0, misses: 1 });
});

test('a cache folder others can write is not used: it could feed this process code', async () => {
  await mkdir(cacheDir, { mode: 0o700 });
  await chmod(cacheDir, 0o777);
  const run = load();
  expect(run.value.answer).toBe(42);
  expect(run.cache).toEqual({ hits: 0, misses: 0 });
  expect(await entries()).toEqual([]);
});

test('an unusable cache folder falls back to plain loading', async () => {
  await writeFile(join(work, 'a-file'), '');
  const run = load(join(work, 'a-file', 'cache'));
  expect(run.value.answer).toBe(42);
  expect(run.cache).toEqual({ hits: 0, misses: 0 });
});

test('cache location: PORTAL_LOGIN_CACHE_DIR, off, XDG_CACHE_HOME, then ~/.cache; never a relative path', () => {
  expect(compileCacheDir({ PORTAL_LOGIN_CACHE_DIR: '/x/y', XDG_CACHE_HOME: '/c' })).toBe('/x/y');
  for (const off of ['off', 'OFF', '0', 'cache']) expect(compileCacheDir({ PORTAL_LOGIN_CACHE_DIR: off, HOME: '/h' })).toBeUndefined();
  expect(compileCacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/h' })).toBe('/h/.cache/portal-login/v8');
  expect(compileCacheDir({ HOME: 'rel' })).toMatch(/^\/.*\/\.cache\/portal-login\/v8$/);
  expect(compileCacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' })).toBe('/c/portal-login/v8');
  expect(compileCacheDir({ HOME: '/h' })).toBe('/h/.cache/portal-login/v8');
});
