import {
  DataverseError,
  cannotConvert,
  incompatibleTypes,
  notSupported,
  propertyNotFound,
  syntaxError,
  unterminatedLiteral,
} from './errors.js';
import { edmType, type AttributeDef, type EntityDef, type Metadata } from './metadata.js';

/**
 * The OData subset the emulator understands: `$filter` (comparison, logical and grouping operators,
 * literals, contains/startswith/endswith, lookup `_x_value` properties), `$select`, `$orderby`,
 * `$expand` of single-valued navigation properties with a nested `$select`, and entity keys (a GUID or
 * alternate-key values). Parsed against the table's metadata, so an unknown property is refused the
 * way Dataverse refuses it.
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
// Tokens
// ---------------------------------------------------------------------------------------------

type Token =
  | { kind: 'punct'; text: '(' | ')' | ',' | '/' | '=' | ';'; at: number }
  | { kind: 'word'; text: string; at: number }
  | { kind: 'literal'; edm: string; value: string | number | boolean | null; text: string; at: number };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\w:])/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDfFlL]?(?![\w.])/;
const WORD = /^[A-Za-z_$][\w.$]*/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '/' || c === '=' || c === ';') {
      tokens.push({ kind: 'punct', text: c, at: i });
      i += 1;
      continue;
    }
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw unterminatedLiteral(text.length, text);
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j += 1;
      }
      tokens.push({ kind: 'literal', edm: 'Edm.String', value, text: text.slice(i, j + 1), at: i });
      i = j + 1;
      continue;
    }
    const rest = text.slice(i);
    const guid = GUID.exec(rest);
    if (guid) {
      tokens.push({ kind: 'literal', edm: 'Edm.Guid', value: guid[0].toLowerCase(), text: guid[0], at: i });
      i += guid[0].length;
      continue;
    }
    const dateTime = DATETIME.exec(rest);
    if (dateTime) {
      const ms = Date.parse(dateTime[0]);
      if (Number.isNaN(ms)) throw cannotConvert(dateTime[0], 'Edm.DateTimeOffset');
      tokens.push({ kind: 'literal', edm: 'Edm.DateTimeOffset', value: dateTime[0], text: dateTime[0], at: i });
      i += dateTime[0].length;
      continue;
    }
    const date = DATE.exec(rest);
    if (date) {
      tokens.push({ kind: 'literal', edm: 'Edm.Date', value: date[0], text: date[0], at: i });
      i += date[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number) {
      const raw = number[0];
      const digits = raw.replace(/[mMdDfFlL]$/, '');
      const edm =
        /[eE]/.test(digits) || /[dDfF]$/.test(raw)
          ? 'Edm.Double'
          : /[.mM]/.test(raw)
            ? 'Edm.Decimal'
            : Math.abs(Number(digits)) > 2147483647 || /[lL]$/.test(raw)
              ? 'Edm.Int64'
              : 'Edm.Int32';
      tokens.push({ kind: 'literal', edm, value: Number(digits), text: raw, at: i });
      i += raw.length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word) {
      const w = word[0];
      if (w === 'true' || w === 'false') tokens.push({ kind: 'literal', edm: 'Edm.Boolean', value: w === 'true', text: w, at: i });
      else if (w === 'null') tokens.push({ kind: 'literal', edm: 'null', value: null, text: w, at: i });
      else tokens.push({ kind: 'word', text: w, at: i });
      i += w.length;
      continue;
    }
    throw syntaxError(i, text);
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// $filter: parse
// ---------------------------------------------------------------------------------------------

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
const COMPARE_OPS: readonly string[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
const OPERATOR_KIND: Record<CompareOp, string> = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual',
};

export type FilterExpr =
  | { kind: 'literal'; edm: string; value: string | number | boolean | null; text: string }
  | { kind: 'property'; path: string[]; at: number }
  | { kind: 'call'; name: string; args: FilterExpr[]; at: number }
  | { kind: 'compare'; op: CompareOp; left: FilterExpr; right: FilterExpr }
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; operand: FilterExpr };

