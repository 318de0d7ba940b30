/**
 * Building workflow-definition-language expressions as text, safely: string literals are quoted with
 * doubled single quotes, so referral text (names with `'`, `<`, emoji) can never break an expression.
 * An `Expr` is the text of an expression without the leading `@`.
 */
export class Expr {
  constructor(readonly text: string) {}

  /** Null-safe member access: `x?['key']`. */
  get(...keys: Array<string | number>): Expr {
    return new Expr(keys.reduce<string>((text, key) => `${text}?[${typeof key === 'number' ? key : quote(key)}]`, this.text));
  }

  /** The expression as a whole JSON string value (`@…`): the result keeps its type. */
  get at(): string {
    return `@${this.text}`;
  }

  /** The expression for use inside an interpolated string (`@{…}`). */
  get interpolated(): string {
    return `@{${this.text}}`;
  }

  toString(): string {
    return this.at;
  }
}

export type Arg = Expr | string | number | boolean | null;

/** A WDL string literal: single quotes, a quote inside doubled. */
export const quote = (value: string): string => `'${value.replace(/'/g, "''")}'`;

function argText(arg: Arg): string {
  if (arg instanceof Expr) return arg.text;
  if (typeof arg === 'string') return quote(arg);
  if (arg === null) return 'null';
  return String(arg);
}

/** A function call; plain strings become quoted literals. */
export const call = (name: string, ...args: Arg[]): Expr => new Expr(`${name}(${args.map(argText).join(', ')})`);

/**
 * Literal text inside a JSON string value, escaped so WDL reads it as text: `@{` becomes `@@{`, and a
 * leading `@` (which would make the whole value an expression) becomes `@@`.
 */
export function literalString(value: string, atStart = true): string {
  const escaped = value.replace(/@\{/g, '@@{');
  return atStart && escaped.startsWith('@') && !escaped.startsWith('@@') ? `@${escaped}` : escaped;
}

/** An interpolated string: literal parts and expressions, e.g. tpl`✔ ${name}`. */
export function tpl(strings: TemplateStringsArray, ...values: Expr[]): string {
  return strings.reduce((text, part, index) => {
    const value = values[index];
    return `${text}${literalString(part, index === 0)}${value ? value.interpolated : ''}`;
  }, '');
}

// The workflow functions the flows use, as typed helpers.
export const triggerBody = (): Expr => call('triggerBody');
export const triggerOutputs = (): Expr => call('triggerOutputs');
export const body = (action: string): Expr => call('body', action);
export const outputs = (action: string): Expr => call('outputs', action);
export const result = (scope: string): Expr => call('result', scope);
export const items = (loop: string): Expr => call('items', loop);
export const item = (): Expr => call('item');
export const variables = (name: string): Expr => call('variables', name);
export const parameters = (name: string): Expr => call('parameters', name);
export const utcNow = (): Expr => call('utcNow');
export const equals = (a: Arg, b: Arg): Expr => call('equals', a, b);
export const not = (a: Arg): Expr => call('not', a);
export const and = (...args: Arg[]): Expr => call('and', ...args);
export const or = (...args: Arg[]): Expr => call('or', ...args);
export const empty = (a: Arg): Expr => call('empty', a);
export const concat = (...args: Arg[]): Expr => call('concat', ...args);

/** An empty array: createArray() needs at least one item, so WDL spells it json('[]'). */
export const emptyArray = (): Expr => call('json', '[]');
