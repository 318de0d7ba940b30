/** How any value reads in a diagnostic message: strings as they are, other primitives as String() prints them, the rest as JSON. */
export function display(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    default:
      try {
        return JSON.stringify(value) ?? typeof value;
      } catch {
        return Object.prototype.toString.call(value);
      }
  }
}
