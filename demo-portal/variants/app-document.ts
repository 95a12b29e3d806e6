/**
 * The bare HTML document a client-rendered app ships: a title, its own
 * stylesheet, a mount point and an inline script. Deliberately not the Demo
 * Broker pageShell: framework apps bring their own markup and classes.
 */
import { escapeHtml } from '../pages/layout.js';

export interface AppDocument {
  title: string;
  /** The app's stylesheet (class names as the framework generates them). */
  css: string;
  /** Server-rendered markup, usually just the mount point. */
  body: string;
  /** Inline script placed after the body, if the page has one. */
  script?: string;
}

export function appDocument({ title, css, body, script }: AppDocument): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${css}</style>
</head>
<body>
${body}
${script ? `<script>${script}</script>` : ''}
</body>
</html>`;
}
