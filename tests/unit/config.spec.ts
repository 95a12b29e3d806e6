/**
 * Config: YAML file → validated config with defaults filled once; every
 * problem reported at once as `dotted.path: message`; accounts selected and
 * their secrets read from env/.env, reported all together, never echoed.
 */
import { expect, test } from '@playwright/test';
import { browserPortal } from '../support/portals.js';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAccounts, selectAccounts, type ResolvedAccount } from '../../config/accounts.js';
import { describeMissingVariable, loadEnv } from '../../config/env.js';
import { loadConfigFile, validateConfig } from '../../config/load.js';
import { PortalLoginError } from '../../core/errors.js';
import { Redactor } from '../../core/redact.js';
import { codeAt } from '../../totp/code.js';
import { resolveTotpSpec } from '../../totp/spec.js';
import { memoryStepLedger } from '../../totp/step-ledger.js';
import { createLogger } from '../../core/log.js';
import YAML from 'yaml';

const SECRET = 'JBSWY3DPEHPK3PXPGEZDGNBVGY3TQOJQ';
const PASSWORD = 'correct horse "battery"';

const VALID_YAML = `
stateDir: ../state
portals:
  acme:
    loginUrl: https://broker.example.com/login
    success:
      url: /dashboard
  beta:
    loginUrl: https://beta.example.com/
    success: { cookie: session }
    totp: { digits: 8, minSecondsLeft: 10 }
accounts:
  main:
    portal: acme
    username: alice
    passwordEnv: ACME_PASSWORD
    totpSecretEnv: ACME_TOTP_SECRET
  other:
    portal: beta
    username: bob
    passwordEnv: BETA_PASSWORD
    totpSecretEnv: BETA_TOTP_SECRET
    totp: { period: 60 }
`;

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portal-login-config-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeConfig(text: string, name = 'portal-login.yaml'): Promise<string> {
  await mkdir(join(dir, 'conf'), { recursive: true });
  const file = join(dir, 'conf', name);
  await writeFile(file, text);
  return file;
}

/** Runs `fn` (sync or async) and returns the PortalLoginError it throws. */
async function failure(fn: () => unknown): Promise<PortalLoginError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PortalLoginError);
    return error as PortalLoginError;
  }
  throw new Error('expected a PortalLoginError, nothing was thrown');
}

const said = (e: PortalLoginError) => `${e.message}\n${e.hint ?? ''}`;

test('a valid YAML file loads with defaults filled and dirs resolved against its folder', async () => {
  const file = await writeConfig(VALID_YAML);
  const { config, source } = await loadConfigFile(file);
  expect(source).toBe(file);
  expect(config.stateDir).toBe(join(dir, 'state'));
  expect(config.artifactsDir).toBe(join(dir, 'conf', '.portal-login', 'artifacts'));
  const acme = browserPortal(config, 'acme');
  expect(acme.totp).toEqual({ digits: 6, period: 30, algorithm: 'SHA1', minSecondsLeft: 5 });
  expect(acme.blockResources).toBe(true);
  expect(acme.selectors).toEqual({});
  expect(acme.storage).toEqual({ indexedDB: false, sessionStorage: false });
  expect(config.accounts.main).toMatchObject({ portal: 'acme', username: 'alice', passwordEnv: 'ACME_PASSWORD' });
});

test('every problem is reported at once, with dotted paths and the file name', async () => {
  const file = await writeConfig(`
portals:
  acme:
    loginUrll: https://broker.example.com/login
    success: { url: /dashboard }
  beta:
    loginUrl: not a url
    success: {}
accounts:
  main: { portal: nope, username: alice, passwordEnv: ACME_PASSWORD, totpSecretEnv: ACME_TOTP }
  other: { portal: beta, username: bob, passwordEnv: "hunter2!Secret", totpSecretEnv: BETA_TOTP }
`, 'broken.yaml');
  const error = await failure(() => loadConfigFile(file));
  expect(error.code).toBe('CONFIG_INVALID');
  expect(error.message).toContain(file);
  const paths = ['portals.acme', 'portals.beta.loginUrl', 'portals.beta.success', 'accounts.main.portal', 'accounts.other.passwordEnv'];
  for (const path of paths) expect(error.message, `reports ${path}`).toContain(`  - ${path}:`);
  expect(error.message).toContain('loginUrll');
  expect(error.message).not.toContain('hunter2!Secret');
});

