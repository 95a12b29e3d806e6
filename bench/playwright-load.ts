/**
 * One timing for `npm run bench`: how long a fresh process takes to load
 * Playwright, by `node dist/bench/playwright-load.js <mode>`:
 * - import: `await import('playwright')`, as a hand-written ESM script does (side B);
 * - require: `require('playwright')` compiled from source (portal-login with PORTAL_LOGIN_CACHE_DIR=off);
 * - cache: through browser/compile-cache.ts with PORTAL_LOGIN_CACHE_DIR (portal-login, side A).
 * Prints {"ms": …, "hits": …, "misses": …}.
 */
import { createRequire } from 'node:module';
import { compileCacheDir, loadWithCompileCache } from '../browser/compile-cache.js';

const mode = process.argv[2];
const require = createRequire(import.meta.url);
const started = performance.now();
let cache = { hits: 0, misses: 0 };
if (mode === 'import') await import('playwright');
else if (mode === 'require') require('playwright');
else if (mode === 'cache') cache = loadWithCompileCache(() => require('playwright') as unknown, compileCacheDir(process.env)).cache;
else throw new Error('usage: playwright-load.js import|require|cache');
process.stdout.write(JSON.stringify({ ms: performance.now() - started, ...cache }));
