/**
 * The route table: `METHOD /path` → handler. Built per server from the
 * variant list; it holds no state itself (state arrives in the context).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  sessionUser,
  showCode,
  showDashboard,
  showLogin,
  submitCode,
  submitLogin,
  type FormVariant,
} from './form-flow.js';
import { apiRoutes } from './api.js';
import { addressAllowed } from './egress.js';
import { readBearer, redirect, sendHtml, sendJson } from './http.js';
import { captchaPage, indexPage } from './pages/common.js';
import { spaPage } from './pages/spa.js';
import type { PortalState } from './sessions.js';
import { spaLogin, spaMe, spaVerify } from './spa.js';
import { STATIC_ASSETS } from './static-assets.js';
import { DEMO_VARIANTS, variantLoginUrl, type DemoVariant } from './variants.js';
import { bareRoutes } from './variants/bare.js';
import { digitsRoutes } from './variants/digits.js';
import { frameRoutes } from './variants/frame.js';
import { revealRoutes } from './variants/reveal.js';
import { sameformRoutes } from './variants/sameform.js';
import { shadowRoutes } from './variants/shadow.js';
import { xframeRoutes } from './variants/xframe.js';
import { allinoneRoutes } from './variants/allinone.js';
import { autosubmitRoutes } from './variants/autosubmit.js';
import { choiceRoutes } from './variants/choice.js';
import { emailVariantRoutes } from './variants/email.js';
import { conflictRoutes } from './variants/conflict.js';
import { idfirstRoutes } from './variants/idfirst.js';
import { inlineRoutes } from './variants/inline.js';
import { noticeRoutes } from './variants/notice.js';
import { rotatingRoutes } from './variants/rotating.js';
import { ssoRoutes } from './variants/sso.js';
import { trustRoutes } from './variants/trust.js';

export interface RouteContext {
  state: PortalState;
  req: IncomingMessage;
  res: ServerResponse;
  /** The clock of the variant the path belongs to (skew applied), in ms. */
  clockMs: number;
}

export type Handler = (ctx: RouteContext) => void | Promise<void>;

const FORM_VARIANTS: readonly FormVariant[] = ['classic', 'boxes', 'plain', 'skewed', 'hashed'];

/** The multi-screen variants, one file and one route function each (demo-portal/variants/). */
const SCREEN_VARIANTS: ReadonlyArray<() => Array<[string, Handler]>> = [
  idfirstRoutes,
  allinoneRoutes,
  inlineRoutes,
  autosubmitRoutes,
  ssoRoutes,
  trustRoutes,
  choiceRoutes,
  conflictRoutes,
  noticeRoutes,
  rotatingRoutes,
  emailVariantRoutes,
];

function formRoutes(variant: FormVariant): Array<[string, Handler]> {
  const wrap =
    (fn: (r: Parameters<typeof showLogin>[0]) => void | Promise<void>): Handler =>
    (ctx) =>
      fn({ ...ctx, variant });
  return [
    [`GET /${variant}`, ({ res }) => redirect(res, `/${variant}/login`)],
    [`GET /${variant}/`, ({ res }) => redirect(res, `/${variant}/login`)],
    [`GET /${variant}/login`, wrap(showLogin)],
    [`POST /${variant}/login`, wrap(submitLogin)],
    [`GET /${variant}/totp`, wrap(showCode)],
    [`POST /${variant}/totp`, wrap(submitCode)],
    [`GET /${variant}/dashboard`, wrap(showDashboard)],
  ];
}

function staticRoutes(): Array<[string, Handler]> {
  return [...STATIC_ASSETS].map(([path, asset]) => [
    `GET ${path}`,
    ({ state, res }) => {
      state.staticHits += 1;
      res.writeHead(200, { 'Content-Type': asset.contentType, 'Content-Length': asset.body.length });
      res.end(asset.body);
    },
  ]);
}

const landingLinks = DEMO_VARIANTS.map((name: DemoVariant) => ({ name, href: variantLoginUrl('', name) }));

/** Builds the immutable route table for one server. */
export function buildRoutes(): ReadonlyMap<string, Handler> {
  return new Map<string, Handler>([
    ['GET /', ({ res }) => sendHtml(res, 200, indexPage(landingLinks))],
    ...FORM_VARIANTS.flatMap(formRoutes),
    ...SCREEN_VARIANTS.flatMap((routes) => routes()),
    ...staticRoutes(),
    // The probe URL: is this cookie session (or the login API's bearer token) still logged in?
    [
      'GET /api/me',
      ({ state, req, res }) => {
        const username = sessionUser(state, req) ?? state.sessions.get(readBearer(req));
        if (username === undefined) sendJson(res, 401, { error: 'Not signed in.' });
        // An IP-bound session answers only from its registered address, as the login did.
        else if (!addressAllowed(username, req)) sendJson(res, 403, { error: 'IP_NOT_ALLOWED', message: 'Request from an unregistered IP address.' });
        else sendJson(res, 200, { username });
      },
    ],
    ['GET /spa', ({ res }) => redirect(res, '/spa/')],
    ['GET /spa/', ({ res }) => sendHtml(res, 200, spaPage())],
    ['POST /spa/api/login', ({ state, req, res }) => spaLogin(state, req, res)],
    ['POST /spa/api/verify', ({ state, req, res }) => spaVerify(state, req, res)],
    ['GET /spa/api/me', ({ state, req, res }) => spaMe(state, req, res)],
    ['GET /captcha/login', ({ res }) => sendHtml(res, 200, captchaPage())],
    ...revealRoutes(),
    ...sameformRoutes(),
    ...bareRoutes(),
    ...frameRoutes(),
    ...xframeRoutes(),
    ...shadowRoutes(),
    ...digitsRoutes(),
    ...apiRoutes(),
  ]);
}
