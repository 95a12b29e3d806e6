import type { BrowserInBackground } from '../browser/launch.js';
import type { CodeSource } from '../codes/code-source.js';
import type { ResolvedAccount } from '../config/accounts.js';
import type { PortalConfig } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import type { Redactor } from '../core/redact.js';
import type { Session } from '../session/model.js';

/**
 * A flow kind logs one account in and returns its session; the runner
 * (app/login.ts) does everything around it (lock, timing, result, save,
 * alerts) and never knows which kind it called (flows/kinds.ts).
 */
export interface FlowInput<P extends PortalConfig = PortalConfig> {
  account: ResolvedAccount;
  /** The account's portal, as the kind it is. */
  portal: P;
  /** Builds the account's code source once the portal's clock offset (ms) is known; the runner closes it. */
  codes: (portalClockOffsetMs: number) => CodeSource;
  /** Pages for flows that drive a browser; Chromium starts on the first page asked for. */
  browser: Pick<BrowserInBackground, 'newPage'>;
  /** Config file name, for messages. */
  source: string;
  artifactsDir: string;
  /** Where sessions are saved on this machine; the fast path keeps its recipes there (flows/fast-path/). */
  stateDir: string;
  /** Per-step timeout (ms). */
  timeoutMs: number;
  trace: boolean;
  redactor: Redactor;
  log: Logger;
}

export interface FlowResult {
  session: Session;
  /** Portal clock minus ours (ms); 0 when within noise. */
  skewMs: number;
}

export interface Flow<P extends PortalConfig = PortalConfig> {
  /** Whether the flow needs Chromium (a run whose accounts need none never starts it). */
  readonly usesBrowser: boolean;
  run(input: FlowInput<P>): Promise<FlowResult>;
}
