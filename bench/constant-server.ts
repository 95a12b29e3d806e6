/**
 * The baseline for the service bench: a bare node:http server answering
 * every request with the same small JSON (the size of a code reply), as a
 * process of its own like `portal-login serve`. Prints its URL on stdout.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const BODY = JSON.stringify({ data: { code: '492039', seconds_left: 17, step: 59234117 } }) + '\n';

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(BODY)), 'cache-control': 'no-store' }).end(BODY);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
