import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { PAGE_SCRIPT } from './web-page-script.js';

/**
 * The one page `serve` answers at `/`: a team member pastes a token and sees
 * the codes it may read, each with its countdown and a copy button. It is
 * self-contained (works offline, nothing from elsewhere) and its only script
 * and style are inline, allowed by hash in a CSP that allows nothing else
 * but requests to this same server. Served without a token: it holds no
 * secret, and the API it calls checks the token on every request.
 */

const STYLE = `
body { font: 16px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 40rem; padding: 0 1rem; color: #1b1b1b; background: #fafafa; }
h1 { font-size: 1.3rem; }
form, #signed-in > div { display: flex; gap: .5rem; }
input { flex: 1; font: inherit; padding: .4rem; }
button { font: inherit; padding: .4rem .8rem; cursor: pointer; }
ul { list-style: none; padding: 0; }
li { display: grid; grid-template-columns: 1fr auto 3.5rem auto; gap: 1rem; align-items: center; padding: .6rem 0; border-bottom: 1px solid #ddd; }
.code { font: 1.6rem ui-monospace, monospace; letter-spacing: .1em; }
.left { color: #555; text-align: right; }
.error { color: #a00; }
`;

const BODY = `<h1>Team TOTP codes</h1>
<form id="sign-in" method="post" autocomplete="off">
  <input id="token" type="password" placeholder="Paste your token" aria-label="Token" autocomplete="off" spellcheck="false">
  <button type="submit">Sign in</button>
</form>
<section id="signed-in" hidden>
  <div><button id="sign-out" type="button">Sign out</button></div>
  <ul id="codes"></ul>
</section>
<p id="status" role="status"></p>`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Nothing but this page's own script and style, and fetches back to this server; no framing, no form posts, no base changes. */
export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(PAGE_SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Team TOTP codes</title>
<style>${STYLE}</style>
</head>
<body>
${BODY}
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;

const HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-length': String(Buffer.byteLength(HTML)),
  'content-security-policy': PAGE_CSP,
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** Writes the page (HEAD: its headers only). */
export function sendPage(res: ServerResponse, headOnly: boolean): void {
  res.writeHead(200, HEADERS);
  res.end(headOnly ? undefined : HTML);
}
