/**
 * `portal-login serve` over real HTTP on loopback, started as a user would
 * (the built CLI, --port 0, its URL read from stdout), with vaults made by
 * `vault add` and `token create`. Vault's TOTP engine routes, the 403 rule
 * on each of them, input limits, the audit log, what is on disk, restarts,
 * concurrent writers and the no-reuse rule of `unused=true`.
 */
import { test, expect } from '../support/fixtures.js';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { addEntry, cli, newToken, serve, workspace, type Workspace } from '../support/team-service.js';

const SECRET = 'JBSWY3DPEHPK3PXPGEZDGNBVGY3TQOJQ'; // 20 bytes
const OTHER_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const PREFIX = 'portal-login-service-';

interface Answer {
  status: number;
  json: { data?: Record<string, unknown>; errors?: string[] } | undefined;
  headers: Headers;
  text: string;
}

/** A request helper per test that counts its requests, so a test can check the audit log has exactly one line each. */
function apiClient() {
  const calls = { count: 0 };
  const call = async (base: string, method: string, path: string, token?: string, body?: unknown, header: 'vault' | 'bearer' = 'vault'): Promise<Answer> => {
    calls.count += 1;
    const headers: Record<string, string> = {};
    if (token !== undefined) headers[header === 'vault' ? 'X-Vault-Token' : 'Authorization'] = header === 'vault' ? token : `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Answer['json']) : undefined, headers: res.headers, text };
  };
  return { call, calls };
}

const codeOf = (secret: string, step: number, period = 30, digits = 6, algorithm = 'SHA1') =>
  TOTP.generate({ secret: Secret.fromBase32(secret), period, digits, algorithm, timestamp: step * period * 1000 });

async function auditLines(ws: Workspace): Promise<Record<string, unknown>[]> {
  return (await readFile(`${ws.vault}.audit.jsonl`, 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('every endpoint: write, read metadata, list, code (Vault header or Bearer), delete; one audit line each and no secret in it', async ({ tempDir }) => {
  const { call, calls } = apiClient();
  const ws = await workspace(await tempDir(PREFIX));
  await addEntry(ws, 'acme-prod', SECRET, ['--issuer', 'ACME', '--account-name', 'ops@acme.test']);
  const admin = await newToken(ws, 'admin', ['*'], ['--write']);
  const server = await serve(ws);
  const codes: string[] = [];
  try {
    const url = `otpauth://totp/Broker:bob%40broker.test?secret=${OTHER_SECRET}&issuer=Broker&digits=8&period=60&algorithm=SHA256`;
    expect((await call(server.url, 'POST', '/v1/totp/keys/broker', admin, { url })).status).toBe(204);
    expect((await call(server.url, 'POST', '/v1/totp/keys/plain', admin, { key: OTHER_SECRET, issuer: 'P', account_name: 'me', period: '30s', digits: 6, algorithm: 'SHA1', generate: false })).status).toBe(204);

    const meta = await call(server.url, 'GET', '/v1/totp/keys/broker', admin);
    expect(meta.status).toBe(200);
    expect(meta.json).toEqual({ data: { account_name: 'bob@broker.test', algorithm: 'SHA256', digits: 8, issuer: 'Broker', period: 60 } });
    expect((await call(server.url, 'GET', '/v1/totp/keys/acme-prod', admin)).json?.data).toMatchObject({ issuer: 'ACME', account_name: 'ops@acme.test', period: 30 });

    expect((await call(server.url, 'GET', '/v1/totp/keys?list=true', admin)).json).toEqual({ data: { keys: ['acme-prod', 'broker', 'plain'] } });

    for (const [name, secret, period, digits, algorithm, header] of [['acme-prod', SECRET, 30, 6, 'SHA1', 'vault'], ['broker', OTHER_SECRET, 60, 8, 'SHA256', 'bearer']] as const) {
      const before = Math.floor(Date.now() / 1000 / period);
      const reply = await call(server.url, 'GET', `/v1/totp/code/${name}`, admin, undefined, header);
      const after = Math.floor(Date.now() / 1000 / period);
      expect(reply.status).toBe(200);
      const data = reply.json!.data as { code: string; seconds_left: number; step: number };
      expect([before, after]).toContain(data.step);
      expect(data.code).toBe(codeOf(secret, data.step, period, digits, algorithm));
      expect(data.seconds_left).toBeGreaterThanOrEqual(0);
      expect(data.seconds_left).toBeLessThanOrEqual(period);
      codes.push(data.code);
    }

    expect((await call(server.url, 'DELETE', '/v1/totp/keys/plain', admin)).status).toBe(204);
    expect((await call(server.url, 'GET', '/v1/totp/keys/plain', admin)).json).toEqual({ errors: ['unknown key'] });
    for (const [method, path] of [['GET', '/v1/totp/keys/plain'], ['GET', '/v1/totp/code/plain'], ['DELETE', '/v1/totp/keys/plain']] as const) {
      expect((await call(server.url, method, path, admin)).status).toBe(404);
    }
  } finally {
    await server.stop();
  }
  const lines = await auditLines(ws);
  expect(lines).toHaveLength(calls.count);
  expect(lines[0]).toMatchObject({ action: 'key.write', entry: 'broker', status: 204, token: expect.stringMatching(/^[a-f0-9]{16}$/) });
  expect(Object.keys(lines[0]!).sort()).toEqual(['action', 'entry', 'status', 'time', 'token']);
  const log = await readFile(`${ws.vault}.audit.jsonl`, 'utf8');
  for (const leak of [SECRET, OTHER_SECRET, admin, ...codes]) expect(log).not.toContain(leak);
});

