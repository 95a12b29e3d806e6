/**
 * Which Vault TOTP engine operation a request is. Matching is on the raw
 * path (no decoding): names are plain [A-Za-z0-9._-], anything else is a bad name.
 */
export type Operation = 'key.write' | 'key.read' | 'key.list' | 'key.delete' | 'code.read';

export type Route =
  | { kind: 'page' }
  | { kind: 'operation'; operation: Operation; name: string | null; query: URLSearchParams }
  | { kind: 'no-route'; status: 404 | 405; message: string; name: string | null };

/** Query parameters each operation takes; any other is a 400. */
export const QUERY_KEYS: Readonly<Record<Operation, readonly string[]>> = {
  'key.write': [],
  'key.read': [],
  'key.list': ['list'],
  'key.delete': [],
  'code.read': ['min_seconds_left', 'unused'],
};

const KEY_METHODS: Readonly<Record<string, Operation>> = { GET: 'key.read', POST: 'key.write', PUT: 'key.write', DELETE: 'key.delete' };

export function matchRoute(method: string, rawUrl: string): Route {
  const [path = '', search = ''] = rawUrl.split('?', 2);
  const query = new URLSearchParams(search);
  // The team page (service/web-page.ts); any query is ignored, a token never belongs in one.
  if (path === '/' && (method === 'GET' || method === 'HEAD')) return { kind: 'page' };
  const parts = path.split('/');
  // ['', 'v1', 'totp', 'keys' | 'code', name?]
  if (parts.length < 4 || parts.length > 5 || parts[0] !== '' || parts[1] !== 'v1' || parts[2] !== 'totp') return noHandler(path, null);
  const name = parts[4] ?? null;
  if (parts[3] === 'keys' && (name === null || name === '')) {
    if ((method === 'GET' && query.get('list') === 'true') || method === 'LIST') return { kind: 'operation', operation: 'key.list', name: null, query };
    return { kind: 'no-route', status: 405, message: 'unsupported operation (list with GET ?list=true)', name: null };
  }
  if (name === null || name === '') return noHandler(path, null);
  if (parts[3] === 'keys') {
    const operation = KEY_METHODS[method];
    return operation ? { kind: 'operation', operation, name, query } : { kind: 'no-route', status: 405, message: 'unsupported operation', name };
  }
  if (parts[3] === 'code') {
    return method === 'GET' ? { kind: 'operation', operation: 'code.read', name, query } : { kind: 'no-route', status: 405, message: 'unsupported operation (validating a code is not offered)', name };
  }
  return noHandler(path, null);
}

function noHandler(path: string, name: string | null): Route {
  return { kind: 'no-route', status: 404, message: `no handler for route "${path.slice(0, 100)}"`, name };
}
