import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../core/clock.js';
import { openAuditLog, type AuditLog } from './audit-log.js';
import { codeIssuer } from './code-issuer.js';
import { handleOperation } from './handlers.js';
import { PERMISSION_DENIED, presentedToken, sendReply, vaultError, type Reply } from './http-io.js';
import { assertListenAllowed, serviceUrl } from './listen-policy.js';
import { tokenBucket, type RateLimit } from './rate-limit.js';
import { matchRoute } from './routes.js';
import { fileStepStore } from './step-store.js';
import { sendPage } from './web-page.js';
import { findToken } from './tokens.js';
import type { VaultFile } from './vault-file.js';
import { isValidName } from './vault-model.js';

export interface ServiceOptions {
  vault: VaultFile;
  host: string;
  /** 0 = any free port. */
  port: number;
  /** PEM certificate and key: HTTPS instead of HTTP. */
  tls?: { cert: Buffer; key: Buffer } | undefined;
  insecureListen: boolean;
  auditLogPath: string;
  /** Where windows handed out with `unused=true` are kept. */
  stepsPath: string;
  rateLimit: RateLimit;
  clock: Clock;
  /** Bugs while answering (their stack); never request contents. */
  logError: (text: string) => void;
}

export interface RunningService {
  url: string;
  close(): Promise<void>;
}

/**
 * `portal-login serve`: the Vault TOTP engine's client-facing routes over
 * node:http(s). Every request is authenticated first (403 before anything
 * else is looked at), rate limited per token, and written to the audit log.
 */
export async function startTeamService(options: ServiceOptions): Promise<RunningService> {
  assertListenAllowed(options.host, options.tls !== undefined, options.insecureListen);
  await options.vault.current(); // a missing vault or wrong key fails here, not on the first request
  const steps = await fileStepStore(options.stepsPath);
  let stop!: () => void;
  const stopping = new Promise<void>((resolve) => (stop = resolve));
  const deps = { vault: options.vault, issuer: codeIssuer(steps, options.clock, stopping), now: () => options.clock.now() };
  const limiter = tokenBucket(options.rateLimit, deps.now);
  const audit = openAuditLog(options.auditLogPath);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const route = matchRoute(req.method ?? 'GET', req.url ?? '/');
    if (route.kind === 'page') {
      // No token needed: the page holds no secret, and every API call it makes is checked.
      audit.write({ time: new Date(deps.now()).toISOString(), token: null, entry: null, action: 'page', status: 200 });
      sendPage(res, req.method === 'HEAD');
      return;
    }
    const action = route.kind === 'operation' ? route.operation : 'no-route';
    let tokenId: string | null = null;
    let reply: Reply;
    try {
      const contents = await options.vault.current();
      const presented = presentedToken(req);
      const token = presented === undefined ? undefined : findToken(contents.tokens, presented, deps.now());
      tokenId = token?.id ?? null;
      const allowance = token ? limiter.take(token.id) : undefined;
      if (!token) reply = PERMISSION_DENIED();
      else if (allowance && !allowance.ok) reply = { ...vaultError(429, 'rate limit exceeded'), headers: { 'retry-after': String(allowance.retryAfterSeconds) } };
      else if (route.kind === 'no-route') reply = vaultError(route.status, route.message);
      else reply = await handleOperation(route.operation, { req, token, name: route.name, query: route.query, contents }, deps);
    } catch (error) {
      options.logError(`internal error answering ${action}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      reply = vaultError(500, 'internal error');
    }
    // A malformed name is not repeated: it could be anything a client pasted.
    audit.write({ time: new Date(deps.now()).toISOString(), token: tokenId, entry: route.name !== null && isValidName(route.name) ? route.name : null, action, status: reply.status });
    sendReply(res, reply);
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttpServer(listener);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerUnparsable(error, socket, audit, deps.now));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: serviceUrl(options.host, port, options.tls !== undefined),
    async close() {
      stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      audit.close();
    },
  };
}

/**
 * Node's HTTP parser knows a fixed list of methods, and Vault's `LIST` is not
 * on it: such a request never reaches `handle`. It gets a Vault-shaped answer
 * saying what to use instead (and its audit line) rather than a bare 400.
 */
function answerUnparsable(error: NodeJS.ErrnoException, socket: Socket, audit: AuditLog, now: () => number): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy(); // the client left: there is no request to answer or record
    return;
  }
  const listMethod = error.code === 'HPE_INVALID_METHOD';
  const status = listMethod ? 405 : 400;
  const body = JSON.stringify({ errors: [listMethod ? 'method not supported here; for LIST use GET with ?list=true (as Vault\'s own clients do)' : 'malformed HTTP request'] }) + '\n';
  audit.write({ time: new Date(now()).toISOString(), token: null, entry: null, action: listMethod ? 'unsupported-method' : 'malformed', status });
  socket.end(`HTTP/1.1 ${status} ${listMethod ? 'Method Not Allowed' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
