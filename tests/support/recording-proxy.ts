import { createServer, request } from 'node:http';

/** A pass-through proxy in front of a demo portal that remembers the secrets the portal hands out, so tests can look for them. */
export interface RecordingProxy {
  url: string;
  /** Every `token` the portal sent in a /spa/api/verify reply. */
  tokens: string[];
  /** Every cookie value the portal set (Set-Cookie), on any response. */
  cookieValues: string[];
  close(): Promise<void>;
}

/** Forwards every request to `target` unchanged. */
export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const tokens: string[] = [];
  const cookieValues: string[] = [];
  const server = createServer((req, res) => {
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.url?.startsWith('/spa/api/verify') && answer.statusCode === 200) tokens.push((JSON.parse(body.toString()) as { token: string }).token);
        for (const line of answer.headers['set-cookie'] ?? []) cookieValues.push(line.split(';')[0]!.split('=').slice(1).join('='));
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(body);
      });
    });
    req.pipe(upstream);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, tokens, cookieValues, close: () => new Promise((done) => server.close(() => done())) };
}
