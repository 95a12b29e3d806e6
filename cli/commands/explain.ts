import { resolve } from 'node:path';
import { selectAccounts } from '../../config/accounts.js';
import { loadConfigFile } from '../../config/load.js';
import { explainRecipe } from '../../flows/fast-path/explain.js';
import { loadRecipe, recipePath } from '../../flows/fast-path/recipe-store.js';
import type { CliContext } from '../context.js';

export interface ExplainArgs {
  account: string;
  config: string;
  stateDir?: string;
  json: boolean;
}

/**
 * `portal-login explain <account>`: the fast-path recipe learned for the
 * account's portal, as text (or the recipe itself with --json). A recipe
 * holds no secret, code, token or cookie value, so this prints none. No
 * recipe yet (or an API portal, which has none) is not an error: it says
 * why and exits 0.
 */
export async function explainCommand(args: ExplainArgs, ctx: CliContext): Promise<number> {
  const { config, source } = await loadConfigFile(resolve(ctx.cwd, args.config));
  const [account] = selectAccounts(config, [args.account], source);
  const portalName = config.accounts[account!]!.portal;
  const portal = config.portals[portalName]!;
  const stateDir = args.stateDir ? resolve(ctx.cwd, args.stateDir) : config.stateDir;
  if (portal.flow !== 'browser') {
    ctx.out(args.json ? 'null' : `Portal ${portalName} logs in over its HTTP API (flow: ${portal.flow}); there is no browser login to learn.`);
    return 0;
  }
  const path = recipePath(stateDir, portalName);
  const recipe = await loadRecipe(stateDir, portalName);
  if (args.json) {
    ctx.out(JSON.stringify(recipe ?? null, null, 2));
    return 0;
  }
  if (!recipe) {
    const next = portal.fastPath === 'off' ? 'fastPath is off for this portal: set it to learn or auto to record one.' : `The next browser login of ${account} records one (fastPath: ${portal.fastPath}).`;
    ctx.out(`No recipe learned yet for portal ${portalName} (${path}). ${next}`);
    return 0;
  }
  ctx.out(explainRecipe(recipe, { portal: portalName, fastPath: portal.fastPath, path }));
  return 0;
}