test('403 permission denied on every endpoint without a valid token, with a revoked or expired one, or outside its scope', async ({ tempDir }) => {
  const { call } = apiClient();
  const ws = await workspace(await tempDir(PREFIX));
  await addEntry(ws, 'acme-prod', SECRET);
  await addEntry(ws, 'billing', OTHER_SECRET);
  const acmeReader = await newToken(ws, 'acme-reader', ['acme-*']);
  const acmeWriter = await newToken(ws, 'acme-writer', ['acme-*'], ['--write']);
  const revoked = await newToken(ws, 'revoked', ['*'], ['--write']);
  const expiring = await newToken(ws, 'expiring', ['*'], ['--write', '--expires', '1s']);
  const server = await serve(ws);
  try {
    const list = await cli(ws, ['token', 'list', '--json']);
    const revokedId = (JSON.parse(list.stdout) as { id: string; name: string }[]).find((t) => t.name === 'revoked')!.id;
    expect(list.stdout).not.toContain(revoked);
    // Revoked while the server runs: refused from the next request on.
    expect((await cli(ws, ['token', 'revoke', revokedId])).status).toBe(0);
    await new Promise((done) => setTimeout(done, 1100)); // `expiring` is now past its expiry
    const endpoints = [
      ['GET', '/v1/totp/keys?list=true', undefined],
      ['GET', '/v1/totp/keys/billing', undefined],
      ['POST', '/v1/totp/keys/billing', { key: SECRET }],
      ['DELETE', '/v1/totp/keys/billing', undefined],
      ['GET', '/v1/totp/code/billing', undefined],
      ['GET', '/v1/totp/code/billing?unused=true&min_seconds_left=5', undefined],
      ['GET', '/v1/totp/code/no-such-key', undefined],
      ['GET', '/v1/no/such/route', undefined],
    ] as const;
    for (const token of [undefined, '', 'not-a-token', acmeReader + 'x', revoked, expiring]) {
      for (const [method, path, body] of endpoints) {
        const reply = await call(server.url, method, path, token, body);
        expect(reply.status, `${method} ${path}`).toBe(403);
        expect(reply.json).toEqual({ errors: ['permission denied'] });
      }
    }
    // Outside the scope: every named endpoint is 403 (an unknown name too: existence is not revealed), and the list leaves it out.
    for (const token of [acmeReader, acmeWriter]) {
      for (const [method, path, body] of endpoints.slice(1, 7)) expect((await call(server.url, method, path, token, body)).status, `${method} ${path}`).toBe(403);
      expect((await call(server.url, 'GET', '/v1/totp/keys?list=true', token)).json).toEqual({ data: { keys: ['acme-prod'] } });
    }
    // In scope but read-only: no writes.
    expect((await call(server.url, 'POST', '/v1/totp/keys/acme-new', acmeReader, { key: SECRET })).status).toBe(403);
    expect((await call(server.url, 'DELETE', '/v1/totp/keys/acme-prod', acmeReader)).status).toBe(403);
    expect((await call(server.url, 'GET', '/v1/totp/code/acme-prod', acmeReader)).status).toBe(200);
    expect((await call(server.url, 'POST', '/v1/totp/keys/acme-new', acmeWriter, { key: SECRET })).status).toBe(204);
  } finally {
    await server.stop();
  }
  const entries = JSON.parse((await cli(ws, ['vault', 'list', '--json'])).stdout) as { name: string }[];
  expect(entries.map((e) => e.name)).toEqual(['acme-new', 'acme-prod', 'billing']); // nothing refused was written
});