test('a secret pasted where a variable NAME belongs: CONFIG_INVALID naming the key, never the value', async () => {
  const pasted = { password: 'p@ss w0rd!', number: 20260105, otpauth: `otpauth://totp/ACME:alice?secret=${SECRET}` };
  const file = await writeConfig(`
portals:
  acme: { loginUrl: https://broker.example.com/login, success: { url: /dashboard } }
accounts:
  main: { portal: acme, username: alice, passwordEnv: "${pasted.password}", totpSecretEnv: "${pasted.otpauth}" }
  other: { portal: acme, username: bob, passwordEnv: ${pasted.number}, totpSecretEnv: BETA_TOTP }
`, 'pasted.yaml');
  const error = await failure(() => loadConfigFile(file));
  expect(error.code).toBe('CONFIG_INVALID');
  for (const key of ['accounts.main.passwordEnv', 'accounts.main.totpSecretEnv', 'accounts.other.passwordEnv']) {
    expect(error.message).toMatch(new RegExp(`  - ${key.replace(/\./g, '\\.')}: must be the NAME of the environment variable that holds the secret .*not the secret itself`));
  }
  for (const value of [pasted.password, String(pasted.number), SECRET, 'otpauth://']) expect(said(error)).not.toContain(value);
});

test('an account pointing at an unknown portal names the portals that exist', async () => {
  const error = await failure(() =>
    validateConfig({ portals: { acme: { loginUrl: 'https://a.example/', success: { url: 'x' } } }, accounts: { main: { portal: 'nope', username: 'a', passwordEnv: 'P', totpSecretEnv: 'T' } } }, 'inline.yaml'),
  );
  expect(error.code).toBe('CONFIG_INVALID');
  expect(error.message).toMatch(/inline\.yaml[\s\S]*accounts\.main\.portal: unknown portal "nope"; defined portals: acme/);
});

test('code sources: each kind has its own keys; totpSecretEnv is the short form; every mistake is named at its path', async () => {
  const portals = { acme: { loginUrl: 'https://a.example/', success: { url: 'x' } } };
  const account = (extra: Record<string, unknown>) => ({ portal: 'acme', username: 'a', passwordEnv: 'P', ...extra });
  const ok = validateConfig({ portals, accounts: { short: account({ totpSecretEnv: 'T' }), long: account({ code: { source: 'totp', secretEnv: 'T' } }), cmd: account({ code: { source: 'command', command: ['oathtool', '--totp'] } }), ask: account({ code: { source: 'prompt' } }) } }, 'inline.yaml');
  expect(ok.accounts.short!.code).toEqual({ source: 'totp', secretEnv: 'T' });
  expect(ok.accounts.short!.codeKey).toBe('totpSecretEnv');
  expect(ok.accounts.long!.code).toEqual({ source: 'totp', secretEnv: 'T' });
  expect(ok.accounts.long!.codeKey).toBe('code');
  expect(ok.accounts.cmd!.code).toEqual({ source: 'command', command: ['oathtool', '--totp'], shell: false, pattern: '\\b(\\d{4,10})\\b', timeoutSeconds: 30, method: 'totp' });
  expect(ok.accounts.ask!.code).toEqual({ source: 'prompt', timeoutSeconds: 300, method: 'totp' });
  const error = await failure(() =>
    validateConfig({
      portals,
      accounts: {
        none: account({}),
        both: account({ totpSecretEnv: 'T', code: { source: 'totp', secretEnv: 'T' } }),
        unknown: account({ code: { source: 'carrier-pigeon' } }),
        extra: account({ code: { source: 'prompt', secretEnv: 'T' } }),
        totpOnCommand: account({ code: { source: 'command', command: ['x'] }, totp: { digits: 8 } }),
        pasted: account({ code: { source: 'totp', secretEnv: 'JBSWY3DP EHPK3PXP' } }),
      },
    }, 'inline.yaml'),
  );
  expect(error.code).toBe('CONFIG_INVALID');
  expect(error.message).toContain('accounts.none: say where the code comes from: totpSecretEnv');
  expect(error.message).toContain('accounts.both.totpSecretEnv: give either totpSecretEnv or code, not both');
  expect(error.message).toContain('accounts.unknown.code.source: source must be one of totp, email, vault, command, prompt');
  expect(error.message).toMatch(/accounts\.extra\.code: .*secretEnv/);
  expect(error.message).toContain('accounts.totpOnCommand.totp: totp: parameters apply to TOTP codes only');
  expect(error.message).toContain('accounts.pasted.code.secretEnv: must be the NAME of the environment variable');
  expect(said(error)).not.toContain('JBSWY3DP');
});

