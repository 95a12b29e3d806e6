/**
 * The `capture:` and `alerts:` config keys: one schema branch per `from`,
 * each with its own keys and messages; defaults filled once (no captures,
 * no webhooks, json format); and the dot-path reader response captures use.
 */
import { expect, test } from '@playwright/test';
import { browserPortal } from '../support/portals.js';
import { validateConfig } from '../../config/load.js';
import { fieldAt } from '../../session/capture.js';

const base = (portal: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  ...top,
  portals: { acme: { loginUrl: 'https://acme.example/login', success: { url: '/home' }, ...portal } },
  accounts: { main: { portal: 'acme', username: 'u', passwordEnv: 'P', totpSecretEnv: 'T' } },
});

/** The message lines of the CONFIG_INVALID error for `raw`. */
function problems(raw: unknown): string {
  try {
    validateConfig(raw, 'test.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be invalid');
}

test('defaults: no captures, no webhooks', () => {
  const config = validateConfig(base(), 'test.yaml');
  expect(browserPortal(config, 'acme').capture).toEqual({});
  expect(config.portals.acme!.alerts).toEqual({ webhooks: [] });
  expect(config.alerts).toEqual({ webhooks: [] });
});

test('each capture kind parses with its own keys; a webhook format defaults to json', () => {
  const capture = {
    A: { from: 'localStorage', key: 'token' },
    B: { from: 'sessionStorage', key: 'token', origin: 'https://api.acme.example' },
    C: { from: 'response', url: '/api/verify$', json: 'data.token' },
    D: { from: 'response', url: '/api/login', header: 'x-auth' },
    E: { from: 'cookie', name: 'XSRF' },
  };
  const config = validateConfig(base({ capture, alerts: { webhooks: [{ url: 'https://hooks.example/p' }] } }, { alerts: { webhooks: [{ url: 'https://hooks.slack.example/x', format: 'slack' }] } }), 'test.yaml');
  expect(browserPortal(config, 'acme').capture).toEqual(capture);
  expect(config.portals.acme!.alerts.webhooks).toEqual([{ url: 'https://hooks.example/p', format: 'json' }]);
  expect(config.alerts.webhooks).toEqual([{ url: 'https://hooks.slack.example/x', format: 'slack' }]);
});

test('capture mistakes are reported at once, each at its path', () => {
  const message = problems(
    base({
      capture: {
        BOTH: { from: 'response', url: '/x', json: 'a', header: 'b' },
        NEITHER: { from: 'response', url: '/x' },
        BADRE: { from: 'response', url: '(', json: 'a' },
        KIND: { from: 'indexedDB', key: 'a' },
        EXTRA: { from: 'cookie', name: 'a', key: 'b' },
        'bad-name': { from: 'cookie', name: 'a' },
      },
      alerts: { webhooks: [{ url: 'file:///etc/passwd', format: 'teams' }] },
    }),
  );
  expect(message).toContain('portals.acme.capture.BOTH: say what to read from the response: set exactly one of json (a dot path) or header (a header name)');
  expect(message).toContain('portals.acme.capture.NEITHER: say what to read from the response');
  expect(message).toContain('portals.acme.capture.BADRE.url: must be a valid (JavaScript) regular expression');
  expect(message).toMatch(/portals\.acme\.capture\.KIND\.from: .*localStorage/);
  expect(message).toContain('portals.acme.capture.EXTRA: Unrecognized key');
  expect(message).toContain('portals.acme.capture.bad-name: capture names may use letters, digits and _');
  expect(message).toContain('portals.acme.alerts.webhooks.0.url: must be an http:// or https:// URL');
  expect(message).toContain('portals.acme.alerts.webhooks.0.format');
});

test('fieldAt reads strings and numbers at a dot path, nothing else', () => {
  const body = { token: 'abc', data: { token: 'nested', n: 42, list: [{ id: 'first' }], obj: { a: 1 } } };
  expect(fieldAt(body, 'token')).toBe('abc');
  expect(fieldAt(body, 'data.token')).toBe('nested');
  expect(fieldAt(body, 'data.n')).toBe('42');
  expect(fieldAt(body, 'data.list.0.id')).toBe('first');
  expect(fieldAt(body, 'data.obj')).toBeUndefined();
  expect(fieldAt(body, 'data.missing.deeper')).toBeUndefined();
  expect(fieldAt('not an object', 'token')).toBeUndefined();
});