test('bad input: base32, names, unknown fields and query parameters, JSON, oversized bodies, LIST; rate limit 429', async ({ tempDir }) => {
  const { call } = apiClient();
  const ws = await workspace(await tempDir(PREFIX));
  await addEntry(ws, 'acme', SECRET, ['--period', '10']);
  const admin = await newToken(ws, 'admin', ['*'], ['--write']);
  const server = await serve(ws);
  try {
    const bad = async (method: string, path: string, body: unknown, status: number, says: RegExp) => {
      const reply = await call(server.url, method, path, admin, body);
      expect(reply.status, `${method} ${path}`).toBe(status);
      expect(reply.json?.errors?.join(' ')).toMatch(says);
      return reply;
    };
    const badBase32 = await bad('POST', '/v1/totp/keys/x', { key: 'JBSWY3DP0189JBSWY3DP' }, 400, /not valid base32/);
    expect(badBase32.text).not.toContain('JBSWY3DP');
    await bad('POST', '/v1/totp/keys/x', { url: 'https://example.test/' }, 400, /otpauth/);
    await bad('POST', '/v1/totp/keys/x', { key: SECRET, exported: true }, 400, /unknown field.*"exported"/);
    await bad('POST', '/v1/totp/keys/x', { key: SECRET, period: 5 }, 400, /period/);
    await bad('POST', '/v1/totp/keys/x', {}, 400, /exactly one/);
    await bad('POST', '/v1/totp/keys/x', '{not json', 400, /not valid JSON/);
    await bad('POST', '/v1/totp/keys/x', { key: SECRET, issuer: 'x'.repeat(17 * 1024) }, 413, /larger than 16384/);
    for (const name of ['a%20b', 'x'.repeat(65), 'a:b', 'a%2Fb']) await bad('GET', `/v1/totp/keys/${name}`, undefined, 400, /invalid key name/);
    await bad('GET', '/v1/totp/code/acme?min_seconds_left=10', undefined, 400, /min_seconds_left/);
    await bad('GET', '/v1/totp/code/acme?unused=yes', undefined, 400, /unused/);
    await bad('GET', '/v1/totp/code/acme?ttl=5', undefined, 400, /unknown query parameter/);
    await bad('GET', '/v1/totp/keys', undefined, 405, /list=true/);
    await bad('PATCH', '/v1/totp/keys/acme', undefined, 405, /unsupported/);

    // Node's parser does not know LIST: a raw request still gets a Vault-shaped answer.
    const { port, hostname } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    socket.end(`LIST /v1/totp/keys HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${admin}\r\n\r\n`);
    let raw = '';
    socket.on('data', (d) => (raw += d));
    await once(socket, 'close');
    expect(raw).toMatch(/^HTTP\/1.1 405/);
    expect(raw).toContain('use GET with ?list=true');
  } finally {
    await server.stop();
  }

  const limited = await serve(ws, ['--rate', '1']); // burst 2
  try {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const reply = await call(limited.url, 'GET', '/v1/totp/keys/acme', admin);
      statuses.push(reply.status);
      if (reply.status === 429) retryAfter = reply.headers.get('retry-after');
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  } finally {
    await limited.stop();
  }
});

test('the vault file holds no secret in any form; a wrong passphrase is refused (17) and leaves the file as it was; a tampered file is refused (18)', async ({ tempDir }) => {
  const dir = await tempDir(PREFIX);
  const ws: Workspace = { dir, vault: join(dir, 'team.vault'), env: { PORTAL_LOGIN_VAULT_PASSPHRASE: 'correct horse battery staple' }, args: ['--vault', join(dir, 'team.vault')] };
  await addEntry(ws, 'acme', SECRET);
  await addEntry(ws, 'broker', `otpauth://totp/Broker:me?secret=${OTHER_SECRET}&issuer=Broker`);
  const token = await newToken(ws, 'ci', ['*']);
  const bytes = await readFile(ws.vault);
  for (const secret of [SECRET, OTHER_SECRET]) {
    const raw = Buffer.from(Secret.fromBase32(secret).bytes);
    for (const form of [secret, secret.toLowerCase(), raw, raw.toString('base64'), raw.toString('hex')]) expect(bytes.includes(form)).toBe(false);
  }
  expect(bytes.includes(token)).toBe(false);
  expect(bytes.includes('acme')).toBe(false);

  const wrong: Workspace = { ...ws, env: { PORTAL_LOGIN_VAULT_PASSPHRASE: 'wrong horse battery staple' } };
  for (const args of [['vault', 'list'], ['vault', 'add', 'evil'], ['serve', '--port', '0']]) {
    const run = await cli(wrong, args, SECRET);
    expect(run.status, args.join(' ')).toBe(17);
    expect(run.stderr).toContain('error [VAULT_LOCKED]');
    expect(run.stderr).not.toContain('wrong horse');
  }
  expect(await readFile(ws.vault)).toEqual(bytes);

  const envelope = JSON.parse(bytes.toString('utf8')) as { ciphertext: string };
  const flipped = Buffer.from(envelope.ciphertext, 'base64');
  flipped[5]! ^= 0x01;
  await writeFile(ws.vault, JSON.stringify({ ...envelope, ciphertext: flipped.toString('base64') }));
  for (const args of [['vault', 'list'], ['serve', '--port', '0']]) {
    const run = await cli(ws, args);
    expect(run.status, args.join(' ')).toBe(18);
    expect(run.stderr).toContain('error [VAULT_CORRUPT]');
    expect(run.stderr).toContain('changed or damaged');
  }
});

