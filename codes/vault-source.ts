import { createHash } from 'node:crypto';
import { Secret } from 'otpauth';
import type { VaultCodeConfig } from '../config/vault-code-schema.js';
import type { Clock } from '../core/clock.js';
import { PortalLoginError } from '../core/errors.js';
import type { Redactor } from '../core/redact.js';
import { timeStep } from '../totp/code.js';
import { chooseStep } from '../totp/freshness.js';
import type { StepLedger } from '../totp/step-ledger.js';
import type { TotpSpec } from '../totp/spec.js';
import type { CodeRequest, CodeSource, IssuedCode } from './code-source.js';
import { requestCode, type VaultCode, type VaultEndpoint } from './vault-client.js';

export interface VaultSourceOptions {
  config: VaultCodeConfig;
  token: string;
  /** `accounts.NAME.code`, for messages. */
  ref: string;
  /** The portal's clock (this machine's clock corrected by the measured skew). */
  clock: Clock;
  /** The run's used-window ledger: with a server that does not track windows (Vault), this run keeps the no-reuse rule itself. */
  ledger: StepLedger;
  redactor: Redactor;
  /** The portal's TOTP period (s): the key's, with Vault, which does not say it in the code reply. */
  periodSeconds: number;
  /** Seconds a code must still be valid for when submitted. */
  minSecondsLeft: number;
}

/** How often to ask Vault again while it still gives the code already issued (its clock a little behind ours, ms). */
const SAME_CODE_POLL_MS = 1000;

/**
 * Codes from a Vault TOTP engine API. The server's kind is learned before
 * anything is typed (`opened`): `portal-login serve` says `seconds_left` and
 * `step`, and is then asked for `min_seconds_left` and `unused=true`, so no
 * two clients anywhere get the same window. Vault says neither, so this run
 * applies the rules itself: the window from the clock and the portal's
 * period, fresh enough, claimed in the used-window ledger as a local TOTP
 * code is, and never a code it has already issued.
 */
export function vaultCodeSource(options: VaultSourceOptions): CodeSource {
  const { config, clock } = options;
  const endpoint: VaultEndpoint = { config, token: options.token, ref: options.ref, clock };
  let server: 'ours' | 'vault' | undefined;
  const issued = new Set<string>();
  const open = async (): Promise<'ours' | 'vault'> => {
    // A plain read (no `unused`): it uses up no window, and proves address, token, scope and key before the portal sees a login.
    const deadline = clock.now() + config.timeoutSeconds * 1000;
    for (;;) {
      const answer = await requestCode(endpoint, undefined, deadline);
      if (answer.kind === 'code') {
        options.redactor.add(answer.code.code);
        server = answer.code.window ? 'ours' : 'vault';
        return server;
      }
      if (clock.now() + answer.retryAfterSeconds * 1000 >= deadline) throw noFreshCode(options, 'the server kept answering 429, too many requests');
      await clock.sleep(answer.retryAfterSeconds * 1000);
    }
  };
  return {
    method: 'totp',
    rejectedHint: `Check that the vault's key ${config.key} holds this portal's TOTP secret with the portal's digits, period and algorithm, and that the vault server's clock is right (NTP).`,
    async opened() {
      await open();
    },
    async next(request) {
      const kind = server ?? (await open());
      const deadline = clock.now() + config.timeoutSeconds * 1000;
      const code = kind === 'ours' ? await fromOurServer(options, endpoint, request, deadline) : await fromVault(options, endpoint, request, deadline, issued);
      options.redactor.add(code.code);
      issued.add(code.code);
      return code;
    },
  };
}

