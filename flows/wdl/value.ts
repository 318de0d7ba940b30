import { Expr } from './expr.js';

/** A JSON value in a flow definition where any string may be an expression. */
export type Value = Expr | string | number | boolean | null | Value[] | { [key: string]: Value };

/** The JSON to write: expressions become `@…` strings. */
export function plain(value: Value): unknown {
  if (value instanceof Expr) return value.at;
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  return value;
}
