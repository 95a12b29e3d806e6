// Loaded with `node --import`: appends every module the process loads to $IMPORT_LOG,
// ESM through a resolve hook and CommonJS through Module._load.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const log = process.env.IMPORT_LOG;
if (log && !process.env.IMPORT_LOG_HOOKED) {
  process.env.IMPORT_LOG_HOOKED = '1';
  register(import.meta.url, { data: { log } });
  const load = Module._load;
  Module._load = function (request, ...rest) {
    appendFileSync(log, `require:${request}\n`);
    return load.call(this, request, ...rest);
  };
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
