// Loaded into the CLI with NODE_OPTIONS=--import. Kills the process with
// SIGKILL (no finally, no clean-up) the moment it reads a trace zip: the raw
// trace is complete and scrubbing is about to start. Simulates a CI job
// cancelled or OOM-killed mid-scrub, without depending on timing.
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const readFile = fsp.readFile;
fsp.readFile = function (path, ...rest) {
  if (String(path).endsWith('.zip')) process.kill(process.pid, 'SIGKILL');
  return readFile.call(this, path, ...rest);
};
syncBuiltinESMExports(); // so `import { readFile } from 'node:fs/promises'` sees it too
