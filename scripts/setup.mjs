#!/usr/bin/env node
// Brings a clean clone to a runnable state before `npm run demo`, `npm test`
// and `npm run bench`: dependencies, build, and a Chromium. Plain Node, no
// dependencies, because it runs before `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (message) => process.stderr.write(`[setup] ${message}\n`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  return result.status === 0;
}

function must(command, args) {
  if (!run(command, args)) {
    say(`\`${command} ${args.join(' ')}\` failed; see the output above.`);
    process.exit(1);
  }
}

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

// 1. Dependencies: install when missing or when the lockfile changed since the last install.
const installed = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || mtime(join(root, 'package-lock.json')) > mtime(installed)) {
  say('installing dependencies (npm ci)');
  must('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts']);
}

// 2. Build: tsc is incremental, so this is quick when nothing changed; the bundle takes ~0.3 s.
must(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json']);
must(process.execPath, [join(root, 'scripts', 'bundle.mjs')]);

// 3. Browser: the same search the tool does at run time.
async function browserFound() {
  const { chromium } = await import('playwright');
  const { findBrowser, playwrightExecutablePath } = await import(pathToFileURL(join(root, 'dist', 'browser', 'find-browser.js')).href);
  try {
    const found = findBrowser(process.env, playwrightExecutablePath(chromium));
    say(`browser: ${found.executablePath ?? "Playwright's Chromium"} (${found.source})`);
    return true;
  } catch {
    return false;
  }
}

if (!(await browserFound())) {
  say('no Chromium found; trying Playwright\'s download (npx playwright install chromium)');
  const downloaded = run('npx', ['playwright', 'install', 'chromium'], { timeout: 300_000 }) && (await browserFound());
  if (!downloaded) {
    const isRoot = process.getuid?.() === 0;
    if (isRoot && existsSync('/usr/bin/apt-get')) {
      say('download not possible here; installing Debian\'s chromium with apt-get (running as root)');
      run('apt-get', ['update', '-q']);
      must('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'chromium']);
    }
    if (!(await browserFound())) {
      say('No browser available. Install one of: `npx playwright install chromium` (needs internet),');
      say('`sudo apt-get install -y chromium` (Debian) / `chromium-browser` (Ubuntu), or set PORTAL_LOGIN_BROWSER=/path/to/chrome.');
      process.exit(1);
    }
  }
}

// 4. For the test suite only (`setup.mjs --for-tests`): the real programs the tests hand exports to.
//    A fresh Debian machine may lack them; as root they come from apt, otherwise the tests name what is missing.
if (process.argv.includes('--for-tests')) {
  const hasCommand = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
  // command → the Debian package that brings it: export consumers, the IMAP server for email codes, the shared store.
  const needed = { curl: 'curl', wget: 'wget', python3: 'python3', dovecot: 'dovecot-imapd dovecot-lmtpd', 'redis-server': 'redis-server' };
  const missingCommands = Object.keys(needed).filter((name) => !hasCommand(name) && !existsSync(`/usr/sbin/${name}`));
  const missing = missingCommands.flatMap((name) => needed[name].split(' '));
  if (missing.length > 0) {
    const isRoot = process.getuid?.() === 0;
    if (isRoot && existsSync('/usr/bin/apt-get')) {
      say(`installing what the tests use: ${missing.join(', ')} (apt-get, running as root)`);
      run('apt-get', ['update', '-q']);
      must('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing]);
    } else {
      say(`the tests need ${missing.join(', ')}: install them (e.g. sudo apt-get install -y ${missing.join(' ')}).`);
      process.exit(1);
    }
  }
}
