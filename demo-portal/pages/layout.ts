/**
 * The page shell every server-rendered screen shares: logo image and web
 * font (so a client that does not block them shows up in staticHits), the
 * alert element, and escaping.
 */

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The error box; empty string when there is nothing to report. */
export function alertBox(message: string | undefined): string {
  return message ? `<div role="alert" class="error">${escapeHtml(message)}</div>` : '';
}

export function csrfInput(token: string): string {
  return `<input type="hidden" name="_csrf" value="${escapeHtml(token)}">`;
}

const STYLE = `
@font-face { font-family: "Demo Sans"; src: url(/static/demo.woff2) format("woff2"); }
body { font-family: "Demo Sans", system-ui, sans-serif; margin: 0; background: #f4f6f9; color: #1b2430; }
header { background: #0b3d91; color: #fff; padding: 12px 24px; display: flex; gap: 12px; align-items: center; }
main { max-width: 380px; margin: 48px auto; background: #fff; padding: 24px 28px; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
label { display: block; margin-top: 14px; font-size: 14px; }
input { width: 100%; box-sizing: border-box; padding: 8px; font-size: 16px; margin-top: 4px; }
button { margin-top: 18px; width: 100%; padding: 10px; background: #0b3d91; color: #fff; border: 0; border-radius: 4px; font-size: 16px; }
.error { background: #fde8e8; color: #9b1c1c; padding: 8px 10px; border-radius: 4px; margin-top: 12px; }
.digits { display: flex; gap: 8px; } .digits input { width: 42px; text-align: center; }
footer { text-align: center; font-size: 12px; color: #667; }`;

export interface ShellOptions {
  title: string;
  /** Inner HTML of <main>. */
  body: string;
  /** Optional inline script, placed at the end of <body>. */
  script?: string;
}

/** A complete HTML document in the Demo Broker look. */
export function pageShell({ title, body, script }: ShellOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Demo Broker</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header><img src="/static/logo.png" alt="Demo Broker" width="32" height="32"><strong>Demo Broker</strong></header>
<main>
${body}
</main>
<footer>Demo portal for portal-login. No real accounts.</footer>
${script ? `<script>${script}</script>` : ''}
</body>
</html>`;
}
