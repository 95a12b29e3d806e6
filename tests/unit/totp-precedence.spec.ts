/**
 * The one merge of TOTP parameters (resolveTotpSpec): per parameter,
 * command-line flags > otpauth URI > account totp: > portal totp: > defaults.
 */
import { expect, test } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { validateConfig } from '../../config/load.js';
import { codeAt } from '../../totp/code.js';
import { DEFAULT_MIN_SECONDS_LEFT } from '../../totp/defaults.js';
import { resolveTotpSpec, TOTP_DEFAULTS, type TotpLayers, type TotpParams } from '../../totp/spec.js';

const BASE32 = 'JBSWY3DPEHPK3PXPGEZDGNBVGY3TQOJQ';
const uri = (query: string) => `otpauth://totp/ACME:alice?secret=${BASE32}${query ? `&${query}` : ''}`;
const NOW = Date.UTC(2026, 0, 5, 9, 0, 10);

interface Case {
  name: string;
  secret: string;
  layers: TotpLayers;
  want: TotpParams;
}

const CASES: Case[] = [
  { name: 'nothing set: the defaults', secret: BASE32, layers: {}, want: { digits: 6, period: 30, algorithm: 'SHA1' } },
  { name: 'portal over defaults', secret: BASE32, layers: { portal: { digits: 7, period: 45, algorithm: 'SHA256' } }, want: { digits: 7, period: 45, algorithm: 'SHA256' } },
  {
    name: 'account over portal, only for the keys it sets',
    secret: BASE32,
    layers: { account: { period: 60 }, portal: { digits: 7, period: 45, algorithm: 'SHA256' } },
    want: { digits: 7, period: 60, algorithm: 'SHA256' },
  },
  {
    name: 'URI over account and portal',
    secret: uri('digits=8&period=90&algorithm=SHA512'),
    layers: { account: { digits: 7, period: 60 }, portal: { digits: 6, period: 45, algorithm: 'SHA256' } },
    want: { digits: 8, period: 90, algorithm: 'SHA512' },
  },
  {
    name: 'keys the URI leaves out fall through to account, then portal (not otpauth\'s own defaults)',
    secret: uri('digits=8'),
    layers: { account: { period: 60 }, portal: { digits: 7, period: 45, algorithm: 'SHA256' } },
    want: { digits: 8, period: 60, algorithm: 'SHA256' },
  },
  {
    name: 'flags over the URI',
    secret: uri('digits=6&period=30&algorithm=SHA1'),
    layers: { flags: { digits: 8, period: 60, algorithm: 'SHA512' } },
    want: { digits: 8, period: 60, algorithm: 'SHA512' },
  },
  {
    name: 'flags over account and portal (totp --account X --digits 8)',
    secret: BASE32,
    layers: { flags: { digits: 8 }, account: { digits: 7 }, portal: { digits: 6, period: 30, algorithm: 'SHA1' } },
    want: { digits: 8, period: 30, algorithm: 'SHA1' },
  },
  {
    name: 'flags left undefined do not hide anything',
    secret: uri('period=60'),
    layers: { flags: { digits: undefined, period: undefined, algorithm: undefined }, account: { digits: 7 }, portal: { algorithm: 'SHA256' } },
    want: { digits: 7, period: 60, algorithm: 'SHA256' },
  },
  {
    name: 'one layer per key: flag digits, URI period, account algorithm',
    secret: uri('period=60&digits=7'),
    layers: { flags: { digits: 10 }, account: { algorithm: 'SHA512', period: 45 }, portal: { digits: 6, period: 30, algorithm: 'SHA1' } },
    want: { digits: 10, period: 60, algorithm: 'SHA512' },
  },
];

test.describe('resolveTotpSpec precedence', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const spec = resolveTotpSpec(c.secret, c.layers, 'test');
      expect({ digits: spec.digits, period: spec.period, algorithm: spec.algorithm }).toEqual(c.want);
      expect(spec.secret.base32).toBe(BASE32);
      // The code is computed with the merged parameters, not just labelled with them.
      const code = codeAt(spec, NOW);
      expect(code).toHaveLength(c.want.digits);
      expect(code).toBe(TOTP.generate({ secret: Secret.fromBase32(BASE32), ...c.want, timestamp: NOW }));
    });
  }
});

test('the config schema fills the same defaults that resolveTotpSpec falls back to', () => {
  const config = validateConfig(
    {
      portals: { p: { loginUrl: 'https://portal.example/login', success: { url: '/home' } } },
      accounts: { a: { portal: 'p', username: 'u', passwordEnv: 'P_PASSWORD', totpSecretEnv: 'P_TOTP' } },
    },
    'cfg.yaml',
  );
  expect(config.portals.p!.totp).toEqual({ ...TOTP_DEFAULTS, minSecondsLeft: DEFAULT_MIN_SECONDS_LEFT });
  expect(TOTP_DEFAULTS).toEqual({ digits: 6, period: 30, algorithm: 'SHA1' });
  expect(DEFAULT_MIN_SECONDS_LEFT).toBe(5);
});
