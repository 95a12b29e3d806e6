/**
 * API login benchmark, in-process: apiLogin (A: config parsed once, cookie
 * jar, classification, redaction, the TOTP source and its ledger) against
 * the same two requests with bare fetch (B, bench/api-bare.ts), on one demo
 * portal. One unmeasured warm-up of each, then rounds of A, B, so load from
 * elsewhere falls on both alike. The bin against bare fetch, both as
 * processes, is bench/api-cli-login.ts.
 */
import { totpCodeSource } from '../codes/totp-source.js';
import { apiFlowSchema } from '../config/api-flow-schema.js';
import { offsetClock, systemClock } from '../core/clock.js';
import { Redactor } from '../core/redact.js';
import { demoApiFlowInput } from '../demo-portal/api-config.js';
import { DEMO_APP_KEY, DEMO_PASSWORD, demoUser } from '../demo-portal/index.js';
import { apiLogin } from '../flows/http-api.js';
import { memoryStepLedger } from '../totp/step-ledger.js';
import { resolveTotpSpec } from '../totp/spec.js';
import { bareApiLogin } from './api-bare.js';
import { ratio, summarize, table } from './stats.js';
import type { UserPool } from './users.js';

/** The budget for portal-login over bare fetch. */
const TARGET_RATIO = 1.1;

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

type Side = 'A' | 'B';

/** One login of `username` by each side; resolves to its wall time (ms). */
function sides(portalUrl: string): Record<Side, (username: string) => Promise<number>> {
  const portal = apiFlowSchema.parse(demoApiFlowInput(portalUrl));
  // One ledger for A's whole run, as one machine has: the pool already keeps users out of used windows.
  const ledger = memoryStepLedger();
  const timed = async (login: () => Promise<unknown>) => {
    const started = performance.now();
    await login();
    return performance.now() - started;
  };
  return {
    A: (username) => {
      const spec = resolveTotpSpec(demoUser(username).totpSecret, {}, 'the bench');
      return timed(() =>
        apiLogin({
          portal,
          portalRef: 'bench: portals.api',
          username,
          password: DEMO_PASSWORD,
          appKey: DEMO_APP_KEY,
          // minSecondsLeft 0: B never waits for a window either.
          codeSource: (skewMs) => totpCodeSource({ spec, ledger, clock: offsetClock(systemClock, skewMs), minSecondsLeft: 0 }),
          redactor: new Redactor(),
          log: quiet,
          timeoutMs: 10_000,
        }),
      );
    },
    B: (username) => timed(() => bareApiLogin({ url: portalUrl, username, password: DEMO_PASSWORD, appKey: DEMO_APP_KEY, totpSecret: demoUser(username).totpSecret })),
  };
}

/** Runs the API bench against the portal at `portalUrl`, users from `pool`; returns the report's text. */
export async function apiBench(portalUrl: string, runs: number, pool: UserPool): Promise<string> {
  const login = sides(portalUrl);
  const once = async (side: Side) => {
    const user = await pool.take();
    try {
      return await login[side](user);
    } finally {
      pool.release(user);
    }
  };
  const warmUp = { A: await once('A'), B: await once('B') };
  process.stderr.write(`warm-up api: A ${warmUp.A.toFixed(1)} ms, B ${warmUp.B.toFixed(1)} ms\n`);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(await once('A'));
    b.push(await once('B'));
  }
  return apiReport(a, b);
}

function apiReport(a: number[], b: number[]): string {
  const [sa, sb] = [summarize(a), summarize(b)];
  const paired = summarize(a.map((ms, i) => ms / b[i]!)).median;
  const ms = (v: number) => v.toFixed(1);
  const verdict = sa.median / sb.median <= TARGET_RATIO ? 'TARGET MET' : 'TARGET MISSED';
  return [
    '',
    `API login (demo /api/auth/login + /api/auth/verify), in-process, ${a.length} runs per side interleaved A,B after 1 warm-up each:`,
    'A = apiLogin (flows/http-api.ts, TOTP source + ledger, cookie jar, redaction)   B = the same two requests with bare fetch (bench/api-bare.ts)',
    table([
      ['', 'A median ms', 'B median ms', 'A/B', 'paired A/B', 'A min..max ms', 'B min..max ms'],
      ['api', ms(sa.median), ms(sb.median), ratio(sa.median, sb.median), `${paired.toFixed(2)}×`, `${ms(sa.min)}..${ms(sa.max)}`, `${ms(sb.min)}..${ms(sb.max)}`],
    ]),
    '',
    table([['run', ...a.map((_, i) => String(i + 1))], ['A ms', ...a.map(ms)], ['B ms', ...b.map(ms)]]),
    `api: ${verdict}: median A/B = ${(sa.median / sb.median).toFixed(2)}× (target ≤ ${TARGET_RATIO.toFixed(1)}×, in-process: no start-up on either side; the bin as a process follows)`,
    '',
  ].join('\n');
}
