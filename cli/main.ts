#!/usr/bin/env node
import { parseShard } from '../app/shard.js';
import { PortalLoginError } from '../core/errors.js';
import { DEMO_VARIANTS } from '../demo-portal/variants.js';
import { EXPORT_FORMATS } from '../session/export-formats.js';
import { TOTP_DEFAULTS } from '../totp/defaults.js';
import { processContext, type CliContext } from './context.js';
import { parseDuration } from './duration.js';
import { launchEarly } from './early-browser.js';
import { reportThrown } from './report.js';
import { stopOnSignals } from './signals.js';

const DEFAULT_CONFIG = 'portal-login.yaml';

/** Every demo variant a login can pass (the captcha one exists to fail). */
const LOGIN_VARIANTS = [...DEMO_VARIANTS.filter((v) => v !== 'captcha'), 'api' as const];

/** yargs coercion: a number within [min, max] (whole when `integer`), else a usage error naming the option. */
function numberIn(option: string, min: number, max: number, integer = false) {
  return (value: unknown): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new Error(`--${option} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (got ${String(value)}).`);
    }
    return n;
  };
}

/** The part of yargs' internals withoutHelpCache touches (not in @types/yargs). */
interface YargsInternals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } };
}

/**
 * yargs renders the running command's whole help text right after starting
 * its handler, in case the handler later calls showHelp(); none of ours
 * does (errors go through reportThrown). Rendering measures every line with
 * string-width (its emoji regex and Intl.Segmenter are built on first use):
 * about 30 ms of every command's start-up, more than `export` itself takes
 * (bench/sessions.ts, README "Measured"). `--help` does not use this cache.
 * Should a yargs upgrade move the method, this does nothing.
 */