test('a success.url that is not a regular expression is a config error, not a failed login', async () => {
  const error = await failure(() =>
    validateConfig({ portals: { acme: { loginUrl: 'https://a.example/', success: { url: '/account(' } } }, accounts: {} }, 'inline.yaml'),
  );
  expect(error.code).toBe('CONFIG_INVALID');
  expect(error.message).toContain('portals.acme.success.url: must be a valid (JavaScript) regular expression');
});

test('a missing file is CONFIG_INVALID and says where it looked', async () => {
  const error = await failure(() => loadConfigFile(join(dir, 'nowhere.yaml')));
  expect(error.code).toBe('CONFIG_INVALID');
  expect(error.message).toContain(join(dir, 'nowhere.yaml'));
});

test('invalid YAML is CONFIG_INVALID naming the file, with a hint giving the line and column', async () => {
  const file = await writeConfig('portals:\n  acme: [unclosed\n  : :\n', 'bad.yaml');
  const error = await failure(() => loadConfigFile(file));
  expect(error.code).toBe('CONFIG_INVALID');
  expect(error.message).toContain(file);
  expect(error.message).toMatch(/YAML/);
  expect(error.hint).toContain(`Fix line 3, column 3 of ${file}: indent with spaces`);
});

test('a YAML error on a line holding a value: the hint points at it, neither message nor hint quotes it', async () => {
  const file = await writeConfig(`accounts:\n  main:\n\tpasswordEnv: ${PASSWORD}\n`, 'tabs.yaml');
  const error = await failure(() => loadConfigFile(file));
  expect(error.code).toBe('CONFIG_INVALID');
  expect(error.hint).toContain(`Fix line 3, column 1 of ${file}`);
  expect(error.hint).toContain('not tabs');
  expect(said(error)).not.toContain('horse');
});

