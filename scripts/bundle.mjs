#!/usr/bin/env node
// Bundles the tsc output (dist/cli/main.js) into dist/bin/portal-login.js,
// the installed `portal-login` bin. Why: Node 20 loads ESM module by module,
// and the CLI's graph is ~300 files (zod alone is ~95: it imports every
// locale); one file per command starts ~0.15 s faster, CPU the main thread
// otherwise takes from Chromium while it boots (measured in bench/, see the
// README). Dynamic imports stay separate chunks, so `totp` and `--help` load
// no login code; Playwright stays external and is still loaded only by the
// commands that drive a browser.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bin');

await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { 'portal-login': 'dist/cli/main.js' },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['playwright', 'playwright-core'],
  // Bundled CommonJS dependencies (yaml, dotenv, proper-lockfile) call require(), which ESM lacks.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
