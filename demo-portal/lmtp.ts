/**
 * A minimal LMTP client (RFC 2033) over TCP: enough to drop one message into
 * a local mailbox server (Dovecot's lmtp), as a mail relay would. Used by the
 * demo portal to send its code emails and by the tests' mail harness.
 */
import { connect, type Socket } from 'node:net';

export interface LmtpDelivery {
  host: string;
  port: number;
  /** Envelope sender; default the null sender <>. */
  from?: string;
  to: string;
  /** The whole RFC 5322 message (headers, blank line, body), lines ending in CRLF or LF. */
  raw: string;
}

const TIMEOUT_MS = 10_000;

/** Reads complete (possibly multi-line) replies: "250-…" continues, "250 …" ends one. */
function replyReader(socket: Socket): () => Promise<{ code: number; text: string }> {
  let buffer = '';
  const waiting: Array<(line: string) => void> = [];
  const lines: string[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      lines.push(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
    while (lines.length && waiting.length) waiting.shift()?.(lines.shift() ?? '');
  });
  const nextLine = () => new Promise<string>((resolve) => (lines.length ? resolve(lines.shift() ?? '') : waiting.push(resolve)));
  return async () => {
    const text: string[] = [];
    for (;;) {
      const line = await nextLine();
      text.push(line);
      if (line[3] !== '-') return { code: Number(line.slice(0, 3)), text: text.join('\n') };
    }
  };
}

/** Lines starting with "." get another (RFC 5321 4.5.2), and the message ends with CRLF . CRLF. */
function dataBlock(raw: string): string {
  const lines = raw.replace(/\r?\n/g, '\r\n').replace(/\r\n$/, '').split('\r\n');
  return lines.map((line) => (line.startsWith('.') ? `.${line}` : line)).join('\r\n') + '\r\n.\r\n';
}

/** Delivers one message to one recipient; rejects with the server's reply when it refuses. */
export async function lmtpDeliver(delivery: LmtpDelivery): Promise<void> {
  const socket = connect(delivery.port, delivery.host);
  socket.setTimeout(TIMEOUT_MS);
  const failed = new Promise<never>((_, reject) => {
    socket.once('error', reject);
    socket.once('timeout', () => reject(new Error(`LMTP ${delivery.host}:${delivery.port} did not answer within ${TIMEOUT_MS} ms`)));
  });
  // Handled here too: an error after the last reply must not become an unhandled rejection.
  failed.catch(() => undefined);
  const read = replyReader(socket);
  const expect = async (command: string | undefined, want: number) => {
    if (command !== undefined) socket.write(command);
    const reply = await Promise.race([read(), failed]);
    if (reply.code !== want) throw new Error(`LMTP ${delivery.host}:${delivery.port} answered ${JSON.stringify(reply.text)} to ${command ? JSON.stringify(command.split(' ')[0]?.trim()) : 'the connection'}`);
  };
  try {
    await expect(undefined, 220);
    await expect('LHLO portal-login.demo\r\n', 250);
    await expect(`MAIL FROM:<${delivery.from ?? ''}>\r\n`, 250);
    await expect(`RCPT TO:<${delivery.to}>\r\n`, 250);
    await expect('DATA\r\n', 354);
    // LMTP answers once per accepted recipient: one here.
    await expect(dataBlock(delivery.raw), 250);
    socket.end('QUIT\r\n');
  } finally {
    socket.destroy();
  }
}