function withoutHelpCache<T>(parser: T): T {
  const usage = (parser as YargsInternals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
  return parser;
}

/**
 * The CLI's one entry point and error boundary. Command modules are loaded
 * only when their command runs, and Playwright only by commands that drive a
 * browser, so `totp` and `--help` start fast.
 */
export async function main(argv: string[], ctx: CliContext): Promise<number> {
  let status = 0;
  const run = (task: () => Promise<number>) => async () => {
    status = await task();
  };
  const browserOptions = {
    headed: { type: 'boolean', default: false, describe: 'Show the browser window' },
    timeout: { type: 'number', default: 30, coerce: numberIn('timeout', 0.1, 3600), describe: 'Seconds to wait for each step' },
    json: { type: 'boolean', default: false, describe: 'Print a machine-readable result on stdout' },
    verbose: { type: 'boolean', default: false, describe: 'Print debug messages (secrets redacted)' },
    trace: { type: 'boolean', default: false, describe: 'On failure, also save a Playwright trace (secrets scrubbed)' },
  } as const;
  // login and refresh: many accounts at once, in one browser (app/pool.ts).
  const manyAccounts = {
    concurrency: { type: 'number', coerce: numberIn('concurrency', 1, 64, true), describe: 'Accounts logged in at once (default: from cores and memory; --verbose says)' },
  } as const;
  const shardOption = {
    shard: { type: 'string', coerce: (value: string) => parseShard(String(value)), describe: 'Only this share of the accounts, i/n (e.g. 2/3 on the second of three machines); stable as accounts come and go' },
  } as const;
  const vaultOptions = {
    vault: { type: 'string', demandOption: true, describe: 'Vault file (encrypted; created by the first vault add / token create)' },
    'key-file': { type: 'string', describe: 'File with a 32-byte key (else $PORTAL_LOGIN_VAULT_KEY or $PORTAL_LOGIN_VAULT_PASSPHRASE)' },
  } as const;
  try {
    const { default: yargs } = await import('yargs');
    await withoutHelpCache(yargs(argv))
      .scriptName('portal-login')
      .usage('$0 <command> [options]')
      .command('demo', 'Start the embedded demo portal and log a demo account in, headless', (y) =>
        y.options({
          ...browserOptions,
          variant: { choices: LOGIN_VARIANTS, default: 'classic' as const, describe: 'Which demo portal style to log into' },
          user: { type: 'string', default: 'demo', describe: 'Demo user (demo, demo01..demo60)' },
          'state-dir': { type: 'string', default: '.portal-login/state', describe: 'Where sessions are saved' },
          'artifacts-dir': { type: 'string', default: '.portal-login/artifacts', describe: 'Where failure screenshots/traces go' },
        }), (args) => run(async () => (await import('./commands/demo.js')).demoCommand(args, ctx))())
      .command('demo-portal', 'Serve the embedded demo portal until Ctrl-C (to try a config against it)', (y) =>
        y.options({ port: { type: 'number', default: 0, describe: 'TCP port on 127.0.0.1 (0 = any free port)' } }),
        (args) => run(async () => (await import('./commands/demo-portal.js')).demoPortalCommand(args, ctx))())
      .command('login [accounts..]', 'Log accounts in (all when none named) and save their sessions', (y) =>
        y
          .positional('accounts', { type: 'string', array: true, default: [] as string[], describe: 'Account names from the config' })
          .options({
            ...browserOptions,
            ...manyAccounts,
            config: { type: 'string', default: ctx.env.PORTAL_LOGIN_CONFIG ?? DEFAULT_CONFIG, describe: 'Config file (YAML or JSON)' },
            'state-dir': { type: 'string', describe: 'Override the config\'s stateDir' },
            'artifacts-dir': { type: 'string', describe: 'Override the config\'s artifactsDir' },
            ...shardOption,
          }), (args) => run(async () => (await import('./commands/login.js')).loginCommand({ ...args, accounts: args.accounts.map(String) }, ctx))())
      .command('inspect [url]', 'Show what detection finds on each login screen (no code is entered), with an annotated screenshot', (y) =>
        y
          .positional('url', { type: 'string', describe: 'Login page to inspect (default: the --account portal\'s loginUrl)' })
          .options({
            headed: browserOptions.headed,
            timeout: browserOptions.timeout,
            json: browserOptions.json,
            verbose: browserOptions.verbose,
            account: { type: 'string', describe: 'Walk this account\'s login up to the code screen (its username and password are submitted; no code)' },
            config: { type: 'string', default: ctx.env.PORTAL_LOGIN_CONFIG ?? DEFAULT_CONFIG, describe: 'Config file, with --account' },
            'artifacts-dir': { type: 'string', describe: 'Where the screenshots go (default: the config\'s artifactsDir, else .portal-login/artifacts)' },
          }), (args) => run(async () => (await import('./commands/inspect.js')).inspectCommand(args, ctx))())
      .command('export <account>', 'Print an account\'s saved session for other programs (curl, Python, Node, Playwright); stdout only', (y) =>
        y
          .positional('account', { type: 'string', demandOption: true, describe: 'Account name from the config' })
          .options({
            format: { choices: EXPORT_FORMATS, demandOption: `Name a format: --format ${EXPORT_FORMATS.join('|')}.`, describe: 'storage-state (Playwright), cookie-header, netscape (cookies.txt), json, env (KEY=value)' },
            url: { type: 'string', describe: 'cookie-header, env: the address the cookies are for (default: the portal\'s loginUrl origin)' },
            'httponly-prefix': { type: 'boolean', default: true, describe: 'netscape: mark HttpOnly cookies #HttpOnly_ as curl does (--no-httponly-prefix for wget)' },
            config: { type: 'string', default: ctx.env.PORTAL_LOGIN_CONFIG ?? DEFAULT_CONFIG, describe: 'Config file (YAML or JSON)' },
            'state-dir': { type: 'string', describe: 'Override the config\'s stateDir' },
            refresh: { type: 'boolean', default: false, describe: 'First check the session (writing rotated cookies back) and log in when it is missing, invalid or expiring within --min-valid' },
            'min-valid': { default: '10m', coerce: parseDuration, describe: 'With --refresh: log in again when the session expires within this (e.g. 30m, 6h)' },
            timeout: browserOptions.timeout,
            verbose: browserOptions.verbose,
          }), (args) => run(async () => (await import('./commands/export.js')).exportCommand({ ...args, minValid: args.minValid }, ctx))())
      .command('explain <account>', 'Print the fast-path recipe learned for an account\'s portal: each request, what it sends where, where each value comes from (no secret in it)', (y) =>
        y
          .positional('account', { type: 'string', demandOption: true, describe: 'Account name from the config' })
          .options({
            json: { type: 'boolean', default: false, describe: 'Print the recipe itself as JSON (null when there is none)' },
            config: { type: 'string', default: ctx.env.PORTAL_LOGIN_CONFIG ?? DEFAULT_CONFIG, describe: 'Config file (YAML or JSON)' },
            'state-dir': { type: 'string', describe: 'Override the config\'s stateDir' },
          }), (args) => run(async () => (await import('./commands/explain.js')).explainCommand(args, ctx))())
      .command('status [accounts..]', 'Show each account\'s saved session and whether it is valid now (no browser; no cookie value is printed)', (y) =>
        y
          .positional('accounts', { type: 'string', array: true, default: [] as string[], describe: 'Account names from the config (all when none named)' })
          .options({
            json: browserOptions.json,
            config: { type: 'string', default: ctx.env.PORTAL_LOGIN_CONFIG ?? DEFAULT_CONFIG, describe: 'Config file (YAML or JSON)' },
            'state-dir': { type: 'string', describe: 'Override the config\'s stateDir' },
            ...shardOption,
          }), (args) => run(async () => (await import('./commands/status.js')).statusCommand({ ...args, accounts: args.accounts.map(String) }, ctx))())
      .command('refresh [accounts..]', 'Log in only the accounts whose session is missing, invalid, past its cutoff or expiring soon', (y) =>
        y
          .positional('accounts', { type: 'string', array: true, default: [] as string[], describe: 'Account names from the config (all when none named)' })
          .options({
            ...browserOptions,
            ...manyAccounts,
            'min-valid': { default: '10m', coerce: parseDuration, describe: 'Log in again when the session expires within this (e.g. 30m, 6h, 1d)' },
            force: { type: 'boolean', default: false, describe: 'Log in every named account, valid or not' },
            config: { type: 'string', default: ctx.env.PORTAL_LOGIN_CONFIG ?? DEFAULT_CONFIG, describe: 'Config file (YAML or JSON)' },
            'state-dir': { type: 'string', describe: 'Override the config\'s stateDir' },
            'artifacts-dir': { type: 'string', describe: 'Override the config\'s artifactsDir' },
            ...shardOption,
          }), (args) =>
          run(async () => (await import('./commands/refresh.js')).refreshCommand({ ...args, accounts: args.accounts.map(String), minValid: args.minValid }, ctx))())
      .command('schedule', 'Run refresh on the config\'s schedule (cron, time zone, holidays) until stopped; --dry-run lists the next runs', (y) =>
        y.options({
          headed: browserOptions.headed,
          timeout: browserOptions.timeout,
          verbose: browserOptions.verbose,
          trace: browserOptions.trace,
          'min-valid': { default: '10m', coerce: parseDuration, describe: 'At each run, log in again when the session expires within this (e.g. 30m, 6h, 1d)' },
          'dry-run': { type: 'boolean', default: false, describe: 'Print the next run times (holidays skipped) and exit' },
          count: { type: 'number', default: 10, coerce: numberIn('count', 1, 1000, true), describe: 'With --dry-run: how many runs to print' },
          from: { type: 'string', describe: 'With --dry-run: list the runs after this ISO time instead of now' },
          config: { type: 'string', default: ctx.env.PORTAL_LOGIN_CONFIG ?? DEFAULT_CONFIG, describe: 'Config file (YAML or JSON) with a schedule: key' },
          'state-dir': { type: 'string', describe: 'Override the config\'s stateDir' },
          'artifacts-dir': { type: 'string', describe: 'Override the config\'s artifactsDir' },
        }), (args) => run(async () => (await import('./commands/schedule.js')).scheduleCommand(args, ctx))())
      .command('totp [secret]', 'Print the current TOTP code and the seconds left', (y) =>
        y
          .positional('secret', { type: 'string', describe: 'Base32 secret or otpauth://totp/ URI (omit to read stdin or be prompted)' })
          .options({
            account: { type: 'string', describe: 'Use this account\'s secret (its env var) from the config' },
            config: { type: 'string', default: ctx.env.PORTAL_LOGIN_CONFIG ?? DEFAULT_CONFIG, describe: 'Config file, with --account' },
            digits: { type: 'number', coerce: numberIn('digits', 6, 10, true), describe: `Code length (default ${TOTP_DEFAULTS.digits}; wins over the URI and the config)` },
            period: { type: 'number', coerce: numberIn('period', 10, 300, true), describe: `Window in seconds (default ${TOTP_DEFAULTS.period})` },
            algorithm: { choices: ['SHA1', 'SHA256', 'SHA512'] as const, describe: `HMAC algorithm (default ${TOTP_DEFAULTS.algorithm})` },
            json: { type: 'boolean', default: false, describe: 'Print {code, secondsLeft, ...} as JSON' },
          }), (args) => run(async () => (await import('./commands/totp.js')).totpCommand(args, ctx))())
      .command('serve', 'Serve the team TOTP service (Vault TOTP engine API) from a vault file until Ctrl-C', (y) =>
        y.options({
          ...vaultOptions,
          host: { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (a non-loopback one needs TLS or --insecure-listen)' },
          port: { type: 'number', default: 8200, coerce: numberIn('port', 0, 65535, true), describe: 'TCP port (0 = any free port)' },
          'tls-cert': { type: 'string', describe: 'PEM certificate: serve HTTPS (with --tls-key)' },
          'tls-key': { type: 'string', describe: 'PEM private key for --tls-cert' },
          'insecure-listen': { type: 'boolean', default: false, describe: 'Allow a non-loopback address without TLS' },
          'audit-log': { type: 'string', describe: 'Append-only JSON-lines audit log (default: VAULT.audit.jsonl)' },
          rate: { type: 'number', default: 50, coerce: numberIn('rate', 1, 1_000_000), describe: 'Requests per second per token (burst twice that)' },
        }), (args) => run(async () => (await import('./commands/serve.js')).serveCommand(args, ctx))())
      .command('vault', 'Add, list or remove TOTP entries in a vault file (vault add|list|rm)', (y) =>
        y
          .command('add <name>', 'Add (or replace) an entry; the base32 secret or otpauth URI is read from stdin or a hidden prompt', (a) =>
            a
              .positional('name', { type: 'string', demandOption: true, describe: 'Entry name ([A-Za-z0-9._-], 1-64)' })
              .options({
                ...vaultOptions,
                issuer: { type: 'string', describe: 'Issuer (default: from the URI)' },
                'account-name': { type: 'string', describe: 'Account name (default: the URI label)' },
                digits: { type: 'number', coerce: numberIn('digits', 6, 10, true), describe: `Code length (default: the URI's, else ${TOTP_DEFAULTS.digits})` },
                period: { type: 'number', coerce: numberIn('period', 10, 300, true), describe: `Window in seconds (default: the URI's, else ${TOTP_DEFAULTS.period})` },
                algorithm: { choices: ['SHA1', 'SHA256', 'SHA512'] as const, describe: `HMAC algorithm (default: the URI's, else ${TOTP_DEFAULTS.algorithm})` },
              }), (args) => run(async () => (await import('./commands/vault.js')).vaultAddCommand({ ...args, name: String(args.name) }, ctx))())
          .command('list', 'List entries (names and parameters, never secrets)', (a) => a.options({ ...vaultOptions, json: { type: 'boolean', default: false, describe: 'Print JSON' } }),
            (args) => run(async () => (await import('./commands/vault.js')).vaultListCommand(args, ctx))())
          .command('rm <name>', 'Remove an entry', (a) => a.positional('name', { type: 'string', demandOption: true }).options(vaultOptions),
            (args) => run(async () => (await import('./commands/vault.js')).vaultRmCommand({ ...args, name: String(args.name) }, ctx))())
          .demandCommand(1, 'Name a vault command: add, list or rm.'), () => undefined)
      .command('token', 'Create, list or revoke API tokens of a vault file (token create|list|revoke)', (y) =>
        y
          .command('create', 'Create a token; its value is printed once on stdout', (a) =>
            a.options({
              ...vaultOptions,
              name: { type: 'string', demandOption: true, describe: 'Who or what the token is for' },
              read: { type: 'string', array: true, demandOption: true, describe: "Entry-name glob it may read codes for (repeatable; '*' = all)" },
              write: { type: 'boolean', default: false, describe: 'May also add and delete the entries its --read globs match' },
              expires: { type: 'string', describe: 'Lifetime: 30d, 12h, 90m, 3600s (default: never)' },
            }), (args) => run(async () => (await import('./commands/token.js')).tokenCreateCommand({ ...args, read: args.read.map(String) }, ctx))())
          .command('list', 'List tokens (ids, names, scopes; never values)', (a) => a.options({ ...vaultOptions, json: { type: 'boolean', default: false, describe: 'Print JSON' } }),
            (args) => run(async () => (await import('./commands/token.js')).tokenListCommand(args, ctx))())
          .command('revoke <id>', 'Revoke a token by id', (a) => a.positional('id', { type: 'string', demandOption: true }).options(vaultOptions),
            (args) => run(async () => (await import('./commands/token.js')).tokenRevokeCommand({ ...args, id: String(args.id) }, ctx))())
          .demandCommand(1, 'Name a token command: create, list or revoke.'), () => undefined)
      .demandCommand(1, 'Name a command: demo, demo-portal, login, status, refresh, schedule, inspect, export, totp, serve, vault or token (see --help).')
      .strict()
      .fail((message, error) => {
        // yargs reports its own parse/coerce problems as YError: those are usage errors; ours and bugs pass through.
        if (error && error.name !== 'YError') throw error;
        throw new PortalLoginError('USAGE', error?.message ?? message, { hint: 'Run `portal-login --help` or `portal-login <command> --help`.' });
      })
      .exitProcess(false)
      .version(false)
      .help()
      .wrap(Math.min(110, process.stdout.columns ?? 110))
      .parseAsync();
    return status;
  } catch (thrown) {
    return reportThrown(ctx, thrown, argv.includes('--json'));
  } finally {
    await ctx.earlyBrowser?.close();
  }
}

// `portal-login totp | head -c6` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});
const argv = process.argv.slice(2);
const ctx = processContext(launchEarly(argv, process.env));
// What a stop leaves intact, in the words of the command that was stopped.
const PORTAL_COMMANDS = new Set(['login', 'refresh', 'schedule', 'demo', 'inspect']);
const whatIsKept = PORTAL_COMMANDS.has(argv[0] ?? '')
  ? 'nothing more was sent to the portal, and the last saved session is unchanged.'
  : 'what it had written is intact (files are replaced by a rename, logs appended a whole line at a time).';
stopOnSignals(async () => ctx.earlyBrowser?.close(), ctx.err, whatIsKept);
process.exitCode = await main(argv, ctx);