test.describe('accounts', () => {
  const config = () => validateConfig(YAML.parse(VALID_YAML), 'cfg.yaml');
  const env = { ACME_PASSWORD: PASSWORD, ACME_TOTP_SECRET: `  ${SECRET.toLowerCase().match(/.{4}/g)!.join(' ')} `, BETA_PASSWORD: 'beta-pass', BETA_TOTP_SECRET: SECRET };

  test('selectAccounts: all when none named; named ones deduplicated', () => {
    expect(selectAccounts(config(), [], 'cfg.yaml')).toEqual(['main', 'other']);
    expect(selectAccounts(config(), ['other', 'other'], 'cfg.yaml')).toEqual(['other']);
  });

  test('unknown account names → UNKNOWN_ACCOUNT naming them and listing the known ones', async () => {
    const error = await failure(() => selectAccounts(config(), ['main', 'mian', 'ghost'], 'cfg.yaml'));
    expect(error.code).toBe('UNKNOWN_ACCOUNT');
    expect(said(error)).toContain('"mian"');
    expect(said(error)).toContain('"ghost"');
    expect(said(error)).toMatch(/main, other/);
  });

  test('missing variables for two accounts → ONE MISSING_SECRET listing all with config paths', async () => {
    const error = await failure(() => resolveAccounts(config(), ['main', 'other'], { BETA_PASSWORD: 'x', ACME_PASSWORD: '  ' }, 'cfg.yaml', new Redactor()));
    expect(error.code).toBe('MISSING_SECRET');
    for (const line of ['ACME_PASSWORD (cfg.yaml: accounts.main.passwordEnv)', 'ACME_TOTP_SECRET (cfg.yaml: accounts.main.totpSecretEnv)', 'BETA_TOTP_SECRET (cfg.yaml: accounts.other.totpSecretEnv)']) {
      expect(error.message).toContain(line);
    }
    expect(error.message).not.toContain('BETA_PASSWORD');
  });

  test('a secret pasted as a variable name that passes as one → MISSING_SECRET naming the key, not the value', async () => {
    // A base32 TOTP secret (upper or lower case) and a letters-and-digits password are valid variable names.
    const pasted = { totp: SECRET.slice(0, 16), password: 'hunter2hunter2' };
    const raw = YAML.parse(VALID_YAML) as { accounts: Record<string, Record<string, string>> };
    Object.assign(raw.accounts.main!, { passwordEnv: pasted.password, totpSecretEnv: pasted.totp });
    Object.assign(raw.accounts.other!, { totpSecretEnv: pasted.totp.toLowerCase() });
    const redactor = new Redactor();
    const error = await failure(() => resolveAccounts(validateConfig(raw, 'cfg.yaml'), ['main', 'other'], env, 'cfg.yaml', redactor));
    expect(error.code).toBe('MISSING_SECRET');
    for (const key of ['accounts.main.passwordEnv', 'accounts.main.totpSecretEnv', 'accounts.other.totpSecretEnv']) {
      expect(error.message).toContain(`a variable whose name looks like the secret itself, not shown (cfg.yaml: ${key})`);
    }
    expect(error.hint).toContain('hold the NAME of an environment variable');
    for (const value of [pasted.totp, pasted.password, pasted.totp.toLowerCase()]) expect(said(error)).not.toContain(value);
    expect(redactor.redact(`${pasted.totp} ${pasted.password}`)).toBe('[REDACTED] [REDACTED]');
  });

  test('which missing names are shown: ordinary variable names yes, secret-looking ones no', () => {
    const rows: Array<[string, boolean]> = [
      ['ACME_PASSWORD', true],
      ['BROKER_TOTP_SECRET', true],
      ['TOTP', true],
      ['PASSWORD2', true],
      ['brokerPassword', true],
      ['JBSWY3DPEHPK3PXP', false], // base32, 16 characters
      ['jbswy3dpehpk3pxp', false],
      ['hunter2', false],
      ['Summer2026', false],
    ];
    for (const [name, shown] of rows) expect(describeMissingVariable(name, 'x').includes(name), name).toBe(shown);
  });

  test('an env value that is not base32 → SECRET_INVALID naming the variable, not the value', async () => {
    const bad = 'NOT-A-SECRET-0189-VALUE';
    const error = await failure(() => resolveAccounts(config(), ['main'], { ...env, ACME_TOTP_SECRET: bad }, 'cfg.yaml', new Redactor()));
    expect(error.code).toBe('SECRET_INVALID');
    expect(error.message).toContain('ACME_TOTP_SECRET');
    expect(said(error)).not.toContain(bad);
    expect(said(error)).not.toContain('0189');
  });

  test('TOTP params: account overrides only what it sets, over the portal, over defaults', async () => {
    const [main, other] = resolveAccounts(config(), ['main', 'other'], env, 'cfg.yaml', new Redactor());
    // Seen through the codes the sources issue: the code's length is its digits; a period shows as the same code 40 s later.
    expect(await issued(main!, [0, 40_000])).toEqual({ lengths: [6, 6], sameCode: false, waitedMs: 0 });
    // beta sets digits 8 and minSecondsLeft 10; account "other" sets only period 60.
    expect(await issued(other!, [0, 40_000])).toEqual({ lengths: [8, 8], sameCode: true, waitedMs: 0 });
    // 52 s into a 60 s window leaves 8 s, under other's 10: it waits the 8 s for the next window.
    expect((await issued(other!, [52_000])).waitedMs).toBe(8_000);
    // main keeps the default 5: 24 s into a 30 s window leaves 6 s, enough.
    expect((await issued(main!, [24_000])).waitedMs).toBe(0);
  });

  test('resolved accounts carry the secrets, and the redactor now hides them', async () => {
    const redactor = new Redactor();
    const [main] = resolveAccounts(config(), ['main'], env, 'cfg.yaml', redactor);
    expect(main!.password).toBe(PASSWORD);
    const spec = resolveTotpSpec(SECRET, {}, 'test');
    const { codes } = await issuedCodes(main!, [0]);
    expect(codes[0]).toBe(codeAt(spec, 0));
    const log = `user=alice pw=${PASSWORD} raw=${env.ACME_TOTP_SECRET} b32=${SECRET} json=${JSON.stringify({ p: PASSWORD })}`;
    const out = redactor.redact(log);
    for (const secret of [PASSWORD, SECRET, env.ACME_TOTP_SECRET.trim(), 'horse \\"battery\\"']) expect(out).not.toContain(secret);
    expect(out).toContain('user=alice');
    expect(redactor.leaks(out)).toBe(false);
  });
});

/** Codes the account's source issues at each of `times` (ms since the epoch), on a clock that records its waits. */
async function issuedCodes(account: ResolvedAccount, times: number[]): Promise<{ codes: string[]; waitedMs: number }> {
  let now = 0;
  let waitedMs = 0;
  const clock = { now: () => now, sleep: async (ms: number) => void ((waitedMs += ms), (now += ms)) };
  const codes: string[] = [];
  for (const at of times) {
    now = at;
    const source = account.codeSource({ clock, ledger: memoryStepLedger(), redactor: new Redactor(), log: silentLogger(), env: {} });
    codes.push((await source.next({ afterRejection: false, requestedAt: at })).code);
  }
  return { codes, waitedMs };
}