export function parseFilter(text: string): FilterExpr {
  const queryFunction = /\bMicrosoft\.Dynamics\.CRM\.(\w+)/.exec(text);
  if (queryFunction) throw notSupported(`the Dataverse query function ${queryFunction[1]}() in $filter`);
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const fail = (token?: Token): never => {
    throw syntaxError(token?.at ?? text.length, text);
  };
  const isWord = (token: Token | undefined, word: string): boolean => token?.kind === 'word' && token.text === word;
  const expect = (punct: string): void => {
    const token = peek();
    if (token?.kind !== 'punct' || token.text !== punct) fail(token);
    pos += 1;
  };

  const orExpr = (): FilterExpr => {
    let left = andExpr();
    while (isWord(peek(), 'or')) {
      pos += 1;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): FilterExpr => {
    let left = notExpr();
    while (isWord(peek(), 'and')) {
      pos += 1;
      left = { kind: 'and', left, right: notExpr() };
    }
    return left;
  };
  const notExpr = (): FilterExpr => {
    if (isWord(peek(), 'not')) {
      pos += 1;
      return { kind: 'not', operand: notExpr() };
    }
    return comparison();
  };
  const comparison = (): FilterExpr => {
    const left = primary();
    const token = peek();
    if (token?.kind === 'word' && COMPARE_OPS.includes(token.text)) {
      pos += 1;
      return { kind: 'compare', op: token.text as CompareOp, left, right: primary() };
    }
    if (token?.kind === 'word' && ['has', 'in', 'add', 'sub', 'mul', 'div', 'mod'].includes(token.text)) {
      throw notSupported(`the '${token.text}' operator in $filter`);
    }
    return left;
  };
  const primary = (): FilterExpr => {
    const token = peek();
    if (!token) return fail();
    if (token.kind === 'literal') {
      pos += 1;
      return { kind: 'literal', edm: token.edm, value: token.value, text: token.text };
    }
    if (token.kind === 'punct' && token.text === '(') {
      pos += 1;
      const inner = orExpr();
      expect(')');
      return inner;
    }
    if (token.kind === 'word') {
      pos += 1;
      const next = peek();
      if (next?.kind === 'punct' && next.text === '(') {
        pos += 1;
        const args: FilterExpr[] = [];
        if (!(peek()?.kind === 'punct' && (peek() as { text: string }).text === ')')) {
          args.push(orExpr());
          while (peek()?.kind === 'punct' && (peek() as { text: string }).text === ',') {
            pos += 1;
            args.push(orExpr());
          }
        }
        expect(')');
        return { kind: 'call', name: token.text, args, at: token.at };
      }
      const path = [token.text];
      while (peek()?.kind === 'punct' && (peek() as { text: string }).text === '/') {
        pos += 1;
        const segment = peek();
        if (segment?.kind !== 'word') return fail(segment);
        path.push(segment.text);
        pos += 1;
      }
      return { kind: 'property', path, at: token.at };
    }
    return fail(token);
  };

  if (tokens.length === 0) fail();
  const expr = orExpr();
  if (pos < tokens.length) fail(tokens[pos]);
  return expr;
}

// ---------------------------------------------------------------------------------------------
// $filter: bind to a table and compile to a predicate
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

interface Operand {
  edm: string;
  get: (row: StoredRow) => unknown;
}

/** The comparable form of a stored value: lookups by id, multi-select as its Web API string. */
export function comparable(attribute: AttributeDef, value: StoredValue | undefined): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (attribute.type === 'lookup') return (value as LookupValue).id;
  if (attribute.type === 'multiselect') return (value as readonly number[]).join(',');
  return value as string | number | boolean;
}

export type RowPredicate = (row: StoredRow) => boolean;
/** SQL's three-valued logic: a comparison with an empty column is unknown (null), and `not unknown` stays unknown. */
type Truth = boolean | null;
type Condition = (row: StoredRow) => Truth;

