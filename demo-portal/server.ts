/**
 * Starts and stops one demo portal: a node:http server on 127.0.0.1 with its
 * own PortalState. Sets the Date header from the variant's clock and is the
 * single error boundary for handlers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, sendHtml, sendText } from './http.js';
import { notFoundPage } from './pages/common.js';
import { buildRoutes, type Handler } from './routes.js';
import { PortalState } from './sessions.js';
import { CLOCK_SKEW_MS, isDemoVariant } from './variants.js';
import type { DemoMailOptions, SentEmail, TrustAnswer, VerifyMethod } from './variants/state.js';

export interface DemoPortalOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 so the demo is never exposed. */
  host?: string;
  /** Machine clock in ms since the epoch; default Date.now. Inject for tests. */
  now?: () => number;
  /** Where the email variants deliver code emails (LMTP); without it they only record them (sentEmails). */
  mail?: DemoMailOptions;
}

export interface DemoPortal {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:43123. */
  url: string;
  close(): Promise<void>;
  /** Every code received for that user, in order (including rejected ones). */
  submittedCodes(username: string): string[];
  /** Image/font requests served so far. */
  staticHits(): number;
  /** Password submissions received for that user. */
  loginAttempts(username: string): number;
  /** Times the sso variant's "Sign in with Google" page was opened. */
  ssoHits(): number;
  /** That user's last answer to the trust variant's "Trust this device?". */
  trustChoice(username: string): TrustAnswer | undefined;
  /** The verification method that user last picked on the choice variant. */
  chosenMethod(username: string): VerifyMethod | undefined;
  /** Code emails the email variants sent (all users, or one), oldest first. */
  sentEmails(username?: string): SentEmail[];
}

/** Clock skew of the variant a path belongs to (first path segment). */
function skewFor(pathname: string): number {
  const first = pathname.split('/')[1] ?? '';
  return isDemoVariant(first) ? CLOCK_SKEW_MS[first] : 0;
}

async function handle(
  state: PortalState,
  routes: ReadonlyMap<string, Handler>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'http://demo.invalid');
  const clockMs = state.now() + skewFor(pathname);
  // Explicit Date so the injected clock (and the skewed variant's offset) is what clients see.
  res.setHeader('Date', new Date(clockMs).toUTCString());
  const handler = routes.get(`${req.method ?? 'GET'} ${pathname}`);
  if (!handler) {
    sendHtml(res, 404, notFoundPage());
    return;
  }
  try {
    await handler({ state, req, res, clockMs });
  } catch (error) {
    if (res.headersSent) {
      res.end();
    } else if (error instanceof HttpError) {
      sendText(res, error.status, error.message);
    } else {
      sendText(res, 500, 'Internal error in demo portal');
    }
  }
}

/** Starts a demo portal; resolves once it is listening. */
export function startDemoPortal(options: DemoPortalOptions = {}): Promise<DemoPortal> {
  const host = options.host ?? '127.0.0.1';
  const state = new PortalState(options.now ?? Date.now, options.mail);
  const routes = buildRoutes();
  const server = createServer((req, res) => {
    void handle(state, routes, req, res);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const hostPart = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${hostPart}:${port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            // Keep-alive sockets from browsers would otherwise hold close() open.
            server.closeAllConnections();
          }),
        submittedCodes: (username) => [...(state.peekUser(username)?.submittedCodes ?? [])],
        staticHits: () => state.staticHits,
        loginAttempts: (username) => state.peekUser(username)?.loginAttempts ?? 0,
        ssoHits: () => state.screenVariants.ssoHits,
        trustChoice: (username) => state.screenVariants.trustAnswers.get(username),
        chosenMethod: (username) => state.screenVariants.chosenMethods.get(username),
        sentEmails: (username) => state.screenVariants.sentEmails.filter((email) => username === undefined || email.username === username).map((email) => ({ ...email })),
      });
    });
  });
}