async function issued(account: ResolvedAccount, times: number[]): Promise<{ lengths: number[]; sameCode: boolean; waitedMs: number }> {
  const { codes, waitedMs } = await issuedCodes(account, times);
  return { lengths: codes.map((c) => c.length), sameCode: new Set(codes).size === 1, waitedMs };
}

test.describe('loadEnv', () => {
  test('.env values are used, real env wins, process.env is untouched', async () => {
    const dotenv = join(dir, '.env');
    await writeFile(dotenv, 'PL_TEST_ONLY_IN_FILE=from-file\nPL_TEST_IN_BOTH=from-file\n');
    const before = { ...process.env };
    const env = loadEnv({ dotenvPath: dotenv, processEnv: { PL_TEST_IN_BOTH: 'real', PL_TEST_REAL_ONLY: 'real-only' } });
    expect(env.PL_TEST_ONLY_IN_FILE).toBe('from-file');
    expect(env.PL_TEST_IN_BOTH).toBe('real');
    expect(env.PL_TEST_REAL_ONLY).toBe('real-only');
    const defaulted = loadEnv({ dotenvPath: dotenv });
    expect(defaulted.PL_TEST_ONLY_IN_FILE).toBe('from-file');
    expect(defaulted.PATH).toBe(process.env.PATH);
    expect(process.env).toEqual(before);
    expect(process.env.PL_TEST_ONLY_IN_FILE).toBeUndefined();
  });

  test('no .env file: just the given environment', () => {
    expect(loadEnv({ dotenvPath: join(dir, 'absent.env'), processEnv: { A: '1', B: undefined } })).toEqual({ A: '1' });
  });
});

test('loginUrl and probeUrl must be http(s): file: and javascript: URLs are refused with the key named', async () => {
  for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ftp://broker.example.com/']) {
    const file = await writeConfig(`
portals:
  acme: { loginUrl: "${url}", success: { probeUrl: "${url}" } }
accounts:
  main: { portal: acme, username: alice, passwordEnv: ACME_PASSWORD, totpSecretEnv: ACME_TOTP }
`, 'schemes.yaml');
    const error = await failure(() => loadConfigFile(file));
    expect(error.code, url).toBe('CONFIG_INVALID');
    expect(error.message, url).toContain('  - portals.acme.loginUrl: must be an http:// or https:// URL');
    expect(error.message, url).toContain('  - portals.acme.success.probeUrl: must be an http:// or https:// URL');
  }
});

test('selectors are checked as Playwright selectors when the config loads; a bad one is CONFIG_INVALID naming the key', async () => {
  const withSelectors = (selectors: Record<string, string>, successSelector?: string) =>
    validateConfig({ portals: { acme: { loginUrl: 'https://a.example/', selectors, success: successSelector ? { selector: successSelector } : { url: 'x' } } }, accounts: {} }, 'inline.yaml');
  for (const good of ['#username', 'input[name="otp"]', 'text=Sign in', "role=button[name='Log in']", 'iframe#login >> internal:control=enter-frame >> #user', 'css=form >> nth=0', '//input[@name="u"]']) {
    expect(() => withSelectors({ username: good }), good).not.toThrow();
  }
  const bad: Array<[string, string, RegExp]> = [
    ['username', 'input[name="user"', /portals\.acme\.selectors\.username: is not a Playwright selector: it has an unclosed "\["/],
    ['code', 'input[name="otp]', /selectors\.code: .*unclosed " quote/],
    ['submit', 'form >> ', /selectors\.submit: .*empty part around ">>"/],
    ['password', 'xpth=//input', /selectors\.password: .*unknown selector engine "xpth="/],
    ['error', 'div.error)', /selectors\.error: .*unmatched "\)"/],
  ];
  for (const [key, selector, message] of bad) {
    const error = await failure(() => withSelectors({ [key]: selector }));
    expect(error.code, selector).toBe('CONFIG_INVALID');
    expect(error.message, selector).toMatch(message);
  }
  const success = await failure(() => withSelectors({}, 'text='));
  expect(success.message).toMatch(/portals\.acme\.success\.selector: .*nothing after "text="/);
});

function silentLogger() {
  return createLogger({ redactor: new Redactor(), verbose: false, write: () => undefined });
}
