import type { IncomingMessage } from 'node:http';
import { PortalLoginError } from '../core/errors.js';
import type { CodeIssuer } from './code-issuer.js';
import { buildEntry } from './entry-input.js';
import { PERMISSION_DENIED, readJsonBody, vaultError, type Reply } from './http-io.js';
import { parseKeyBody } from './key-body.js';
import { QUERY_KEYS, type Operation } from './routes.js';
import { mayRead, mayWrite } from './tokens.js';
import type { VaultFile } from './vault-file.js';
import { isValidName, type VaultContents, type VaultEntry, type VaultToken } from './vault-model.js';

/** One authenticated request, as a handler sees it. */
export interface OperationRequest {
  req: IncomingMessage;
  token: VaultToken;
  /** The entry named in the path (already checked by `handleOperation`), or null for the list. */
  name: string | null;
  query: URLSearchParams;
  contents: VaultContents;
}

export interface HandlerDeps {
  vault: VaultFile;
  issuer: CodeIssuer;
  now: () => number;
}

type Handler = (request: OperationRequest & { name: string }, deps: HandlerDeps) => Promise<Reply>;

/**
 * Checks in this order, so a token learns nothing about entries outside its
 * scope: query keys and the name's form (400), scope (403), existence (404).
 */
export async function handleOperation(operation: Operation, request: OperationRequest, deps: HandlerDeps): Promise<Reply> {
  const unknown = [...request.query.keys()].filter((key) => !QUERY_KEYS[operation].includes(key));
  if (unknown.length > 0) return vaultError(400, `unknown query parameter(s): ${unknown.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}`);
  if (request.name === null) return listKeys(request);
  if (!isValidName(request.name)) return vaultError(400, 'invalid key name: use 1-64 characters from A-Z a-z 0-9 . _ -');
  const allowed = operation === 'key.write' || operation === 'key.delete' ? mayWrite(request.token, request.name) : mayRead(request.token, request.name);
  if (!allowed) return PERMISSION_DENIED();
  return HANDLERS[operation]({ ...request, name: request.name }, deps);
}

function listKeys(request: OperationRequest): Reply {
  const keys = request.contents.entries.map((e) => e.name).filter((name) => mayRead(request.token, name)).sort();
  return { status: 200, body: { data: { keys } } };
}

const findEntry = (contents: VaultContents, name: string): VaultEntry | undefined => contents.entries.find((e) => e.name === name);
const unknownKey = (): Reply => vaultError(404, 'unknown key');

const HANDLERS: Readonly<Record<Operation, Handler>> = {
  'key.list': async (request) => listKeys(request),
  'key.read': async ({ contents, name }) => {
    const entry = findEntry(contents, name);
    if (!entry) return unknownKey();
    // Metadata only: there is no way to read a secret back.
    return { status: 200, body: { data: { account_name: entry.accountName, algorithm: entry.algorithm, digits: entry.digits, issuer: entry.issuer, period: entry.period } } };
  },
  'key.write': async ({ req, name }, { vault, now }) => {
    const body = await readJsonBody(req);
    if (!body.ok) return body.reply;
    const parsed = parseKeyBody(name, body.json);
    if (!parsed.ok) return vaultError(400, ...parsed.problems);
    let entry: VaultEntry;
    try {
      entry = buildEntry(parsed.input, now(), 'the request');
    } catch (error) {
      if (error instanceof PortalLoginError) return vaultError(400, error.message);
      throw error;
    }
    // Vault's create overwrites a key of the same name; so does this.
    await vault.update((draft) => {
      draft.entries = [...draft.entries.filter((e) => e.name !== name), entry];
    });
    return { status: 204 };
  },
  'key.delete': async ({ contents, name }, { vault }) => {
    if (!findEntry(contents, name)) return unknownKey();
    await vault.update((draft) => {
      draft.entries = draft.entries.filter((e) => e.name !== name);
    });
    return { status: 204 };
  },
  'code.read': async ({ contents, name, query }, { issuer }) => {
    const entry = findEntry(contents, name);
    if (!entry) return unknownKey();
    const options = codeOptions(query, entry.period);
    if (!options.ok) return vaultError(400, options.message);
    const outcome = await issuer.issue(entry, options.value);
    if (!outcome.ok) return { ...vaultError(outcome.status, outcome.message), headers: { 'retry-after': String(outcome.retryAfterSeconds) } };
    return { status: 200, body: { data: { code: outcome.code, seconds_left: outcome.secondsLeft, step: outcome.step } } };
  },
};

function codeOptions(query: URLSearchParams, period: number): { ok: true; value: { minSecondsLeft: number; unused: boolean } } | { ok: false; message: string } {
  const min = query.get('min_seconds_left') ?? '0';
  const unused = query.get('unused') ?? 'false';
  if (!/^\d{1,3}$/.test(min) || Number(min) >= period) return { ok: false, message: `min_seconds_left must be a whole number from 0 to ${period - 1} (the key's period is ${period} s)` };
  if (unused !== 'true' && unused !== 'false') return { ok: false, message: 'unused must be true or false' };
  return { ok: true, value: { minSecondsLeft: Number(min), unused: unused === 'true' } };
}
