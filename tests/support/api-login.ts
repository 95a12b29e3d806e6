/**
 * apiLogin against a clocked demo portal (tests/support/clocked-demo.ts):
 * this machine's clock is the demo's clock plus an offset, and sleeping
 * moves the demo's clock, so a wait for the next TOTP window takes no time.
 */
import { apiFlowSchema, type ApiFlowInput } from '../../config/api-flow-schema.js';
import type { CodeSource } from '../../codes/code-source.js';
import { totpCodeSource } from '../../codes/totp-source.js';
import { offsetClock, type Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { Redactor } from '../../core/redact.js';
import { DEMO_APP_KEY, DEMO_PASSWORD, demoUser } from '../../demo-portal/index.js';
import { demoApiFlowInput } from '../../demo-portal/api-config.js';
import { apiLogin, type ApiLoginInput, type ApiLoginResult } from '../../flows/http-api.js';
import { memoryStepLedger, type StepLedger } from '../../totp/step-ledger.js';
import { resolveTotpSpec } from '../../totp/spec.js';
import type { Demo } from './clocked-demo.js';

export interface ApiRun {
  input: ApiLoginInput;
  /** Every line the flow logged, as it logged it (before any redaction). */
  lines: string[];
}

export interface ApiRunOptions {
  username?: string;
  password?: string;
  /** null: no app key at all (no appKeyEnv). */
  appKey?: string | null;
  /** The TOTP secret the code source uses; default the user's own. */
  totpSecret?: string;
  /** This machine's clock minus the demo's (ms). */
  localOffsetMs?: number;
  /** Changes to the demo's API config before it is parsed. */
  edit?: (config: ApiFlowInput) => void;
  /** Replaces the TOTP source. */
  codeSource?: (skewMs: number) => CodeSource;
  /** Shared between runs to play one machine's used-window ledger; a new one per run by default. */
  ledger?: StepLedger;
  timeoutMs?: number;
}

/** This machine's clock as the test sees it: the demo's plus an offset; a sleep moves both. */
export function localClock(demo: Demo, offsetMs = 0): Clock {
  return {
    now: () => demo.clock.ms + offsetMs,
    sleep: async (ms) => {
      demo.clock.ms += Math.max(0, ms);
    },
  };
}

/** The input apiLogin gets in a test, with a recording logger. */
export function apiRun(demo: Demo, options: ApiRunOptions = {}): ApiRun {
  const username = options.username ?? 'demo01';
  const config = demoApiFlowInput(demo.portal.url);
  options.edit?.(config);
  const clock = localClock(demo, options.localOffsetMs ?? 0);
  const lines: string[] = [];
  const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`), debug: (m) => lines.push(`debug: ${m}`) };
  const ledger = options.ledger ?? memoryStepLedger();
  const secret = options.totpSecret ?? demoUser(username === 'broken' ? 'demo01' : username).totpSecret;
  const totp = (skewMs: number) => totpCodeSource({ spec: resolveTotpSpec(secret, {}, 'the test'), ledger, clock: offsetClock(clock, skewMs), minSecondsLeft: 5 });
  const appKey = options.appKey === undefined ? DEMO_APP_KEY : options.appKey;
  const input: ApiLoginInput = {
    portal: apiFlowSchema.parse(config),
    portalRef: 'test.yaml: portals.api',
    username,
    password: options.password ?? DEMO_PASSWORD,
    ...(appKey === null ? {} : { appKey }),
    codeSource: options.codeSource ?? totp,
    redactor: new Redactor(),
    log,
    timeoutMs: options.timeoutMs ?? 10_000,
    clock,
  };
  return { input, lines };
}

/** Runs apiLogin; resolves to its result or to the error it threw (never rejects). */
export async function settle(run: ApiRun): Promise<ApiLoginResult | unknown> {
  return apiLogin(run.input).catch((error: unknown) => error);
}
