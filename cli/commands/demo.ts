import { resolve } from 'node:path';
import { validateConfig } from '../../config/load.js';
import { demoApiLoginSetup, demoLoginSetup } from '../../demo-portal/login-config.js';
import { startDemoPortal } from '../../demo-portal/server.js';
import type { DemoVariant } from '../../demo-portal/variants.js';
import type { CliContext } from '../context.js';
import { runLogins } from './login.js';

/** A demo login: a browser variant of the demo portal, or `api` (its HTTP login API, no browser). */
export type DemoLoginVariant = DemoVariant | 'api';

export interface DemoArgs {
  variant: DemoLoginVariant;
  user: string;
  stateDir: string;
  artifactsDir: string;
  headed: boolean;
  timeout: number;
  json: boolean;
  verbose: boolean;
  trace: boolean;
}

/** `portal-login demo`: starts the embedded demo portal and logs a demo account in, headless. */
export async function demoCommand(args: DemoArgs, ctx: CliContext): Promise<number> {
  const portal = await startDemoPortal();
  try {
    if (!args.json) ctx.err(`Demo portal running at ${portal.url} (variant "${args.variant}", user "${args.user}"; public demo credentials).`);
    const dirs = { stateDir: resolve(ctx.cwd, args.stateDir), artifactsDir: resolve(ctx.cwd, args.artifactsDir) };
    const source = 'the built-in demo config';
    const setup = args.variant === 'api' ? demoApiLoginSetup(portal.url, [args.user], dirs) : demoLoginSetup(portal.url, [args.variant], [args.user], dirs);
    const status = await runLogins({ ...args, accounts: [], stateDir: undefined, artifactsDir: undefined }, ctx, async () => ({
      config: validateConfig(setup.config, source),
      source,
      env: setup.env,
    }));
    if (status === 0 && !args.json && args.variant === 'api') {
      ctx.out(['', `The session (the API's auth token as tokens.authToken, and its cookie) is in ${resolve(dirs.stateDir, `${args.user}.json`)} (a secret: file mode 0600).`].join('\n'));
    } else if (status === 0 && !args.json) {
      const state = resolve(dirs.stateDir, `${args.user}.json`);
      ctx.out(
        [
          '',
          'Use the saved session (a secret: file mode 0600, keep it out of git):',
          `  Playwright:  const context = await browser.newContext({ storageState: '${state}' });`,
          `  Test config: use: { storageState: '${state}' }`,
        ].join('\n'),
      );
    }
    return status;
  } finally {
    await portal.close();
  }
}
