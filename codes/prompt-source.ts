import type { CodeConfig } from '../config/code-schema.js';
import { PortalLoginError } from '../core/errors.js';
import { readHidden } from '../core/terminal-input.js';
import type { CodeSource } from './code-source.js';

type PromptCode = Extract<CodeConfig, { source: 'prompt' }>;

/** The terminal a person types the code on. */
export interface Terminal {
  input: NodeJS.ReadStream;
  write: (text: string) => void;
}

export interface PromptSourceOptions {
  config: PromptCode;
  /** `accounts.NAME.code`, for messages. */
  ref: string;
  account: string;
  terminal: Terminal;
}

/**
 * Asks a person for the code on the terminal, without echoing it. Without a
 * terminal the account fails before the portal is contacted
 * (promptNeedsTerminal), so a scheduled run never hangs on a prompt.
 */
export function promptCodeSource(options: PromptSourceOptions): CodeSource {
  const { config, ref, terminal } = options;
  return {
    method: config.method,
    rejectedHint: 'Type the newest code the portal sent (or your authenticator shows), promptly: an old code is rejected.',
    async next(request) {
      const question = request.afterRejection ? `The portal rejected that code. Enter a NEW code for ${options.account}: ` : `Verification code for ${options.account}: `;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new PortalLoginError('CODE_TIMEOUT', `No code was typed within ${config.timeoutSeconds} s.`, { hint: `Run again when you can type it, or raise ${ref}.timeoutSeconds.` })),
          config.timeoutSeconds * 1000,
        );
      });
      try {
        const typed = (await Promise.race([readHidden(terminal.input, terminal.write, question), timedOut])).trim().replace(/\s+/g, '');
        if (!/^[0-9A-Za-z]{4,10}$/.test(typed)) {
          throw new PortalLoginError('CODE_SOURCE_FAILED', 'What was typed is not a verification code (4 to 10 letters or digits); nothing was sent to the portal.', { hint: 'Run again and type the code the portal asks for.' });
        }
        return { code: typed, label: 'typed at the prompt' };
      } catch (error) {
        if (error instanceof PortalLoginError) throw error;
        throw new PortalLoginError('CODE_SOURCE_FAILED', 'The prompt for the code was interrupted; nothing was sent to the portal.', { hint: 'Run again to be asked once more.' });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The error for a prompt account in a run without a terminal (cron, CI, a pipe): raised before any portal is contacted. */
export function promptNeedsTerminal(ref: string): PortalLoginError {
  return new PortalLoginError('CODE_SOURCE_FAILED', `${ref}: source prompt asks for the code on a terminal, and this run has none (stdin is not a TTY).`, {
    hint: 'Run it from a terminal, or give the account a source that needs no person: totp (totpSecretEnv), command or email.',
  });
}
