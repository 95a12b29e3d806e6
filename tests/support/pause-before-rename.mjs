// Loaded with NODE_OPTIONS=--import. Holds a save at its last step: before a
// temp file is renamed onto PORTAL_LOGIN_TEST_PAUSE_BEFORE_RENAME, waits
// until a file named like it plus `.go` exists. The run is then mid-save,
// holding its account's lock, for as long as the test wants, without
// depending on timing.
import { existsSync } from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const target = process.env.PORTAL_LOGIN_TEST_PAUSE_BEFORE_RENAME;
const rename = fsp.rename;
fsp.rename = async function (from, to, ...rest) {
  if (target && String(from).endsWith('.tmp') && String(to) === target) {
    while (!existsSync(`${target}.go`)) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return rename.call(this, from, to, ...rest);
};
syncBuiltinESMExports(); // so `import { rename } from 'node:fs/promises'` sees it too
