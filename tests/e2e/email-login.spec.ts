/**
 * `code: { source: email }` through the real CLI: the screen loop picks
 * "email" on the choice screen, the demo portal mails the code over LMTP
 * into a real Dovecot, and the email source reads it over IMAP.
 */
import type { ConfigInput } from '../../config/schema.js';
import { runCli } from '../support/cli.js';
import type { Dovecot } from '../../devtools/dovecot.js';
import { expect } from '../support/fixtures.js';
import { mailTest } from '../support/mail-fixtures.js';

const it = mailTest;

/** The account reads its code from the test's mailbox instead of a TOTP secret. */
function emailCode(user: string, mail: Dovecot, extra: Record<string, unknown> = {}) {
  return (c: ConfigInput) => {
    const account = c.accounts[user]!;
    delete account.totpSecretEnv;
    account.code = { source: 'email', imap: { host: mail.host, port: mail.imapPort, security: 'plain', user: mail.user, passwordEnv: 'IMAP_PASSWORD' }, from: '@demo-broker.example', ...extra } as never;
  };
}

it('email: the flow chooses email, reads the mailed code over IMAP and logs in; the code is never printed', async ({ mail, mailPortal, demoWorkspace }) => {
  const ws = await demoWorkspace(mailPortal.url, ['email'], ['demo31'], emailCode('demo31', mail));
  const run = await runCli(['login', '--config', ws.configPath, '--verbose'], { cwd: ws.dir, env: { ...ws.env, IMAP_PASSWORD: mail.password } });
  expect(run.stderr).toContain('Chose a code sent by email as the verification method.');
  expect(run.status).toBe(0);
  const sent = mailPortal.sentEmails('demo31');
  expect(sent).toHaveLength(1);
  expect(mailPortal.submittedCodes('demo31')).toEqual([sent[0]!.code]);
  expect(run.stderr + run.stdout).not.toContain(sent[0]!.code);
  expect(run.stderr + run.stdout).not.toContain(mail.password);
});

it('emailstale: an older code email already in the mailbox is ignored; the new one is used', async ({ mail, mailPortal, demoWorkspace }) => {
  const ws = await demoWorkspace(mailPortal.url, ['emailstale'], ['demo32'], emailCode('demo32', mail));
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: { ...ws.env, IMAP_PASSWORD: mail.password } });
  expect(run.status).toBe(0);
  const sent = mailPortal.sentEmails('demo32');
  expect(sent.length).toBe(2);
  expect(mailPortal.submittedCodes('demo32')).toEqual([sent[sent.length - 1]!.code]);
});

it('emaillost: no email comes: CODE_TIMEOUT (exit 19) naming the mailbox and the filter; no code is sent', async ({ mail, mailPortal, demoWorkspace }) => {
  const ws = await demoWorkspace(mailPortal.url, ['emaillost'], ['demo33'], emailCode('demo33', mail, { timeoutSeconds: 2 }));
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: { ...ws.env, IMAP_PASSWORD: mail.password } });
  expect(run.stderr).toContain('error [CODE_TIMEOUT]');
  expect(run.stderr).toContain('INBOX');
  expect(run.stderr).toContain('@demo-broker.example');
  expect(run.status).toBe(19);
  expect(mailPortal.submittedCodes('demo33')).toEqual([]);
});

it('a wrong mailbox password is CODE_SOURCE_FAILED (exit 20) before the portal is sent anything', async ({ mail, mailPortal, demoWorkspace }) => {
  const ws = await demoWorkspace(mailPortal.url, ['email'], ['demo34'], emailCode('demo34', mail));
  const run = await runCli(['login', '--config', ws.configPath], { cwd: ws.dir, env: { ...ws.env, IMAP_PASSWORD: 'not-the-mailbox-password' } });
  expect(run.stderr).toContain('error [CODE_SOURCE_FAILED]');
  expect(run.stderr).not.toContain('not-the-mailbox-password');
  expect(run.status).toBe(20);
  expect(mailPortal.loginAttempts('demo34')).toBe(0);
});
