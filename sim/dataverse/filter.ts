/**
 * `$filter` (and a row trigger's filter expression): parsed into a tree, bound to a table's columns, and
 * compiled to a row predicate. Comparison, logical and grouping operators, literals, contains/startswith/
 * endswith, lookup `_x_value` properties; comparisons with an empty column follow SQL's three-valued logic.
 */
import { DataverseError, incompatibleTypes, notSupported, propertyNotFound, syntaxError } from './errors.js';
import { edmType } from './metadata.js';
import type { EntityDef } from './metadata.js';
import { comparable, compareValues, family, resolveProperty, type Family, type StoredRow } from './odata.js';
import { tokenize, type Token } from './odata-tokens.js';

type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
const COMPARE_OPS: readonly string[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
const UNSUPPORTED_OPS: readonly string[] = ['has', 'in', 'add', 'sub', 'mul', 'div', 'mod'];
const OPERATOR_KIND: Record<CompareOp, string> = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual',
};

type FilterExpr =
  | { kind: 'literal'; edm: string; value: string | number | boolean | null; text: string }
  | { kind: 'property'; path: string[]; at: number }
  | { kind: 'call'; name: string; args: FilterExpr[]; at: number }
  | { kind: 'compare'; op: CompareOp; left: FilterExpr; right: FilterExpr }
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; operand: FilterExpr };

// ---------------------------------------------------------------------------------------------
// Parse
// ---------------------------------------------------------------------------------------------

/** Recursive descent: or → and → not → comparison → primary (literal, group, call, property path). */
class FilterParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parse(): FilterExpr {
    if (this.tokens.length === 0) this.fail();
    const expr = this.orExpr();
    if (this.pos < this.tokens.length) this.fail(this.tokens[this.pos]);
    return expr;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private fail(token?: Token): never {
    throw syntaxError(token?.at ?? this.text.length, this.text);
  }

  private atWord(word: string): boolean {
    const token = this.peek();
    return token?.kind === 'word' && token.text === word;
  }

  private atPunct(punct: string): boolean {
    const token = this.peek();
    return token?.kind === 'punct' && token.text === punct;
  }

  private consume(punct: string): void {
    if (!this.atPunct(punct)) this.fail(this.peek());
    this.pos += 1;
  }

