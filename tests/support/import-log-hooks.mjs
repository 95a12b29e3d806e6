// Module hooks (loaded with `node --import`): append every resolved module URL to $IMPORT_LOG.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';

const log = process.env.IMPORT_LOG;
if (log && !process.env.IMPORT_LOG_HOOKED) {
  process.env.IMPORT_LOG_HOOKED = '1';
  register(import.meta.url, { data: { log } });
}

let target;
export function initialize(data) {
  target = data?.log;
}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (target) appendFileSync(target, result.url + '\n');
  return result;
}
