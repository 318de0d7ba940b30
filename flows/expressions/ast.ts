/**
 * The syntax tree of a Workflow Definition Language expression (flows-and-pcf §3.8). The validator and
 * the offline flow runtime both read it, so every node carries its JS value or its parts, and the
 * offsets of the source text it came from.
 *
 * Grammar (no infix operators; only a function call can be followed by member access):
 *   expression := literal | call access*
 *   literal    := 'text with '' doubled' | number | true | false | null
 *   call       := name '(' [expression (',' expression)*] ')'
 *   access     := ['?'] ( '[' expression ']' | '.' name )
 */

/** Half-open range [start, end) of source offsets, counted in the JSON string value the expression came from. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface StringLiteral {
  readonly kind: 'string';
  /** The text, with `''` already unescaped to `'`. */
  readonly value: string;
  readonly span: Span;
}

export interface NumberLiteral {
  readonly kind: 'number';
  readonly value: number;
  /** WDL keeps integers and floats apart (`div(7, 2)` is 3, `div(7.0, 2)` is 3.5). */
  readonly numberKind: 'integer' | 'float';
  /** The digits as written (`+1`, `1e3`, `2.50`). */
  readonly raw: string;
  readonly span: Span;
}

export interface BooleanLiteral {
  readonly kind: 'boolean';
  readonly value: boolean;
  readonly span: Span;
}

export interface NullLiteral {
  readonly kind: 'null';
  readonly value: null;
  readonly span: Span;
}

export type Literal = StringLiteral | NumberLiteral | BooleanLiteral | NullLiteral;

export interface FunctionCall {
  readonly kind: 'call';
  /** The name as written; function names are case-insensitive (see `lookupFunction`). */
  readonly name: string;
  readonly args: readonly Expression[];
  readonly span: Span;
}

/**
 * One step of a member access chain: `target[property]`, `target?[property]` (null-safe: a missing
 * member or a null target gives null instead of failing), `target.name` or `target?.name`.
 * For the dot form, `property` is the name as a string literal.
 */
export interface MemberAccess {
  readonly kind: 'member';
  readonly target: Expression;
  readonly property: Expression;
  readonly style: 'index' | 'dot';
  readonly nullSafe: boolean;
  readonly span: Span;
}

export type Expression = Literal | FunctionCall | MemberAccess;

/** A JSON string value that is not an expression at all (after `@@` unescaping when it began with `@@`). */
export interface LiteralTemplate {
  readonly kind: 'literal';
  readonly value: string;
}

/** `"@expr"`: the whole value is one expression and its result keeps its type (object, number…). */
export interface ExpressionTemplate {
  readonly kind: 'expression';
  readonly expression: Expression;
}

/** `"text @{expr} more"`: the parts are concatenated as strings. */
export interface InterpolationTemplate {
  readonly kind: 'interpolation';
  readonly parts: readonly TemplatePart[];
}

export type TemplatePart =
  | { readonly kind: 'text'; readonly value: string; readonly span: Span }
  | { readonly kind: 'expression'; readonly expression: Expression; readonly span: Span };

export type Template = LiteralTemplate | ExpressionTemplate | InterpolationTemplate;

/** The expressions of a template, in source order (none for plain text). */
export function templateExpressions(template: Template): Expression[] {
  if (template.kind === 'expression') return [template.expression];
  if (template.kind === 'literal') return [];
  return template.parts.flatMap((part) => (part.kind === 'expression' ? [part.expression] : []));
}

/** Every function call in an expression, outer calls before the calls in their arguments. */
export function callsIn(expression: Expression): FunctionCall[] {
  switch (expression.kind) {
    case 'call':
      return [expression, ...expression.args.flatMap(callsIn)];
    case 'member':
      return [...callsIn(expression.target), ...callsIn(expression.property)];
    default:
      return [];
  }
}
