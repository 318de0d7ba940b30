/** JSON paths for findings: `$.a.b['key with spaces'][0]`. */

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export type PathKey = string | number;

/** Appends keys to a path; keys that are not plain identifiers use the bracket form. */
export function jsonPath(base: string, ...keys: readonly PathKey[]): string {
  return keys.reduce<string>((path, key) => `${path}${segment(key)}`, base);
}

function segment(key: PathKey): string {
  if (typeof key === 'number') return `[${key}]`;
  return PLAIN_KEY.test(key) ? `.${key}` : `['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

export const ROOT_PATH = '$';