/** `unused=true`: the server picks a window nobody got, waiting for it when needed; a busy key (429) is asked again after Retry-After. */
async function fromOurServer(options: VaultSourceOptions, endpoint: VaultEndpoint, request: CodeRequest, deadline: number): Promise<IssuedCode> {
  const { config, clock } = options;
  // The server refuses a minimum of a whole period; the portal's own rule cannot ask more than that anyway.
  const query = { min_seconds_left: String(Math.min(Math.ceil(options.minSecondsLeft), options.periodSeconds - 1)), unused: 'true' };
  for (;;) {
    const answer = await requestCode(endpoint, query, deadline);
    if (answer.kind === 'code') return { code: answer.code.code, label: `vault key ${config.key}, window ${answer.code.window?.step ?? '?'}` };
    if (clock.now() + answer.retryAfterSeconds * 1000 >= deadline) throw noFreshCode(options, 'every window the server could wait for is already handed out');
    request.onWait?.(answer.retryAfterSeconds, `an unused window of ${config.key} at the vault`);
    await clock.sleep(answer.retryAfterSeconds * 1000);
  }
}

/** Vault: claim a fresh window never used by this or another run on this ledger, wait for it, and take Vault's code in it. */
async function fromVault(options: VaultSourceOptions, endpoint: VaultEndpoint, request: CodeRequest, deadline: number, issued: ReadonlySet<string>): Promise<IssuedCode> {
  const { config, clock, periodSeconds, minSecondsLeft } = options;
  const series = windowSeries(config, periodSeconds);
  for (;;) {
    const choice = await options.ledger.claim(series, (lastUsedStep) => chooseStep({ nowMs: clock.now(), periodSeconds, minSecondsLeft, lastUsedStep }));
    if (clock.now() + choice.waitMs >= deadline) throw noFreshCode(options, 'the next fresh window opens later than that');
    if (choice.waitMs > 0) {
      request.onWait?.(Math.ceil(choice.waitMs / 1000), request.afterRejection ? "the rejected code's window to pass" : 'a fresh, unused TOTP window');
      await clock.sleep(choice.waitMs);
    }
    const code = await codeInWindow(options, endpoint, choice.step, deadline, issued);
    if (code) return { code: code.code, label: `vault key ${config.key}, window ${choice.step}` };
    // The window closed before Vault gave a new code: it is spent, claim the next one.
  }
}

/** Vault's code while window `step` is open on our clock, never one already issued (Vault's clock may lag: ask again); undefined once it closed. */
async function codeInWindow(options: VaultSourceOptions, endpoint: VaultEndpoint, step: number, deadline: number, issued: ReadonlySet<string>): Promise<VaultCode | undefined> {
  const { clock, periodSeconds } = options;
  for (;;) {
    const answer = await requestCode(endpoint, undefined, deadline);
    if (timeStep(clock.now(), periodSeconds) !== step) return undefined; // the code may be of the next window, which is not ours
    const wait = answer.kind === 'busy' ? answer.retryAfterSeconds * 1000 : SAME_CODE_POLL_MS;
    if (answer.kind === 'code' && !issued.has(answer.code.code)) return answer.code;
    if (clock.now() + wait >= deadline) throw noFreshCode(options, 'it kept giving the code already used');
    await clock.sleep(wait);
  }
}

/**
 * What names this key's windows in the ledger. The ledger keys a series by a
 * hash of the secret's bytes, and the secret stays in the vault: the series is
 * named by where the key lives instead (hashed the same way, never stored).
 */
export function windowSeries(config: VaultCodeConfig, periodSeconds: number): TotpSpec {
  const digest = createHash('sha256').update(`portal-login vault key\n${config.address}\n${config.mount}\n${config.key}`).digest();
  return { secret: new Secret({ buffer: new Uint8Array(digest).buffer }), digits: 6, period: periodSeconds, algorithm: 'SHA1' };
}

function noFreshCode(options: VaultSourceOptions, why: string): PortalLoginError {
  const { config, ref } = options;
  return new PortalLoginError('CODE_TIMEOUT', `The vault at ${config.address} gave no fresh, unused code for ${config.key} within ${config.timeoutSeconds} s (${why}); no code was sent to the portal.`, {
    hint: `Too many logins share ${config.key} at once (each needs its own ${options.periodSeconds} s window), or the vault's clock is wrong; run again, or raise ${ref}.timeoutSeconds.`,
  });
}
