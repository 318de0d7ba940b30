/**
 * The OData subset the Referrals list accepts: `$filter` with eq/ne/gt/ge/lt/le, and/or/not, parentheses,
 * property paths (`customerProfile/address/country`), string/number/boolean/null/date-time/GUID literals and
 * `any`/`all` lambdas over arrays (`team/any(t:t/email eq '…')`); `$orderby` on createdDateTime/updatedDateTime.
 * Anything else is a 400 invalidRequest, naming what was not understood.
 */
import { display } from '../display.js';
import { ApiError, getPath, isObject, parseDateTime } from './referral-model.js';

type Literal = { kind: 'literal'; value: string | number | boolean | null; type: 'string' | 'number' | 'boolean' | 'null' | 'datetime' };
type PathNode = { kind: 'path'; segments: string[] };
type Node =
  | Literal
  | PathNode
  | { kind: 'compare'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; left: Node; right: Node }
  | { kind: 'logical'; op: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'lambda'; fn: 'any' | 'all'; collection: string[]; variable?: string; predicate?: Node };

type Token = { type: 'string' | 'word' | 'lparen' | 'rparen' | 'colon' | 'comma'; text: string; at: number };

const WORD = /[A-Za-z0-9_.:+\-/@$]/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(') {
      tokens.push({ type: 'lparen', text: ch, at: i++ });
      continue;
    }
    if (ch === ')') {
      tokens.push({ type: 'rparen', text: ch, at: i++ });
      continue;
    }
    if (ch === ',') {
      tokens.push({ type: 'comma', text: ch, at: i++ });
      continue;
    }
    if (ch === "'") {
      const start = i++;
      let value = '';
      for (;;) {
        if (i >= text.length) throw invalid(`unterminated string starting at ${start}`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ type: 'string', text: value, at: start });
      continue;
    }
    if (WORD.test(ch)) {
      const start = i;
      while (i < text.length && WORD.test(text[i] as string)) i++;
      let word = text.slice(start, i);
      // `t:t/email`: a lambda variable followed by its colon is split off here.
      const colon = word.indexOf(':');
      if (colon > 0 && !/^\d{4}-\d{2}-\d{2}T/.test(word)) {
        tokens.push({ type: 'word', text: word.slice(0, colon), at: start });
        tokens.push({ type: 'colon', text: ':', at: start + colon });
        word = word.slice(colon + 1);
        if (word === '') continue;
        tokens.push({ type: 'word', text: word, at: start + colon + 1 });
        continue;
      }
      tokens.push({ type: 'word', text: word, at: start });
      continue;
    }
    throw invalid(`unexpected character ${JSON.stringify(ch)} at ${i}`);
  }
  return tokens;
}

const invalid = (message: string): ApiError => new ApiError(400, 'invalidRequest', `Invalid $filter: ${message}`, '$filter');

const COMPARISONS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROPERTY = /^[A-Za-z_@][A-Za-z0-9_]*$/;

/** A literal word: true/false/null, a date-time, a GUID (compared as a string) or a number. */
function literalOf(text: string): Literal | undefined {
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true', type: 'boolean' };
  if (lower === 'null') return { kind: 'literal', value: null, type: 'null' };
  if (DATETIME.test(text)) return { kind: 'literal', value: text, type: 'datetime' };
  if (GUID.test(text)) return { kind: 'literal', value: text, type: 'string' };
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?$/.test(text))
    return { kind: 'literal', value: Number(text.replace(/[mMdDfFlL]$/, '')), type: 'number' };
  return undefined;
}

function checkPath(segments: string[], at: number): void {
  if (segments.length === 0 || segments.some((segment) => !PROPERTY.test(segment))) {
    throw invalid(`${JSON.stringify(segments.join('/'))} at ${at} is not a property path`);
  }
}