  private orExpr(): FilterExpr {
    let left = this.andExpr();
    while (this.atWord('or')) {
      this.pos += 1;
      left = { kind: 'or', left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(): FilterExpr {
    let left = this.notExpr();
    while (this.atWord('and')) {
      this.pos += 1;
      left = { kind: 'and', left, right: this.notExpr() };
    }
    return left;
  }

  private notExpr(): FilterExpr {
    if (!this.atWord('not')) return this.comparison();
    this.pos += 1;
    return { kind: 'not', operand: this.notExpr() };
  }

  private comparison(): FilterExpr {
    const left = this.primary();
    const token = this.peek();
    if (token?.kind === 'word' && COMPARE_OPS.includes(token.text)) {
      this.pos += 1;
      return { kind: 'compare', op: token.text as CompareOp, left, right: this.primary() };
    }
    if (token?.kind === 'word' && UNSUPPORTED_OPS.includes(token.text)) throw notSupported(`the '${token.text}' operator in $filter`);
    return left;
  }

  private primary(): FilterExpr {
    const token = this.peek();
    if (!token) return this.fail();
    this.pos += 1;
    if (token.kind === 'literal') return { kind: 'literal', edm: token.edm, value: token.value, text: token.text };
    if (token.kind === 'punct' && token.text === '(') {
      const inner = this.orExpr();
      this.consume(')');
      return inner;
    }
    if (token.kind !== 'word') return this.fail(token);
    return this.atPunct('(') ? this.call(token) : this.property(token);
  }

  private call(name: Token): FilterExpr {
    this.pos += 1;
    const args: FilterExpr[] = [];
    if (!this.atPunct(')')) {
      args.push(this.orExpr());
      while (this.atPunct(',')) {
        this.pos += 1;
        args.push(this.orExpr());
      }
    }
    this.consume(')');
    return { kind: 'call', name: name.text, args, at: name.at };
  }

  private property(first: Token): FilterExpr {
    const path = [first.text];
    while (this.atPunct('/')) {
      this.pos += 1;
      const segment = this.peek();
      if (segment?.kind !== 'word') return this.fail(segment);
      path.push(segment.text);
      this.pos += 1;
    }
    return { kind: 'property', path, at: first.at };
  }
}

function parseFilter(text: string): FilterExpr {
  const queryFunction = /\bMicrosoft\.Dynamics\.CRM\.(\w+)/.exec(text);
  if (queryFunction) throw notSupported(`the Dataverse query function ${queryFunction[1]}() in $filter`);
  return new FilterParser(text, tokenize(text)).parse();
}

// ---------------------------------------------------------------------------------------------
// Bind to a table and compile to a predicate
// ---------------------------------------------------------------------------------------------

export type RowPredicate = (row: StoredRow) => boolean;
/** SQL's three-valued logic: a comparison with an empty column is unknown (null), and `not unknown` stays unknown. */
type Truth = boolean | null;
type Condition = (row: StoredRow) => Truth;

interface Operand {
  edm: string;
  get: (row: StoredRow) => unknown;
}

/** What the compiler needs: the table the names are bound to, and the filter text for error positions. */
interface Binding {
  readonly entity: EntityDef;
  readonly text: string;
}

export function compileFilter(entity: EntityDef, text: string): RowPredicate {
  return compileIndexedFilter(entity, text).predicate;
}

/**
 * Equality conditions a row must meet for the filter to hold, as a tree an index can answer: `eq` (a column
 * equals a literal), `and` (both hold: either side's rows are enough candidates), `or` (the rows of both).
 * Date and time columns are left out: they compare by instant, not by text.
 */
export type Narrowing =
  | { readonly kind: 'eq'; readonly column: string; readonly value: string | number | boolean }
  | { readonly kind: 'and' | 'or'; readonly left: Narrowing; readonly right: Narrowing };

/** The row predicate, and when the filter implies column equalities, the narrowing an index can use to find candidate rows. */
export function compileIndexedFilter(entity: EntityDef, text: string): { predicate: RowPredicate; narrowing?: Narrowing } {
  const tree = parseFilter(text);
  const binding = { entity, text };
  const condition = compile(binding, tree);
  const narrowing = narrow(binding, tree);
  return { predicate: (row) => condition(row) === true, ...(narrowing ? { narrowing } : {}) };
}

function narrow(binding: Binding, node: FilterExpr): Narrowing | undefined {
  if (node.kind === 'and' || node.kind === 'or') {
    const left = narrow(binding, node.left);
    const right = narrow(binding, node.right);
    if (left && right) return { kind: node.kind, left, right };
    return node.kind === 'and' ? (left ?? right) : undefined;
  }
  if (node.kind !== 'compare' || node.op !== 'eq') return undefined;
  const [property, literal] = node.left.kind === 'property' ? [node.left, node.right] : [node.right, node.left];
  if (property.kind !== 'property' || literal.kind !== 'literal' || literal.value === null || property.path.length !== 1) return undefined;
  const attribute = resolveProperty(binding.entity, property.path[0]!);
  if (!attribute || family(edmType(attribute)) === 'temporal') return undefined;
  return { kind: 'eq', column: attribute.logicalName, value: literal.value };
}

function compile(binding: Binding, node: FilterExpr): Condition {
  switch (node.kind) {
    case 'and':
      return both(compile(binding, node.left), compile(binding, node.right));
    case 'or':
      return either(compile(binding, node.left), compile(binding, node.right));
    case 'not': {
      const inner = compile(binding, node.operand);
      return (row) => {
        const v = inner(row);
        return v === null ? null : !v;
      };
    }
    case 'compare':
      return compare(node.op, operand(binding, node.left), operand(binding, node.right));
    case 'call':
      return call(binding, node);
    case 'property': {
      const o = operand(binding, node);
      if (o.edm !== 'Edm.Boolean') throw syntaxError(node.at, binding.text);
      return (row) => {
        const v = o.get(row);
        return v === null ? null : v === true;
      };
    }
    case 'literal':
      if (node.edm !== 'Edm.Boolean') throw syntaxError(0, binding.text);
      return () => node.value === true;
  }
}

const both =
  (left: Condition, right: Condition): Condition =>
  (row) => {
    const a = left(row);
    const b = right(row);
    return a === false || b === false ? false : a === null || b === null ? null : true;
  };

const either =
  (left: Condition, right: Condition): Condition =>
  (row) => {
    const a = left(row);
    const b = right(row);
    return a === true || b === true ? true : a === null || b === null ? null : false;
  };

function operand(binding: Binding, node: FilterExpr): Operand {
  if (node.kind === 'literal') return { edm: node.edm, get: () => node.value };
  if (node.kind !== 'property') throw syntaxError(0, binding.text);
  if (node.path.length > 1) throw notSupported(`filtering on values of related rows ('${node.path.join('/')}')`);
  const name = node.path[0]!;
  const attribute = resolveProperty(binding.entity, name);
  if (!attribute) throw propertyNotFound(name, binding.entity.logicalName);
  return { edm: edmType(attribute), get: (row) => comparable(attribute, row[attribute.logicalName]) };
}

function call(binding: Binding, node: Extract<FilterExpr, { kind: 'call' }>): Condition {
  const name = node.name;
  if (name !== 'contains' && name !== 'startswith' && name !== 'endswith') throw notSupported(`the $filter function ${name}()`);
  const [target, pattern] = node.args;
  if (node.args.length !== 2 || target?.kind !== 'property' || pattern?.kind !== 'literal') throw syntaxError(node.at, binding.text);
  const property = operand(binding, target);
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
}

function compare(op: CompareOp, left: Operand, right: Operand): Condition {
  const lf = family(left.edm);
  const rf = family(right.edm);
  const compatible =
    lf === 'null' || rf === 'null' || lf === rf || (lf === 'guid' && rf === 'string') || (lf === 'string' && rf === 'guid');
  if (!compatible) throw incompatibleTypes(left.edm, right.edm, OPERATOR_KIND[op]);
  const kind: Family = lf === 'null' ? rf : lf;
  const withNull = lf === 'null' || rf === 'null';
  return (row) => {
    const a = left.get(row);
    const b = right.get(row);
    if (a === null || b === null) {
      // `x eq null` / `x ne null` test for a value; any other comparison with an empty column is unknown (SQL semantics).
      if (withNull && op === 'eq') return a === b;
      if (withNull && op === 'ne') return a !== b;
      return null;
    }
    return holds(op, compareValues(kind, a, b));
  };
}

function holds(op: CompareOp, order: number): boolean {
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
}

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
