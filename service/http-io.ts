import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler answers; the server writes it and the audit line from it. */
export interface Reply {
  status: number;
  /** JSON body; none for 204. */
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
}

/** Vault's error shape: `{"errors":["…"]}`. */
export function vaultError(status: number, ...messages: string[]): Reply {
  return { status, body: { errors: messages } };
}

export const PERMISSION_DENIED = (): Reply => vaultError(403, 'permission denied');

/** Request bodies above this are refused (413) unread: entries are a few hundred bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

export type BodyResult = { ok: true; json: unknown } | { ok: false; reply: Reply };

/** Reads a JSON body of at most MAX_BODY_BYTES; an empty body is `{}`, as Vault's clients may send. */
export async function readJsonBody(req: IncomingMessage): Promise<BodyResult> {
  const tooLarge = (): BodyResult => ({ ok: false, reply: { ...vaultError(413, `request body larger than ${MAX_BODY_BYTES} bytes`), headers: { connection: 'close' } } });
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return tooLarge();
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return { ok: true, json: {} };
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reply: vaultError(400, 'request body is not valid JSON') };
  }
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body) + '\n';
  res.writeHead(reply.status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }).end(text);
}

/** The token from `X-Vault-Token`, else `Authorization: Bearer`. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const vault = req.headers['x-vault-token'];
  if (typeof vault === 'string' && vault !== '') return vault;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}
