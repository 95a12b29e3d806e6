/**
 * A throwaway Dovecot (Debian's dovecot-imapd + dovecot-lmtpd) for tests and bench/:
 * IMAP and LMTP on free loopback ports, one passwd-file user with a plaintext
 * password, maildir, logs and sockets all in one temp dir that stop() removes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { lmtpDeliver } from '../demo-portal/lmtp.js';

export const DOVECOT_BINARY = '/usr/sbin/dovecot';

export interface DovecotOptions {
  user?: string;
  password?: string;
  /** Mailboxes to create besides INBOX (e.g. "Archive" for afterUse: move). */
  mailboxes?: string[];
  /** Leave IDLE out of the capabilities, like servers that only answer polls. */
  noIdle?: boolean;
}

export interface Dovecot {
  host: '127.0.0.1';
  imapPort: number;
  lmtpPort: number;
  user: string;
  password: string;
  /** Delivers a whole RFC 5322 message to the user's INBOX over LMTP; resolves once Dovecot saved it. */
  deliver(raw: string): Promise<void>;
  stop(): Promise<void>;
}

/** The uid/gid mail processes run as: ours, or as root an unprivileged one (Dovecot refuses uid 0 for mail and login processes). */
async function mailIds(): Promise<{ uid: number; gid: number; user: string }> {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) return { uid, gid: process.getgid?.() ?? uid, user: userInfo().username };
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entry = passwd.split('\n').map((line) => line.split(':')).find((fields) => fields[0] === 'nobody');
  if (!entry) throw new Error('Dovecot harness: running as root needs the user "nobody" for mail processes, and /etc/passwd has none');
  return { uid: Number(entry[2]), gid: Number(entry[3]), user: 'nobody' };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Dovecot's own list after login, minus IDLE. */
const CAPABILITIES_WITHOUT_IDLE = 'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ UIDPLUS MOVE CONDSTORE ESEARCH SEARCHRES LIST-EXTENDED LIST-STATUS NAMESPACE CHILDREN UNSELECT';

function config(dir: string, ports: { imap: number; lmtp: number }, ids: { uid: number; gid: number; user: string }, internalUser: string, noIdle: boolean): string {
  return `# Throwaway config written by devtools/dovecot.ts
${noIdle ? `imap_capability = ${CAPABILITIES_WITHOUT_IDLE}` : ''}
protocols = imap lmtp
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# A wrong password is refused at once (default 2 s), so the test of that error is quick.
auth_failure_delay = 0
mail_location = maildir:${dir}/mail/%n
first_valid_uid = ${ids.uid}
last_valid_uid = ${ids.uid}
default_internal_user = ${internalUser}
default_login_user = ${ids.user}
lmtp_save_to_detail_mailbox = no
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${ids.uid} gid=${ids.gid} home=${dir}/home/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${ports.lmtp}
  }
}
`;
}

/** Resolves once the server greets on `port` ("* OK" / "220"). */
async function greeted(port: number, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Dovecot exited (status ${child.exitCode}) while starting:\n${await readFile(logPath, 'utf8').catch(() => '(no log)')}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', (data) => {
        socket.destroy();
        resolve(/^(\* OK|220)/.test(data.toString()));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Dovecot did not listen on 127.0.0.1:${port} within 10 s:\n${await readFile(logPath, 'utf8').catch(() => '(no log)')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts Dovecot with a fresh config, user and maildir; stop() ends it and removes everything. */
export async function startDovecot(options: DovecotOptions = {}): Promise<Dovecot> {
  const user = options.user ?? 'trader';
  const password = options.password ?? 'imap-test-password';
  const dir = await mkdtemp(join(tmpdir(), 'portal-login-dovecot-'));
  const ids = await mailIds();
  const asRoot = (process.getuid?.() ?? 0) === 0;
  await Promise.all(['run', 'state', 'mail', 'home'].map((sub) => mkdir(join(dir, sub))));
  for (const name of ['INBOX', ...(options.mailboxes ?? [])]) {
    // Maildir++: INBOX is the root, other mailboxes are ".Name" folders.
    const folder = name === 'INBOX' ? join(dir, 'mail', user) : join(dir, 'mail', user, `.${name}`);
    for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(folder, sub), { recursive: true });
    if (name !== 'INBOX') await writeFile(join(folder, 'maildirfolder'), '');
  }
  if (asRoot) {
    // Mail processes run as `nobody`: they must reach the temp dir and own the mail and home trees.
    await chmod(dir, 0o711);
    await chownTree(join(dir, 'mail'), ids);
    await chownTree(join(dir, 'home'), ids);
  }
  await writeFile(join(dir, 'passwd'), `${user}:{PLAIN}${password}\n`, { mode: 0o600 });
  const logPath = join(dir, 'dovecot.log');

  for (let attempt = 1; ; attempt++) {
    // Picked free, then handed over: another process may take one in between, so a start that fails is retried with new ports.
    const ports = { imap: await freePort(), lmtp: await freePort() };
    await writeFile(join(dir, 'dovecot.conf'), config(dir, ports, ids, asRoot ? 'root' : ids.user, options.noIdle ?? false));
    const child = spawn(DOVECOT_BINARY, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    try {
      await spawned;
      await Promise.all([greeted(ports.imap, child, logPath), greeted(ports.lmtp, child, logPath)]);
    } catch (error) {
      await stopChild(child);
      if (attempt < 3 && /in use/i.test(`${stderr}${await readFile(logPath, 'utf8').catch(() => '')}`)) continue;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`Dovecot (${DOVECOT_BINARY}) did not start${stderr ? `: ${stderr.trim()}` : ''}; install dovecot-imapd and dovecot-lmtpd (node scripts/setup.mjs --for-tests)`, { cause: error });
    }
    return {
      host: '127.0.0.1',
      imapPort: ports.imap,
      lmtpPort: ports.lmtp,
      user,
      password,
      deliver: (raw) => lmtpDeliver({ host: '127.0.0.1', port: ports.lmtp, to: user, raw }),
      stop: async () => {
        await stopChild(child);
        await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
      },
    };
  }
}

async function chownTree(path: string, ids: { uid: number; gid: number }): Promise<void> {
  await chown(path, ids.uid, ids.gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.isDirectory()) await chownTree(join(path, entry.name), ids);
    else await chown(join(path, entry.name), ids.uid, ids.gid);
  }
}

/** SIGTERM (Dovecot stops its children itself), SIGKILL if it has not exited after 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