export function compileFilter(entity: EntityDef, text: string): RowPredicate {
  const expr = parseFilter(text);

  const operand = (node: FilterExpr): Operand => {
    if (node.kind === 'literal') return { edm: node.edm, get: () => node.value };
    if (node.kind === 'property') {
      if (node.path.length > 1) throw notSupported(`filtering on values of related rows ('${node.path.join('/')}')`);
      const name = node.path[0]!;
      const attribute = resolveProperty(entity, name);
      if (!attribute) throw propertyNotFound(name, entity.logicalName);
      return { edm: edmType(attribute), get: (row) => comparable(attribute, row[attribute.logicalName]) };
    }
    throw syntaxError(0, text);
  };

  const compile = (node: FilterExpr): Condition => {
    switch (node.kind) {
      case 'and': {
        const l = compile(node.left);
        const r = compile(node.right);
        return (row) => {
          const a = l(row);
          const b = r(row);
          return a === false || b === false ? false : a === null || b === null ? null : true;
        };
      }
      case 'or': {
        const l = compile(node.left);
        const r = compile(node.right);
        return (row) => {
          const a = l(row);
          const b = r(row);
          return a === true || b === true ? true : a === null || b === null ? null : false;
        };
      }
      case 'not': {
        const o = compile(node.operand);
        return (row) => {
          const v = o(row);
          return v === null ? null : !v;
        };
      }
      case 'compare':
        return compare(node.op, operand(node.left), operand(node.right));
      case 'call':
        return call(node);
      case 'property': {
        const o = operand(node);
        if (o.edm !== 'Edm.Boolean') throw syntaxError(node.at, text);
        return (row) => {
          const v = o.get(row);
          return v === null ? null : v === true;
        };
      }
      case 'literal':
        if (node.edm !== 'Edm.Boolean') throw syntaxError(0, text);
        return () => node.value === true;
    }
  };

  const call = (node: Extract<FilterExpr, { kind: 'call' }>): Condition => {
    const name = node.name;
    if (name !== 'contains' && name !== 'startswith' && name !== 'endswith') {
      throw notSupported(`the $filter function ${name}()`);
    }
    const [target, pattern] = node.args;
    if (node.args.length !== 2 || target?.kind !== 'property' || pattern?.kind !== 'literal') throw syntaxError(node.at, text);
    const property = operand(target);
    if (pattern.edm !== 'Edm.String' || property.edm !== 'Edm.String') {
      throw new DataverseError(
        400,
        '0x0',
        `No function signature for the function with name '${name}' matches the specified arguments. ` +
          `The function signatures considered are: ${name}(Edm.String Nullable=true, Edm.String Nullable=true).`,
      );
    }
    const like = likePattern(String(pattern.value), name);
    return (row) => {
      const value = property.get(row);
      return typeof value === 'string' ? like.test(value) : null;
    };
  };

  const compare = (op: CompareOp, left: Operand, right: Operand): Condition => {
    const lf = family(left.edm);
    const rf = family(right.edm);
    const compatible =
      lf === 'null' || rf === 'null' || lf === rf || (lf === 'guid' && rf === 'string') || (lf === 'string' && rf === 'guid');
    if (!compatible) throw incompatibleTypes(left.edm, right.edm, OPERATOR_KIND[op]);
    const kind: Family = lf === 'null' ? rf : lf;
    return (row) => {
      const a = left.get(row);
      const b = right.get(row);
      if (a === null || b === null) {
        // `x eq null` / `x ne null` test for a value; any other comparison with an empty column is unknown (SQL semantics).
        if (lf === 'null' || rf === 'null') {
          if (op === 'eq') return a === b;
          if (op === 'ne') return a !== b;
        }
        return null;
      }
      const order = compareValues(kind, a, b);
      switch (op) {
        case 'eq':
          return order === 0;
        case 'ne':
          return order !== 0;
        case 'gt':
          return order > 0;
        case 'ge':
          return order >= 0;
        case 'lt':
          return order < 0;
        case 'le':
          return order <= 0;
      }
    };
  };

  const condition = compile(expr);
  return (row) => condition(row) === true;
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

/** contains/startswith/endswith are LIKE conditions: `%`, `_` and `[...]` in the value are wildcards (Dataverse documents this). */
function likePattern(value: string, fn: 'contains' | 'startswith' | 'endswith'): RegExp {
  let source = '';
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i]!;
    if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else if (c === '[') {
      const end = value.indexOf(']', i + 1);
      if (end < 0) {
        source += '\\[';
        continue;
      }
      const body = value.slice(i + 1, end);
      source += body.startsWith('^') ? `[^${escapeClass(body.slice(1))}]` : `[${escapeClass(body)}]`;
      i = end;
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const anchored = fn === 'contains' ? source : fn === 'startswith' ? `^${source}` : `${source}$`;
  return new RegExp(anchored, 'iu');
}
const escapeClass = (body: string): string => body.replace(/[\\\]]/g, '\\$&');

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
