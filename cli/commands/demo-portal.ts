import { PortalLoginError } from '../../core/errors.js';
import { startDemoPortal } from '../../demo-portal/server.js';
import { DEMO_PASSWORD, DEMO_USERNAMES } from '../../demo-portal/users.js';
import { DEMO_VARIANTS, variantLoginUrl } from '../../demo-portal/variants.js';
import type { CliContext } from '../context.js';

/** `portal-login demo-portal`: serves the demo portal until interrupted (to try configs against it, or as a test web server). */
export async function demoPortalCommand(args: { port: number }, ctx: CliContext, stop: Promise<unknown> = untilSignal()): Promise<number> {
  const portal = await startDemoPortal({ port: args.port }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') throw error;
    throw new PortalLoginError('USAGE', `Cannot listen on 127.0.0.1:${args.port} (${error.code === 'EADDRINUSE' ? 'already in use' : 'not allowed'}).`, {
      hint: 'Pick another --port, or --port 0 for any free one.',
    });
  });
  ctx.out(`Demo portal listening on ${portal.url}`);
  for (const variant of DEMO_VARIANTS) ctx.out(`  ${variant.padEnd(8)} ${variantLoginUrl(portal.url, variant)}`);
  ctx.out(`Users: ${DEMO_USERNAMES[0]}, ${DEMO_USERNAMES[1]}..${DEMO_USERNAMES[DEMO_USERNAMES.length - 1]}; password ${DEMO_PASSWORD} (public demo values). Ctrl-C stops.`);
  await stop;
  await portal.close();
  return 0;
}

function untilSignal(): Promise<unknown> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
