/**
 * JSON API behind the spa variant. Two steps like the server-rendered
 * variants, but the half-done login is a bearer "interim" token and the
 * finished one a bearer token: no cookies anywhere.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkCode, checkPassword, FAILURES, recordCodeSubmission, recordPasswordSubmission } from './auth.js';
import { readBearer, readJson, sendJson } from './http.js';
import type { PortalState } from './sessions.js';

const SPA = 'spa';

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

/** POST /spa/api/login {username, password} → {interimToken} | {error}. */
export async function spaLogin(state: PortalState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJson(req);
  const username = field(body, 'username').trim();
  recordPasswordSubmission(state, username);
  const outcome = checkPassword(state, username, field(body, 'password'));
  if (outcome !== 'ok') {
    sendJson(res, FAILURES[outcome].status, { error: FAILURES[outcome].message });
    return;
  }
  sendJson(res, 200, { interimToken: state.interim.issue({ username, variant: SPA }) });
}

/** POST /spa/api/verify, Authorization: Bearer <interim>, {code} → {token} | {error}. */
export async function spaVerify(state: PortalState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const interimToken = readBearer(req);
  const pending = state.interim.get(interimToken);
  const body = await readJson(req);
  if (!pending) {
    sendJson(res, 401, { error: 'Your sign-in expired. Please start again.' });
    return;
  }
  const code = field(body, 'code').trim();
  recordCodeSubmission(state, pending.username, code);
  const outcome = checkCode(state, pending.username, code, state.now());
  if (outcome !== 'ok') {
    sendJson(res, FAILURES[outcome].status, { error: FAILURES[outcome].message });
    return;
  }
  state.interim.delete(interimToken);
  sendJson(res, 200, { token: state.sessions.issue(pending.username) });
}

/** GET /spa/api/me with a bearer session token → {username} | 401. */
export function spaMe(state: PortalState, req: IncomingMessage, res: ServerResponse): void {
  const username = state.sessions.get(readBearer(req));
  if (username === undefined) sendJson(res, 401, { error: 'Not signed in.' });
  else sendJson(res, 200, { username });
}
