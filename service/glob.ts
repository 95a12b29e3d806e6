/** Entry-name globs for token scopes: `*` any run of characters, `?` one; everything else literal. */
export const GLOB_PATTERN = /^[A-Za-z0-9._*?-]{1,64}$/;

export function isValidGlob(glob: string): boolean {
  return GLOB_PATTERN.test(glob);
}

/** True when `name` matches `glob` as a whole. */
export function globMatches(glob: string, name: string): boolean {
  const source = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`).test(name);
}
