/** Screens shared by all server-rendered variants: dashboard, CSRF error, captcha, 404. */
import { alertBox, escapeHtml, pageShell } from './layout.js';

/** The page a finished login lands on; `#dashboard` is what clients wait for. */
export function dashboardPage(username: string): string {
  return pageShell({
    title: 'Dashboard',
    body: `<h1 id="dashboard">Welcome, ${escapeHtml(username)}</h1>
<p>Portfolio value: ₹ 1,00,000.00 (demo)</p>`,
  });
}

export function csrfErrorPage(loginPath: string): string {
  return pageShell({
    title: 'Request rejected',
    body: `<h1>Request rejected</h1>
${alertBox('Invalid CSRF token')}
<p>Your session form expired. <a href="${loginPath}">Start again</a>.</p>`,
  });
}

/**
 * A bot wall in place of the login form. No network: the widget is a srcdoc
 * iframe, so clients can detect it and stop instead of typing into nothing.
 */
export function captchaPage(): string {
  const widget = escapeHtml(
    '<!doctype html><body style="font-family:sans-serif;margin:0;padding:12px;border:1px solid #ccc">' +
      '<label><input type="checkbox" id="recaptcha-anchor"> I\'m not a robot</label></body>',
  );
  return pageShell({
    title: 'Verify you are human',
    body: `<h1>Verify you are human</h1>
<p>We need to make sure you are not a robot before you can sign in.</p>
<div class="g-recaptcha" data-sitekey="demo-site-key">
<iframe title="reCAPTCHA" width="304" height="78" srcdoc="${widget}"></iframe>
</div>`,
  });
}

export function notFoundPage(): string {
  return pageShell({ title: 'Not found', body: '<h1>Page not found</h1>' });
}

/** Landing page at `/`: one link per variant, for people trying the demo by hand. */
export function indexPage(links: ReadonlyArray<{ name: string; href: string }>): string {
  const items = links.map(({ name, href }) => `<li><a href="${href}">${escapeHtml(name)}</a></li>`);
  return pageShell({
    title: 'Demo portals',
    body: `<h1>Demo Broker portals</h1>\n<ul>\n${items.join('\n')}\n</ul>`,
  });
}
