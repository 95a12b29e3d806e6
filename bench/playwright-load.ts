/**
 * One timing for `npm run bench`: how long this process takes to load
 * Playwright through browser/compile-cache.ts, with the cache folder from
 * PORTAL_LOGIN_CACHE_DIR (`off` = compile from source, the baseline).
 * Prints {"ms": …, "hits": …, "misses": …}.
 */
import { createRequire } from 'node:module';
import { compileCacheDir, loadWithCompileCache } from '../browser/compile-cache.js';

const require = createRequire(import.meta.url);
const started = performance.now();
const { cache } = loadWithCompileCache(() => require('playwright') as unknown, compileCacheDir(process.env));
process.stdout.write(JSON.stringify({ ms: performance.now() - started, ...cache }));
