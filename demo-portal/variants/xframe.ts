/**
 * Xframe variant: the login form is an Okta-style sign-in widget served from
 * ANOTHER origin inside an iframe. Asked for as http://127.0.0.1:PORT the
 * page frames http://localhost:PORT/xframe/inner, and vice versa. Cookies in
 * a cross-site frame are third-party (and SameSite=Lax ones are never sent),
 * so the widget keeps its stateToken in JS memory and ends with
 * `parent.postMessage({ ticket }, parentOrigin)`; the top page trades the
 * ticket at /xframe/callback for a session cookie on its own origin.
 */
import type { IncomingMessage } from 'node:http';
import { readJson, redirect, sendHtml, sendJson, sendText } from '../http.js';
import type { Handler } from '../routes.js';
import { appDocument } from './app-document.js';
import { codeStep, dashboardRoute, entryRoutes, jsonField, passwordStep, setSessionCookie } from './scripted-steps.js';
import { WIDGET_CSS, WIDGET_SCRIPT } from './xframe-widget.js';

const VARIANT = 'xframe';

/** This request's origin and the other loopback name for the same port. */
interface Origins {
  self: string;
  other: string;
}

/**
 * Origins from the Host header, which only the two loopback names may carry:
 * the values end up inside a script, so anything else is refused, not escaped.
 */
function originsOf(req: IncomingMessage): Origins | undefined {
  const match = /^(127\.0\.0\.1|localhost):(\d{1,5})$/.exec(req.headers.host ?? '');
  if (!match) return undefined;
  const [, hostname, port] = match;
  const otherName = hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  return { self: `http://${hostname}:${port}`, other: `http://${otherName}:${port}` };
}

const HOST_HINT = 'The xframe variant needs the portal addressed as 127.0.0.1:PORT or localhost:PORT.';

const SHELL_CSS = `
body { margin: 0; font-family: Arial, sans-serif; background: #1d2b4f; }
.topbar { color: #fff; padding: 16px 32px; font-size: 18px; } .frame-wrap { display: flex; justify-content: center; padding: 24px; }
iframe { border: 0; width: 420px; height: 520px; background: #fff; border-radius: 4px; }`;

function shellPage({ self, other }: Origins): string {
  const widgetUrl = `${other}/${VARIANT}/inner?parent=${encodeURIComponent(self)}`;
  return appDocument({
    title: 'Demo Broker - Sign In',
    css: SHELL_CSS,
    body: `<div class="topbar">Demo Broker Workplace</div>
<div class="frame-wrap"><iframe id="okta-frame" title="Sign in with your organization" src="${widgetUrl}"></iframe></div>`,
    script: `
const WIDGET_ORIGIN = ${JSON.stringify(other)};
window.addEventListener('message', (event) => {
  if (event.origin !== WIDGET_ORIGIN || !event.data || typeof event.data.ticket !== 'string') return;
  location.assign('/${VARIANT}/callback?ticket=' + encodeURIComponent(event.data.ticket));
});`,
  });
}

function widgetPage(parentOrigin: string): string {
  return appDocument({
    title: 'Demo Broker - Sign In',
    css: WIDGET_CSS,
    body: '<main id="okta-sign-in" class="auth-container main-container no-beacon"></main>',
    script: `const PARENT_ORIGIN = ${JSON.stringify(parentOrigin)};\n${WIDGET_SCRIPT}`,
  });
}

/** GET /xframe/inner?parent=…: the widget, only for the one parent origin it may be framed by. */
const widget: Handler = ({ req, res }) => {
  const origins = originsOf(req);
  const parent = new URL(req.url ?? '/', 'http://demo.invalid').searchParams.get('parent');
  if (!origins || parent !== origins.other) {
    sendText(res, 400, `This sign-in widget cannot be embedded here. ${HOST_HINT}`);
    return;
  }
  res.setHeader('Content-Security-Policy', `frame-ancestors ${parent}`);
  sendHtml(res, 200, widgetPage(parent));
};

/** GET /xframe/callback?ticket=…: a one-time ticket becomes the top origin's session. */
const callback: Handler = ({ state, req, res }) => {
  const ticket = new URL(req.url ?? '/', 'http://demo.invalid').searchParams.get('ticket') ?? undefined;
  // Tickets live in `pending`, flow tokens in `interim`: a stateToken can never pass as a ticket.
  const handoff = state.pending.get(ticket);
  if (!handoff || handoff.variant !== VARIANT) {
    redirect(res, `/${VARIANT}/login`);
    return;
  }
  state.pending.delete(ticket);
  setSessionCookie(state, res, handoff.username);
  redirect(res, `/${VARIANT}/dashboard`);
};

/** Routes of the xframe variant: top page, cross-origin widget and its API, ticket callback, dashboard. */
export function xframeRoutes(): Array<[string, Handler]> {
  return [
    ...entryRoutes(VARIANT),
    [
      `GET /${VARIANT}/login`,
      ({ req, res }) => {
        const origins = originsOf(req);
        if (origins) sendHtml(res, 200, shellPage(origins));
        else sendText(res, 400, HOST_HINT);
      },
    ],
    [`GET /${VARIANT}/inner`, widget],
    [
      `POST /${VARIANT}/api/authn`,
      async ({ state, req, res }) => {
        const body = await readJson(req);
        const result = passwordStep(state, VARIANT, jsonField(body, 'username'), jsonField(body, 'password'));
        if (!result.ok) return sendJson(res, result.status, { errorCode: 'E0000004', errorSummary: result.error });
        sendJson(res, 200, { status: 'MFA_REQUIRED', stateToken: result.value });
      },
    ],
    [
      `POST /${VARIANT}/api/factors/verify`,
      async ({ state, req, res, clockMs }) => {
        const body = await readJson(req);
        const result = codeStep(state, VARIANT, jsonField(body, 'stateToken'), jsonField(body, 'passCode'), clockMs);
        if (!result.ok) return sendJson(res, result.status, { errorCode: 'E0000068', errorSummary: result.error });
        sendJson(res, 200, { status: 'SUCCESS', ticket: state.pending.issue({ username: result.value, variant: VARIANT }) });
      },
    ],
    [`GET /${VARIANT}/callback`, callback],
    dashboardRoute(VARIANT),
  ];
}
