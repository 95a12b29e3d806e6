import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { loadConfigFile } from '../../config/load.js';
import { ROOT } from '../support/cli.js';

// The README points users at config/example.yaml: it must stay valid.
test('config/example.yaml is a valid config with defaults filled', async () => {
  const { config } = await loadConfigFile(join(ROOT, 'config/example.yaml'));
  expect(Object.keys(config.accounts)).toEqual(['main', 'family', 'mailed', 'api']);
  expect(Object.values(config.accounts).map((a) => a.code.source)).toEqual(['totp', 'totp', 'email', 'command']);
  expect(config.portals.brokerapi!.flow).toBe('api');
  expect(config.portals.pocketful!.totp).toEqual({ digits: 6, period: 30, algorithm: 'SHA1', minSecondsLeft: 5 });
  expect(config.stateDir).toBe(join(ROOT, 'config/.portal-login/state'));
});
