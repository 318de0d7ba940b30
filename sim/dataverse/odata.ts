import { DataverseError, notSupported, propertyNotFound, syntaxError } from './errors.js';
import type { AttributeDef, EntityDef, Metadata } from './metadata.js';
import { tokenize } from './odata-tokens.js';

/**
 * The OData subset the emulator understands besides `$filter` (filter.ts): stored values and how they
 * compare, `$select`, `$orderby`, `$expand` of single-valued navigation properties with a nested
 * `$select`, and entity keys (a GUID or alternate-key values). Parsed against the table's metadata, so
 * an unknown property is refused the way Dataverse refuses it.
 */

/** A stored lookup value. */
export interface LookupValue {
  readonly id: string;
  readonly entity: string;
}
/** Internal value of a column: strings (dates as `YYYY-MM-DD`, date-times as ISO), numbers, booleans, lookups, multi-select values. */
export type StoredValue = string | number | boolean | LookupValue | readonly number[] | null;
export type StoredRow = Record<string, StoredValue>;

// ---------------------------------------------------------------------------------------------
// Properties and values
// ---------------------------------------------------------------------------------------------

/** A property of the Web API: a column, or a lookup's `_x_value`. */
export function resolveProperty(entity: EntityDef, name: string): AttributeDef | undefined {
  const lookup = /^_(.+)_value$/.exec(name);
  if (lookup) {
    const attribute = entity.attributes.get(lookup[1]!);
    return attribute?.type === 'lookup' ? attribute : undefined;
  }
  const attribute = entity.attributes.get(name);
  return attribute && attribute.type !== 'lookup' ? attribute : undefined;
}

export type Family = 'string' | 'number' | 'boolean' | 'temporal' | 'guid' | 'null';
export const family = (edm: string): Family => {
  switch (edm) {
    case 'Edm.String':
      return 'string';
    case 'Edm.Int32':
    case 'Edm.Int64':
    case 'Edm.Decimal':
    case 'Edm.Double':
      return 'number';
    case 'Edm.Boolean':
      return 'boolean';
    case 'Edm.DateTimeOffset':
    case 'Edm.Date':
      return 'temporal';
    case 'Edm.Guid':
      return 'guid';
    default:
      return 'null';
  }
};

/** The comparable form of a stored value: lookups by id, multi-select as its Web API string. */
export function comparable(attribute: AttributeDef, value: StoredValue | undefined): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (attribute.type === 'lookup') return (value as LookupValue).id;
  if (attribute.type === 'multiselect') return (value as readonly number[]).join(',');
  return value as string | number | boolean;
}

/** Orders two non-null values of one type family the way SQL Server's default collation does (strings case-insensitively). */
export function compareValues(kind: Family, a: unknown, b: unknown): number {
  if (kind === 'temporal') {
    const x = toTime(String(a));
    const y = toTime(String(b));
    return x === y ? 0 : x < y ? -1 : 1;
  }
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x === y ? 0 : x < y ? -1 : 1;
}

const toTime = (value: string): number => Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);

// ---------------------------------------------------------------------------------------------
// $select, $orderby, $expand
// ---------------------------------------------------------------------------------------------

const splitTop = (text: string, separator: string): string[] => {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const c of text) {
    if (c === "'") quoted = !quoted;
    if (!quoted && c === '(') depth += 1;
    if (!quoted && c === ')') depth -= 1;
    if (!quoted && depth === 0 && c === separator) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
};

/** `$select`: the Web API property names, checked against the table. */
export function parseSelect(entity: EntityDef, text: string): AttributeDef[] {
  return splitTop(text, ',').map((name) => {
    if (name === '*') throw notSupported('$select=*');
    const attribute = resolveProperty(entity, name);
    if (!attribute) throw propertyNotFound(name, entity.logicalName);
    return attribute;
  });
}

export interface OrderBy {
  readonly attribute: AttributeDef;
  readonly descending: boolean;
}

export function parseOrderBy(entity: EntityDef, text: string): OrderBy[] {
  return splitTop(text, ',').map((clause) => {
    const match = /^(\S+)(?:\s+(asc|desc))?$/.exec(clause);
    if (!match) throw syntaxError(0, text);
    const name = match[1]!;
    if (name.includes('/')) throw notSupported(`ordering by values of related rows ('${name}')`);
    const attribute = resolveProperty(entity, name);
    if (!attribute) throw propertyNotFound(name, entity.logicalName);
    return { attribute, descending: match[2] === 'desc' };
  });
}

export interface Expand {
  readonly navigation: string;
  readonly attribute: string;
  readonly target: EntityDef;
  readonly select?: AttributeDef[];
}

export function parseExpand(metadata: Metadata, entity: EntityDef, text: string): Expand[] {
  return splitTop(text, ',').map((item) => {
    const match = /^([A-Za-z_][\w]*)(?:\((.*)\))?$/s.exec(item);
    if (!match) throw syntaxError(0, text);
    const name = match[1]!;
    const nav = entity.navigation.get(name);
    if (!nav) {
      if (metadata.cascades.some((c) => c.parent === entity.logicalName && c.relationship === name)) {
        throw notSupported(`$expand of collection-valued navigation properties ('${name}')`);
      }
      throw propertyNotFound(name, entity.logicalName);
    }
    const target = metadata.entities.get(nav.target)!;
    let select: AttributeDef[] | undefined;
    for (const option of splitTop(match[2] ?? '', ';')) {
      const eq = option.indexOf('=');
      const key = option.slice(0, eq).trim();
      const value = option.slice(eq + 1).trim();
      if (key === '$select') select = parseSelect(target, value);
      else throw notSupported(`the ${key} option inside $expand`);
    }
    return { navigation: name, attribute: nav.attribute, target, ...(select ? { select } : {}) };
  });
}

// ---------------------------------------------------------------------------------------------
// Entity keys: `(guid)` or `(col='value',other=1)` / `(_lookup_value=guid)`.
// ---------------------------------------------------------------------------------------------

export type EntityKey =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'alternate'; readonly values: ReadonlyMap<string, string | number | boolean> };

export function parseKey(text: string): EntityKey {
  const tokens = tokenize(text);
  if (tokens.length === 1 && tokens[0]!.kind === 'literal' && tokens[0]!.edm === 'Edm.Guid') {
    return { kind: 'id', id: tokens[0]!.value as string };
  }
  if (tokens.length === 1 && tokens[0]!.kind === 'literal' && tokens[0]!.edm === 'Edm.String') {
    throw new DataverseError(400, '0x80060888', `Unrecognized 'Edm.String' literal '${tokens[0]!.text}' at '1' in '${text}'.`);
  }
  const values = new Map<string, string | number | boolean>();
  let i = 0;
  while (i < tokens.length) {
    const name = tokens[i];
    const eq = tokens[i + 1];
    const value = tokens[i + 2];
    if (name?.kind !== 'word' || eq?.kind !== 'punct' || eq.text !== '=' || value?.kind !== 'literal' || value.value === null) {
      throw new DataverseError(400, '0x80060888', 'Bad Request - Error in query syntax.');
    }
    values.set(name.text, value.value);
    i += 3;
    if (i < tokens.length) {
      const comma = tokens[i];
      if (comma?.kind !== 'punct' || comma.text !== ',' || i + 1 >= tokens.length)
        throw new DataverseError(400, '0x80060888', 'Bad Request - Error in query syntax.');
      i += 1;
    }
  }
  if (values.size === 0) throw new DataverseError(400, '0x80060888', 'Bad Request - Error in query syntax.');
  return { kind: 'alternate', values };
}
