import type { VaultCodeConfig } from '../config/vault-code-schema.js';
import type { Clock } from '../core/clock.js';
import { PortalLoginError } from '../core/errors.js';

/**
 * One `GET /v1/<mount>/code/<key>` against a Vault TOTP engine API
 * (`portal-login serve`, HashiCorp Vault, OpenBao), its answer read and every
 * failure turned into an error that says what to fix. The token goes in the
 * X-Vault-Token header only, never in a URL or a message.
 */

export interface VaultEndpoint {
  config: VaultCodeConfig;
  token: string;
  /** `accounts.NAME.code`, for messages. */
  ref: string;
  clock: Clock;
}

/** A code as the server gave it; `secondsLeft` and `step` only from servers that say them (ours, not Vault). */
export interface VaultCode {
  code: string;
  window?: { secondsLeft: number; step: number };
}

export type VaultAnswer = { kind: 'code'; code: VaultCode } | { kind: 'busy'; retryAfterSeconds: number };

/** A Vault error body is `{"errors":[…]}`; more than this of it is noise in a message. */
const MAX_SERVER_TEXT = 200;

/** Asks for a code; `query` only to servers known to take it. Resolves or rejects before `deadlineMs` (on `clock`). */
export async function requestCode(endpoint: VaultEndpoint, query: Record<string, string> | undefined, deadlineMs: number): Promise<VaultAnswer> {
  const { config, clock } = endpoint;
  const url = `${config.address}/v1/${config.mount}/code/${config.key}${query ? `?${new URLSearchParams(query).toString()}` : ''}`;
  let response: Response;
  let text: string;
  try {
    // Both the headers and the body count: a server that stalls mid-body is as slow as one that never answers.
    const signal = AbortSignal.timeout(Math.max(1, deadlineMs - clock.now()));
    response = await fetch(url, { headers: { 'X-Vault-Token': endpoint.token, accept: 'application/json' }, redirect: 'error', signal });
    text = await response.text();
  } catch (error) {
    throw transportError(endpoint, error);
  }
  if (response.status === 429) return { kind: 'busy', retryAfterSeconds: retryAfter(response.headers.get('retry-after')) };
  if (response.status !== 200) throw statusError(endpoint, response.status, serverSays(text));
  return { kind: 'code', code: readCode(endpoint, text) };
}

function readCode(endpoint: VaultEndpoint, text: string): VaultCode {
  let data: { code?: unknown; seconds_left?: unknown; step?: unknown } | undefined;
  try {
    data = (JSON.parse(text) as { data?: typeof data }).data;
  } catch {
    data = undefined;
  }
  if (typeof data?.code !== 'string' || !/^\d{4,10}$/.test(data.code)) {
    throw new PortalLoginError('CODE_SOURCE_FAILED', `The vault at ${endpoint.config.address} answered ${endpoint.config.mount}/code/${endpoint.config.key} with something that is not a TOTP code; no code was sent to the portal.`, {
      hint: `Check ${endpoint.ref}.address and .mount: they must point at a TOTP engine (the reply must be {"data":{"code":"…"}}).`,
    });
  }
  const { seconds_left: secondsLeft, step } = data;
  const window = typeof secondsLeft === 'number' && typeof step === 'number' && Number.isInteger(step) ? { secondsLeft, step } : undefined;
  return window ? { code: data.code, window } : { code: data.code };
}

/** What to do for each refusal: the status decides, the server's own words are added. */
function statusError(endpoint: VaultEndpoint, status: number, says: string): PortalLoginError {
  const { config, ref } = endpoint;
  const tokenVar = config.tokenEnv;
  if (status === 403) {
    return new PortalLoginError('CODE_SOURCE_FAILED', `permission denied: the token cannot read codes for ${config.key} (the vault at ${config.address}, mount ${config.mount}); no code was sent to the portal.`, {
      hint:
        `The token in ${tokenVar} is unknown to the server, revoked, expired, or its scope does not cover ${config.key}. ` +
        `With portal-login serve: portal-login token list --vault FILE shows the scopes; portal-login token create --vault FILE --name NAME --read '${config.key}' makes one that may, then put it in ${tokenVar}. ` +
        `With HashiCorp Vault: the token's policy needs path "${config.mount}/code/${config.key}" { capabilities = ["read"] }.`,
    });
  }
  if (status === 404) {
    return new PortalLoginError('CODE_SOURCE_FAILED', `unknown key ${config.key} at the vault ${config.address} (mount ${config.mount}${says ? `; it says: ${says}` : ''}); no code was sent to the portal.`, {
      hint: `Check ${ref}.key and ${ref}.mount against the entries there: portal-login vault list --vault FILE, or vault list ${config.mount}/keys.`,
    });
  }
  const serverSide = status >= 500;
  return new PortalLoginError('CODE_SOURCE_FAILED', `The vault at ${config.address} answered HTTP ${status}${says ? ` (${says})` : ''} for ${config.mount}/code/${config.key}; no code was sent to the portal.`, {
    hint: serverSide ? 'The server failed on its side (a sealed Vault answers 503): try again once it is back.' : `Check ${ref} against the server's API (address, mount, key).`,
  });
}

function transportError(endpoint: VaultEndpoint, error: unknown): PortalLoginError {
  const { config, ref } = endpoint;
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new PortalLoginError('CODE_TIMEOUT', `The vault at ${config.address} gave no code for ${config.key} within ${config.timeoutSeconds} s; no code was sent to the portal.`, {
      hint: `Check that the server is not overloaded or stuck (portal-login serve holds a request at most one period for a fresh window), or raise ${ref}.timeoutSeconds.`,
    });
  }
  // undici puts the system error (ECONNREFUSED, ENOTFOUND, a TLS failure) in `cause`; its own message is just "fetch failed".
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  const why = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new PortalLoginError('CODE_SOURCE_FAILED', `Could not reach the vault at ${config.address} (${why}); no code was sent to the portal.`, {
    hint: `Check ${ref}.address (scheme, host and port) and that the server runs (portal-login serve prints the URL it listens on); for https, that this machine trusts its certificate (NODE_EXTRA_CA_CERTS=ca.pem).`,
  });
}

function serverSays(text: string): string {
  try {
    const errors = (JSON.parse(text) as { errors?: unknown }).errors;
    if (Array.isArray(errors)) return errors.filter((e): e is string => typeof e === 'string').join('; ').slice(0, MAX_SERVER_TEXT);
  } catch {
    // not Vault's error shape: say only the status
  }
  return '';
}

function retryAfter(header: string | null): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 1 ? Math.min(seconds, 300) : 1;
}