test('concurrent writers lose nothing: 10 `vault add` processes and 10 parallel POSTs; a restart keeps every entry', async ({ tempDir }) => {
  const { call } = apiClient();
  const ws = await workspace(await tempDir(PREFIX));
  const admin = await newToken(ws, 'admin', ['*'], ['--write']);
  const server = await serve(ws);
  const names = Array.from({ length: 10 }, (_, i) => `cli-${i}`);
  const posted = Array.from({ length: 10 }, (_, i) => `http-${i}`);
  try {
    const runs = await Promise.all([
      ...names.map((name) => cli(ws, ['vault', 'add', name], SECRET)),
      ...posted.map((name) => call(server.url, 'POST', `/v1/totp/keys/${name}`, admin, { key: OTHER_SECRET })),
    ]);
    for (const run of runs) expect('status' in run && (run.status === 0 || run.status === 204), JSON.stringify(run)).toBe(true);
    expect((await call(server.url, 'GET', '/v1/totp/keys?list=true', admin)).json?.data?.keys).toEqual([...names, ...posted].sort());
  } finally {
    await server.stop();
  }
  const again = await serve(ws);
  try {
    expect((await call(again.url, 'GET', '/v1/totp/keys?list=true', admin)).json?.data?.keys).toEqual([...names, ...posted].sort());
    const code = await call(again.url, 'GET', '/v1/totp/code/http-3', admin);
    expect((code.json?.data as { code: string }).code).toBe(codeOf(OTHER_SECRET, (code.json?.data as { step: number }).step));
  } finally {
    await again.stop();
  }
});

test('unused=true: 20 concurrent requests for one key never get the same code; the rest wait at most a period or get 429; a restart does not reuse a window', async ({ tempDir }) => {
  const { call } = apiClient();
  const ws = await workspace(await tempDir(PREFIX));
  await addEntry(ws, 'acme', SECRET, ['--period', '10']);
  const ci = await newToken(ws, 'ci', ['acme']);
  let server = await serve(ws, ['--rate', '1000']);
  const served: { code: string; step: number; seconds_left: number }[] = [];
  try {
    const replies = await Promise.all(Array.from({ length: 20 }, () => call(server.url, 'GET', '/v1/totp/code/acme?unused=true&min_seconds_left=3', ci)));
    for (const reply of replies) {
      expect([200, 429]).toContain(reply.status);
      if (reply.status === 200) served.push(reply.json!.data as (typeof served)[number]);
      else expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect(served.length).toBeGreaterThanOrEqual(1);
    expect(new Set(served.map((s) => s.code)).size).toBe(served.length);
    expect(new Set(served.map((s) => s.step)).size).toBe(served.length);
    for (const s of served) {
      expect(s.code).toBe(codeOf(SECRET, s.step, 10));
      expect(s.seconds_left).toBeGreaterThanOrEqual(3);
    }
    await server.stop();
    server = await serve(ws);
    const next = await call(server.url, 'GET', '/v1/totp/code/acme?unused=true', ci);
    if (next.status === 200) expect((next.json!.data as { step: number }).step).toBeGreaterThan(Math.max(...served.map((s) => s.step)));
    else expect(next.status).toBe(429);
  } finally {
    await server.stop();
  }
});

test('listening: a non-loopback host needs TLS or --insecure-listen; with --tls-cert/--tls-key it serves HTTPS', async ({ tempDir }) => {
  const ws = await workspace(await tempDir(PREFIX));
  await addEntry(ws, 'acme', SECRET);
  const token = await newToken(ws, 'ci', ['*']);
  const refused = await cli(ws, ['serve', '--host', '0.0.0.0', '--port', '0']);
  expect(refused.status).toBe(2);
  expect(refused.stderr).toContain('Refusing to listen on 0.0.0.0 without TLS');
  const half = await cli(ws, ['serve', '--tls-cert', 'x.pem']);
  expect(half.status).toBe(2);

  const cert = join(ws.dir, 'cert.pem');
  const key = join(ws.dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
  expect(made.status, made.stderr?.toString()).toBe(0);
  const server = await serve(ws, ['--tls-cert', cert, '--tls-key', key]);
  try {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = await readFile(cert);
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(`${server.url}/v1/totp/keys?list=true`, { ca, headers: { 'X-Vault-Token': token } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toEqual({ data: { keys: ['acme'] } });
  } finally {
    await server.stop();
  }
});
