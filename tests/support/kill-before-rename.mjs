// Loaded with NODE_OPTIONS=--import (or node --import). Kills the process
// with SIGKILL (no finally, no clean-up) the moment a temp file is about to
// be renamed onto PORTAL_LOGIN_TEST_KILL_BEFORE_RENAME: the new session is
// complete in its temp file, the old one still in place. Simulates kill -9
// (OOM, a cancelled CI job) mid-save without depending on timing.
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const target = process.env.PORTAL_LOGIN_TEST_KILL_BEFORE_RENAME;
const rename = fsp.rename;
fsp.rename = function (from, to, ...rest) {
  if (target && String(from).endsWith('.tmp') && String(to) === target) process.kill(process.pid, 'SIGKILL');
  return rename.call(this, from, to, ...rest);
};
syncBuiltinESMExports(); // so `import { rename } from 'node:fs/promises'` sees it too
