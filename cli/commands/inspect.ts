import { resolve, join } from 'node:path';
import { launchInBackground } from '../../browser/launch.js';
import { ensurePrivateDir, writeFileAtomic } from '../../core/atomic-write.js';
import { PortalLoginError } from '../../core/errors.js';
import type { InspectResult } from '../../flows/inspect.js';
import { loggerFor, type CliContext } from '../context.js';
import { formatError } from '../report.js';

export interface InspectArgs {
  url?: string;
  account?: string;
  config: string;
  artifactsDir?: string;
  headed: boolean;
  /** Seconds per step. */
  timeout: number;
  json: boolean;
  verbose: boolean;
}

/**
 * `portal-login inspect <url> [--account NAME]`: shows what detection finds
 * on each screen (and why), with an annotated screenshot, so a user can see
 * which selector to set when it chose wrong. With an account it walks every
 * screen up to the code and stops there; without one it types nothing.
 */
export async function inspectCommand(args: InspectArgs, ctx: CliContext): Promise<number> {
  const browser = launchInBackground({ headed: args.headed, env: ctx.env });
  try {
    await browser.booting;
    const target = await whatToInspect(args, ctx);
    // An account's page leaves through its proxy, as its login does: an IP-bound portal refuses the walk from anywhere else.
    const { context, page } = await browser.newPage(target.proxy ? { proxy: target.proxy } : {});
    const log = loggerFor(ctx, { verbose: args.verbose, quiet: args.json });
    const dir = args.artifactsDir ? resolve(ctx.cwd, args.artifactsDir) : target.artifactsDir;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const { inspectLogin } = await import('../../flows/inspect.js');
    try {
      const result = await inspectLogin({
        page,
        context,
        portal: target.portal,
        portalRef: target.portalRef,
        credentials: target.credentials,
        redactor: ctx.redactor,
        log,
        timeoutMs: args.timeout * 1000,
        saveScreenshot: async (n, png) => {
          await ensurePrivateDir(dir);
          const path = join(dir, `inspect-${stamp}-screen${n}.png`);
          await writeFileAtomic(path, png);
          return path;
        },
      });
      ctx.out(ctx.redactor.redact(args.json ? JSON.stringify({ ok: true, ...result }, null, 2) : report(result)));
      return 0;
    } catch (thrown) {
      if (!(thrown instanceof PortalLoginError)) throw thrown;
      if (args.json) ctx.out(ctx.redactor.redact(JSON.stringify({ ok: false, error: { code: thrown.code, exitStatus: thrown.exitStatus, message: thrown.message, hint: thrown.hint } })));
      else ctx.err(ctx.redactor.redact(formatError(thrown)));
      return thrown.exitStatus;
    } finally {
      await context.close().catch(() => undefined);
    }
  } finally {
    await browser.close();
  }
}

/** The portal to inspect: an account's (its selectors, success check and credentials) or a bare URL with defaults. */
async function whatToInspect(args: InspectArgs, ctx: CliContext) {
  const { browserPortalSchema } = await import('../../config/schema.js');
  if (!args.account) {
    if (!args.url) throw new PortalLoginError('USAGE', 'Name the login page to inspect, or --account NAME to inspect that account\'s portal.', { hint: 'e.g. portal-login inspect https://portal.example.com/login' });
    // No success rule is known for a bare URL: a pattern that never matches keeps the walk on the login screens.
    const portal = parsePortal(browserPortalSchema, { loginUrl: args.url, success: { url: '(?!)' } }, 'the URL given to inspect');
    return { portal, portalRef: 'the inspected page', credentials: undefined, artifactsDir: resolve(ctx.cwd, '.portal-login/artifacts'), proxy: undefined };
  }
  const [{ loadEnv }, { loadConfigFile }, { resolveAccounts, selectAccounts }] = await Promise.all([import('../../config/env.js'), import('../../config/load.js'), import('../../config/accounts.js')]);
  const env = loadEnv({ dotenvPath: resolve(ctx.cwd, '.env'), processEnv: ctx.env });
  const { config, source } = await loadConfigFile(resolve(ctx.cwd, args.config));
  const [account] = resolveAccounts(config, selectAccounts(config, [args.account], source), env, source, ctx.redactor);
  const configured = account!.portal;
  // inspect is about login pages: an API portal has none to walk.
  if (configured.flow !== 'browser') {
    throw new PortalLoginError('USAGE', `portals.${account!.portalName} logs in over its HTTP API (flow: ${configured.flow}): it has no login page to inspect.`, { hint: 'Run portal-login login with --verbose to see each request it makes.' });
  }
  const portal = args.url ? parsePortal(browserPortalSchema, { ...configured, loginUrl: args.url }, 'the URL given to inspect') : configured;
  const { playwrightProxy } = await import('../../net/egress.js');
  const proxy = playwrightProxy(account!.egress);
  return { portal, portalRef: `${source}: portals.${account!.portalName}`, credentials: { username: account!.account.username, password: account!.password }, artifactsDir: config.artifactsDir, proxy };
}

function parsePortal(schema: typeof import('../../config/schema.js').browserPortalSchema, raw: unknown, what: string) {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new PortalLoginError('USAGE', `${what} is not usable: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`, { hint: 'Give an http:// or https:// login page URL.' });
  }
  return parsed.data;
}

function report(result: InspectResult): string {
  const lines: string[] = [];
  for (const screen of result.screens) {
    lines.push(`Screen ${screen.n} at ${screen.url} (${screen.frame}); next step: ${screen.next}`);
    const width = Math.max(...screen.elements.map((e) => e.roles.join(' ').length), 8);
    for (const el of screen.elements) lines.push(`  ${el.roles.join(' ').padEnd(width)}  ${el.selector.padEnd(28)}  ${el.text.startsWith('read as: ') ? el.text : el.text ? `"${el.text}"` : ''}`.trimEnd());
    for (const message of screen.messages.slice(0, 5)) lines.push(`  message area: "${message}"`);
    if (screen.screenshot) lines.push(`  screenshot (chosen elements outlined, inputs masked): ${screen.screenshot}`);
  }
  lines.push(
    result.stopped === 'before-code'
      ? 'Stopped before the code: nothing was typed into it. If a pick above is wrong, set its selector in the portal\'s selectors: (e.g. selectors.username: "#login").'
      : result.stopped === 'before-typing'
        ? 'Stopped before typing anything (no --account given). Run with --account NAME to walk the later screens.'
        : 'The walk ended logged in (no code was asked for).',
  );
  return lines.join('\n');
}
