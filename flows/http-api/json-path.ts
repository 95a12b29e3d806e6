/**
 * Dot paths into JSON ("data.token", "result.0.jwt"): how the config says
 * where a token is in a reply, and where a value goes in a JSON body.
 */

/** The value at `path` in `value`, or undefined when any step is missing. A numeric step also indexes an array. */
export function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const step of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    // Own keys only: "constructor" or "__proto__" in a reply path must not reach Object.prototype.
    if (!Object.hasOwn(current, step)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/** Sets `path` in `target` to `value`, creating the objects on the way ({} per missing step). */
export function writePath(target: Record<string, unknown>, path: string, value: string): void {
  const steps = path.split('.');
  const last = steps.pop()!;
  let current = target;
  for (const step of steps) {
    const next = Object.hasOwn(current, step) ? current[step] : undefined;
    const child = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : {};
    defineOwn(current, step, child);
    current = child;
  }
  defineOwn(current, last, value);
}

/** An own property even for "__proto__", which plain assignment would turn into a prototype change. */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A token read from a reply: a non-empty string (a number is taken as its digits), else undefined. */
export function tokenAt(value: unknown, path: string): string | undefined {
  const found = readPath(value, path);
  if (typeof found === 'number' && Number.isFinite(found)) return String(found);
  return typeof found === 'string' && found.trim() !== '' ? found : undefined;
}
