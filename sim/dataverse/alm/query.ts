/**
 * The little OData the solution-lifecycle tables answer in the emulator (see CONTRACT.md, section L): `$select`,
 * `$filter` with `eq`/`ne` comparisons joined by `and` (strings, numbers, booleans, null), and `$expand` of the
 * environment variable values. Anything else is refused with 501, never silently ignored.
 */
import { DataverseError, notSupported } from '../errors.js';

export type AlmRow = Record<string, unknown>;

interface Comparison {
  column: string;
  negate: boolean;
  value: unknown;
}

const COMPARISON = /^\s*([A-Za-z_][\w]*)\s+(eq|ne)\s+('(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|null|[0-9a-fA-F-]{36})\s*$/;

export function parseFilter(filter: string): Comparison[] {
  return filter.split(/\s+and\s+/).map((part) => {
    const match = COMPARISON.exec(part);
    if (!match) throw notSupported(`the $filter '${filter}' on solution lifecycle tables (only eq/ne joined by and)`);
    const literal = match[3]!;
    const value = literal.startsWith("'")
      ? literal.slice(1, -1).replace(/''/g, "'")
      : literal === 'null'
        ? null
        : literal === 'true' || literal === 'false'
          ? literal === 'true'
          : /^-?\d/.test(literal) && !literal.includes('-', 1)
            ? Number(literal)
            : literal;
    return { column: match[1]!, negate: match[2] === 'ne', value };
  });
}

const same = (a: unknown, b: unknown): boolean =>
  typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : (a ?? null) === (b ?? null);

export function matches(row: AlmRow, comparisons: readonly Comparison[], entity: string): boolean {
  return comparisons.every(({ column, negate, value }) => {
    if (!(column in row))
      throw new DataverseError(400, '0x0', `Could not find a property named '${column}' on type 'Microsoft.Dynamics.CRM.${entity}'.`);
    return same(row[column], value) !== negate;
  });
}

export function selectColumns(row: AlmRow, select: string | null, entity: string): AlmRow {
  if (!select) return { ...row };
  const out: AlmRow = {};
  for (const column of select.split(',').map((name) => name.trim())) {
    if (!(column in row))
      throw new DataverseError(400, '0x0', `Could not find a property named '${column}' on type 'Microsoft.Dynamics.CRM.${entity}'.`);
    out[column] = row[column];
  }
  return out;
}

/** Query options other than these are refused. */
export function checkOptions(query: URLSearchParams, allowed: readonly string[]): void {
  for (const name of query.keys()) {
    if (name.startsWith('$') && !allowed.includes(name)) throw notSupported(`the ${name} query option on solution lifecycle tables`);
  }
}
