import type { CodeConfig, CodeSourceKind } from '../config/code-schema.js';
import type { AccountConfig, PortalConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Redactor } from '../core/redact.js';
import { resolveTotpSpec } from '../totp/spec.js';
import type { StepLedger } from '../totp/step-ledger.js';
import type { CodeSource } from './code-source.js';
import { commandCodeSource } from './command-source.js';
import { emailCodeSource } from './email-source.js';
import { promptCodeSource, promptNeedsTerminal, type Terminal } from './prompt-source.js';
import { totpCodeSource } from './totp-source.js';
import { vaultCodeSource } from './vault-source.js';

/**
 * Code-source kinds: config branch → source. Each kind names the secrets it
 * reads (checked with every other secret of the run before anything starts)
 * and prepares a factory the flow calls once it knows the portal's clock.
 * Adding a kind is one file, one branch in config/code-schema.ts and one line in CODE_KINDS.
 */

/** What a source may need from the run; each kind takes what it uses. */
export interface CodeSourceContext {
  /** The portal's clock (this machine's, corrected by the measured skew). */
  clock: Clock;
  ledger: StepLedger;
  redactor: Redactor;
  log: Logger;
  env: NodeJS.ProcessEnv;
}

/** Builds the account's source for one login. */
export type CodeSourceFactory = (context: CodeSourceContext) => CodeSource;

/** Where the account's code config sits, and what the run can offer before it starts. */
export interface CodeSetting {
  account: string;
  accountConfig: AccountConfig;
  portal: PortalConfig;
  /** Config file name, for messages. */
  source: string;
  /** The terminal of this run, when it has one (stdin is a TTY). */
  terminal?: Terminal;
}

interface CodeKind<C extends CodeConfig> {
  /** Env var names this source reads, by config key (`secretEnv`, `imap.passwordEnv`…). */
  secrets(config: C): Record<string, string>;
  /** Checks the secrets' values and the run (fails before any portal is contacted) and returns the source's factory. */
  prepare(config: C, values: Record<string, string>, setting: CodeSetting, redactor: Redactor): CodeSourceFactory;
  /** Talks to the run's terminal itself (a prompt): then nothing else may redraw it (cli/progress.ts stays plain). */
  usesTerminal: boolean;
}

const totp: CodeKind<Extract<CodeConfig, { source: 'totp' }>> = {
  usesTerminal: false,
  secrets: (config) => ({ secretEnv: config.secretEnv }),
  prepare(config, values, setting, redactor) {
    const { accountConfig, portal } = setting;
    const where = `${config.secretEnv} (${setting.source}: ${secretKeyPath(setting, 'secretEnv')})`;
    const spec = resolveTotpSpec(values.secretEnv!, { account: accountConfig.totp, portal: portal.totp }, where);
    redactor.add(spec.secret.base32);
    // The schema filled the portal's minSecondsLeft, so the account's is the only override.
    const minSecondsLeft = accountConfig.totp?.minSecondsLeft ?? portal.totp.minSecondsLeft;
    return ({ clock, ledger }) => totpCodeSource({ spec, ledger, clock, minSecondsLeft });
  },
};

const command: CodeKind<Extract<CodeConfig, { source: 'command' }>> = {
  usesTerminal: false,
  secrets: () => ({}),
  prepare: (config, _values, setting) => (context) => commandCodeSource({ config, ref: refOf(setting), env: context.env, clock: context.clock }),
};

const prompt: CodeKind<Extract<CodeConfig, { source: 'prompt' }>> = {
  usesTerminal: true,
  secrets: () => ({}),
  prepare(config, _values, setting) {
    const terminal = setting.terminal;
    if (!terminal) throw promptNeedsTerminal(`${setting.source}: ${refOf(setting)}`);
    return () => promptCodeSource({ config, ref: refOf(setting), account: setting.account, terminal });
  },
};

const email: CodeKind<Extract<CodeConfig, { source: 'email' }>> = {
  usesTerminal: false,
  secrets: (config) => ({ 'imap.passwordEnv': config.imap.passwordEnv }),
  prepare: (config, values) => ({ log, redactor }) => emailCodeSource({ config, password: values['imap.passwordEnv']!, log, redactor }),
};

const vault: CodeKind<Extract<CodeConfig, { source: 'vault' }>> = {
  usesTerminal: false,
  secrets: (config) => ({ tokenEnv: config.tokenEnv }),
  prepare(config, values, setting, redactor) {
    const token = values.tokenEnv!;
    redactor.add(token);
    // The portal's TOTP rules: Vault's code reply has no window, so the period is the portal's (it must be the key's).
    const { period, minSecondsLeft } = setting.portal.totp;
    return ({ clock, ledger, redactor: runRedactor }) => vaultCodeSource({ config, token, ref: refOf(setting), clock, ledger, redactor: runRedactor, periodSeconds: period, minSecondsLeft });
  },
};

const CODE_KINDS: { [K in CodeSourceKind]: CodeKind<Extract<CodeConfig, { source: K }>> } = { totp, email, vault, command, prompt };

function kindOf(config: CodeConfig): CodeKind<CodeConfig> {
  return CODE_KINDS[config.source] as CodeKind<CodeConfig>;
}

/** The env vars the account's code source reads, by config key. */
export function codeSecrets(config: CodeConfig): Record<string, string> {
  return kindOf(config).secrets(config);
}

/** See CodeKind.usesTerminal. */
export function codeUsesTerminal(config: CodeConfig): boolean {
  return kindOf(config).usesTerminal;
}

/** See CodeKind.prepare. */
export function prepareCodeSource(config: CodeConfig, values: Record<string, string>, setting: CodeSetting, redactor: Redactor): CodeSourceFactory {
  return kindOf(config).prepare(config, values, setting, redactor);
}

/** The config key an error names: the short form `totpSecretEnv`, or `code.<key>`. */
export function secretKeyPath(setting: Pick<CodeSetting, 'account' | 'accountConfig'>, key: string): string {
  return `accounts.${setting.account}.${setting.accountConfig.codeKey === 'totpSecretEnv' ? 'totpSecretEnv' : `code.${key}`}`;
}

function refOf(setting: CodeSetting): string {
  return `accounts.${setting.account}.code`;
}