/** Recursive descent: or → and → unary (not, group, comparison, lambda) → operand. */
class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    const extra = this.tokens[this.position];
    if (extra) throw invalid(`unexpected ${JSON.stringify(extra.text)} at ${extra.at}`);
    return node;
  }

  private peekWord(word: string): boolean {
    const token = this.tokens[this.position];
    return token?.type === 'word' && token.text.toLowerCase() === word;
  }

  private atType(type: Token['type']): boolean {
    return this.tokens[this.position]?.type === type;
  }

  private next(): Token {
    const token = this.tokens[this.position++];
    if (!token) throw invalid('unexpected end of expression');
    return token;
  }

  private take(type: Token['type']): Token {
    const token = this.next();
    if (token.type !== type) throw invalid(`expected ${type} at ${token.at}, found ${JSON.stringify(token.text)}`);
    return token;
  }

  private or(): Node {
    let left = this.and();
    while (this.peekWord('or')) {
      this.position++;
      left = { kind: 'logical', op: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.unary();
    while (this.peekWord('and')) {
      this.position++;
      left = { kind: 'logical', op: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    if (this.peekWord('not')) {
      this.position++;
      return { kind: 'not', operand: this.unary() };
    }
    if (this.atType('lparen')) {
      this.position++;
      const inner = this.or();
      this.take('rparen');
      return inner;
    }
    const left = this.operand();
    if (left.kind === 'lambda') return left;
    const opToken = this.next();
    const op = opToken.text.toLowerCase();
    if (opToken.type !== 'word' || !(COMPARISONS as readonly string[]).includes(op)) {
      throw invalid(`expected a comparison operator (${COMPARISONS.join('/')}) at ${opToken.at}, found ${JSON.stringify(opToken.text)}`);
    }
    const right = this.operand();
    if (right.kind === 'lambda') throw invalid(`a lambda cannot be compared (at ${opToken.at})`);
    return { kind: 'compare', op: op as (typeof COMPARISONS)[number], left, right };
  }

  private operand(): Node {
    const token = this.next();
    if (token.type === 'string') return { kind: 'literal', value: token.text, type: 'string' };
    if (token.type !== 'word') throw invalid(`expected a property or a literal at ${token.at}, found ${JSON.stringify(token.text)}`);
    const text = token.text;
    const literal = literalOf(text);
    if (literal) return literal;
    if (/^(any|all)$/i.test(text.split('/').pop() ?? '') && this.atType('lparen')) return this.lambda(token);
    if (this.atType('lparen')) throw invalid(`function ${JSON.stringify(text)} is not supported (at ${token.at})`);
    const segments = text.split('/');
    checkPath(segments, token.at);
    return { kind: 'path', segments };
  }

  /** `team/any(t:t/email eq '…')`, or `team/any()` (not empty). */
  private lambda(token: Token): Node {
    const segments = token.text.split('/');
    const fn = (segments.pop() as string).toLowerCase() as 'any' | 'all';
    checkPath(segments, token.at);
    this.take('lparen');
    if (this.atType('rparen')) {
      this.position++;
      return { kind: 'lambda', fn, collection: segments };
    }
    const variable = this.take('word').text;
    this.take('colon');
    const predicate = this.or();
    this.take('rparen');
    return { kind: 'lambda', fn, collection: segments, variable, predicate };
  }
}

type Filter = (item: Record<string, unknown>) => boolean;

/** Compiles a `$filter` expression; throws ApiError(400) when it is outside the supported subset. */
export function compileFilter(expression: string): Filter {
  const ast = new Parser(tokenize(expression)).parse();
  return (item) => truthy(evaluate(ast, item, {}));
}

type Scope = Record<string, unknown>;

const truthy = (value: unknown): boolean => value === true;

function resolve(segments: string[], item: unknown, scope: Scope): unknown {
  const [first, ...rest] = segments as [string, ...string[]];
  if (first in scope) return getPath(scope[first], rest);
  if (first === '$it') return getPath(item, rest);
  return getPath(item, segments);
}

function evaluate(node: Node, item: unknown, scope: Scope): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'path':
      return resolve(node.segments, item, scope);
    case 'not':
      return !truthy(evaluate(node.operand, item, scope));
    case 'logical': {
      const left = truthy(evaluate(node.left, item, scope));
      if (node.op === 'and') return left && truthy(evaluate(node.right, item, scope));
      return left || truthy(evaluate(node.right, item, scope));
    }
    case 'lambda': {
      const collection = resolve(node.collection, item, scope);
      if (!Array.isArray(collection)) return false;
      if (!node.predicate || !node.variable) return node.fn === 'any' ? collection.length > 0 : true;
      const test = (element: unknown): boolean =>
        truthy(evaluate(node.predicate as Node, item, { ...scope, [node.variable as string]: element }));
      return node.fn === 'any' ? collection.some(test) : collection.every(test);
    }
    case 'compare':
      return compare(node.op, node.left, node.right, item, scope);
  }
}

function isDateProperty(node: Node): boolean {
  return node.kind === 'path' && /DateTime$/i.test(node.segments[node.segments.length - 1] ?? '');
}

function compare(op: (typeof COMPARISONS)[number], leftNode: Node, rightNode: Node, item: unknown, scope: Scope): boolean {
  let left = evaluate(leftNode, item, scope);
  let right = evaluate(rightNode, item, scope);
  const temporal =
    (leftNode.kind === 'literal' && leftNode.type === 'datetime') ||
    (rightNode.kind === 'literal' && rightNode.type === 'datetime') ||
    isDateProperty(leftNode) ||
    isDateProperty(rightNode);
  if (temporal && left !== null && right !== null && left !== undefined && right !== undefined) {
    left = typeof left === 'string' ? parseDateTime(left) : left;
    right = typeof right === 'string' ? parseDateTime(right) : right;
    if (Number.isNaN(left) || Number.isNaN(right)) return op === 'ne';
  }
  if (left === undefined) left = null;
  if (right === undefined) right = null;
  if (isObject(left) || isObject(right) || Array.isArray(left) || Array.isArray(right)) {
    throw invalid('only primitive properties can be compared');
  }
  switch (op) {
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
    default: {
      if (left === null || right === null || typeof left !== typeof right) return false;
      const l = left as string | number | boolean;
      const r = right as string | number | boolean;
      if (op === 'gt') return l > r;
      if (op === 'ge') return l >= r;
      if (op === 'lt') return l < r;
      return l <= r;
    }
  }
}

const ORDERABLE = ['createdDateTime', 'updatedDateTime'] as const;

type Comparator = (a: Record<string, unknown>, b: Record<string, unknown>) => number;

/** Compiles `$orderby` (createdDateTime / updatedDateTime, asc|desc, comma-separated). */
export function compileOrderBy(expression: string): Comparator {
  const keys = expression
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [property = '', direction = 'asc', ...rest] = part.split(/\s+/);
      const known = ORDERABLE.find((name) => name.toLowerCase() === property.toLowerCase());
      if (!known || rest.length > 0 || !/^(asc|desc)$/i.test(direction)) {
        throw new ApiError(
          400,
          'invalidRequest',
          `Invalid $orderby ${JSON.stringify(part)}: supported are ${ORDERABLE.join(', ')} with asc or desc`,
          '$orderby',
        );
      }
      return { property: known, sign: direction.toLowerCase() === 'desc' ? -1 : 1 };
    });
  if (keys.length === 0) throw new ApiError(400, 'invalidRequest', 'Empty $orderby', '$orderby');
  return (a, b) => {
    for (const { property, sign } of keys) {
      const left = parseDateTime(display(a[property] ?? ''));
      const right = parseDateTime(display(b[property] ?? ''));
      if (left !== right) return (left < right ? -1 : 1) * sign;
    }
    return 0;
  };
}
