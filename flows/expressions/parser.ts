import type { Expression, FunctionCall, Literal, Span, Template, TemplatePart } from './ast.js';
import { ExpressionSyntaxError, scan, type Token, type TokenKind } from './scanner.js';

/** Literal keywords; the designer's parser compares them case-insensitively, and so do we. */
const KEYWORDS: Readonly<Record<string, boolean | null>> = { true: true, false: false, null: null };
const EXPRESSION_START = '@';
const ESCAPED_START = '@@';
const INTERPOLATION_OPEN = '@{';
const ESCAPED_INTERPOLATION = '@@{';
const INTERPOLATION_CLOSE = '}';
const QUOTE = "'";

/**
 * Parses the text of one expression: what follows the `@` of a whole-value expression, or what sits
 * between `@{` and `}`. `base` is the offset of `text` inside its JSON string value, so spans and error
 * offsets refer to that value. Throws `ExpressionSyntaxError`.
 */
export function parseExpression(text: string, base = 0): Expression {
  const parser = new Parser(scan(text, base));
  const expression = parser.expression();
  parser.expectEnd();
  return expression;
}

/**
 * Classifies a JSON string value of a flow definition and parses the expressions in it:
 * - `@@…` is the literal text without its first `@` (the escape for a value starting with `@`);
 * - `@expr` is one expression whose result keeps its type (a lone `@` is just text);
 * - text containing `@{expr}` is an interpolated string (`@@{` is a literal `@{`);
 * - anything else is plain text.
 * Throws `ExpressionSyntaxError` with the offset in `value`.
 */
export function parseTemplate(value: string): Template {
  if (value.startsWith(EXPRESSION_START) && value.length > 1) {
    if (value.startsWith(ESCAPED_START)) return { kind: 'literal', value: value.slice(1) };
    if (!value.startsWith(INTERPOLATION_OPEN)) return { kind: 'expression', expression: parseExpression(value.slice(1), 1) };
  }
  if (!value.includes(INTERPOLATION_OPEN)) return { kind: 'literal', value };
  return { kind: 'interpolation', parts: parseInterpolation(value) };
}

/** Whether a JSON string value holds an expression at all (cheap test before `parseTemplate`). */
export function isTemplateExpression(value: string): boolean {
  if (value.startsWith(ESCAPED_START)) return false;
  return (value.startsWith(EXPRESSION_START) && value.length > 1) || value.includes(INTERPOLATION_OPEN);
}

function parseInterpolation(value: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let textStart = 0;
  let position = 0;
  const flushText = (end: number): void => {
    if (text !== '') parts.push({ kind: 'text', value: text, span: { start: textStart, end } });
    text = '';
  };
  while (position < value.length) {
    if (value.startsWith(ESCAPED_INTERPOLATION, position)) {
      text += INTERPOLATION_OPEN;
      position += ESCAPED_INTERPOLATION.length;
    } else if (value.startsWith(INTERPOLATION_OPEN, position)) {
      flushText(position);
      const close = closingBrace(value, position);
      const expression = parseExpression(value.slice(position + INTERPOLATION_OPEN.length, close), position + INTERPOLATION_OPEN.length);
      parts.push({ kind: 'expression', expression, span: { start: position, end: close + 1 } });
      position = close + 1;
      textStart = position;
    } else {
      text += value.charAt(position);
      position += 1;
    }
  }
  flushText(position);
  return parts;
}

/** The `}` that ends the `@{` at `open`; braces inside string literals do not count. */
function closingBrace(value: string, open: number): number {
  let inString = false;
  let stringStart = -1;
  for (let position = open + INTERPOLATION_OPEN.length; position < value.length; position += 1) {
    const char = value.charAt(position);
    if (char === QUOTE) {
      // A doubled quote toggles twice, so it needs no special case.
      inString = !inString;
      if (inString) stringStart = position;
    } else if (char === INTERPOLATION_CLOSE && !inString) {
      return position;
    }
  }
  if (inString) {
    throw new ExpressionSyntaxError(
      stringStart,
      "unterminated string literal: it has no closing quote (a quote inside a string is doubled: 'it''s')",
    );
  }
  throw new ExpressionSyntaxError(open, "'@{' has no closing '}'");
}

/** Recursive descent over the token list; one method per grammar rule (see ast.ts). */
class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  expression(): Expression {
    const token = this.peek();
    switch (token.kind) {
      case 'string':
      case 'integer':
      case 'float':
        return this.literal(this.next());
      case 'identifier':
        return this.peek(1).kind === '(' ? this.accessChain(this.call()) : this.keyword(this.next());
      default:
        return this.fail(token, `expected a value or a function call, found ${describe(token)}`);
    }
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') this.fail(token, `expected the end of the expression, found ${describe(token)}`);
  }

  private literal(token: Token): Literal {
    const span = spanOf(token);
    this.rejectAccessAfterLiteral(token);
    if (token.kind === 'string') return { kind: 'string', value: token.value, span };
    const value = Number(token.raw);
    if (!Number.isFinite(value)) this.fail(token, `the number ${token.raw} is out of range`);
    return { kind: 'number', value, numberKind: token.kind === 'float' ? 'float' : 'integer', raw: token.raw, span };
  }

  private keyword(token: Token): Literal {
    const lower = token.raw.toLowerCase();
    if (!(lower in KEYWORDS)) {
      return this.fail(token, `'${token.raw}' is neither a function call (${token.raw}(…)) nor a literal (text is quoted: '${token.raw}')`);
    }
    this.rejectAccessAfterLiteral(token);
    const value = KEYWORDS[lower];
    const span = spanOf(token);
    return value === null ? { kind: 'null', value, span } : { kind: 'boolean', value: value as boolean, span };
  }

  private rejectAccessAfterLiteral(literal: Token): void {
    const following = this.peek();
    if (following.kind === '[' || following.kind === '.' || following.kind === '?') {
      this.fail(following, `member access cannot follow the literal ${literal.raw}: only a function call result can be indexed`);
    }
  }

  private call(): FunctionCall {
    const name = this.next();
    const open = this.next();
    const args: Expression[] = [];
    if (this.peek().kind === ')') {
      const close = this.next();
      return { kind: 'call', name: name.raw, args, span: { start: name.start, end: close.end } };
    }
    while (true) {
      args.push(this.expression());
      const separator = this.next();
      if (separator.kind === ')') return { kind: 'call', name: name.raw, args, span: { start: name.start, end: separator.end } };
      if (separator.kind === 'end') this.fail(open, `${name.raw}( is not closed: expected ')'`);
      if (separator.kind !== ',')
        this.fail(separator, `expected ',' or ')' in the arguments of ${name.raw}(…), found ${describe(separator)}`);
    }
  }

  /** `?[…]`, `[…]`, `.name` and `?.name` after a call, left to right. */
  private accessChain(target: Expression): Expression {
    let current = target;
    while (true) {
      const nullSafe = this.peek().kind === '?';
      const question = nullSafe ? this.next() : undefined;
      const token = this.peek();
      if (token.kind === '[') {
        this.next();
        const property = this.expression();
        const close = this.next();
        if (close.kind !== ']') this.fail(close, `expected ']' to close the '[' at offset ${token.start}, found ${describe(close)}`);
        current = {
          kind: 'member',
          target: current,
          property,
          style: 'index',
          nullSafe,
          span: { start: current.span.start, end: close.end },
        };
      } else if (token.kind === '.') {
        this.next();
        const name = this.next();
        if (name.kind !== 'identifier') this.fail(name, `expected a property name after '.', found ${describe(name)}`);
        const property = { kind: 'string' as const, value: name.raw, span: spanOf(name) };
        current = { kind: 'member', target: current, property, style: 'dot', nullSafe, span: { start: current.span.start, end: name.end } };
      } else if (question) {
        return this.fail(question, `'?' must be followed by '[' or '.', found ${describe(token)}`);
      } else {
        return current;
      }
    }
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length - 1) this.index += 1;
    return token;
  }

  private fail(token: Token, reason: string): never {
    throw new ExpressionSyntaxError(token.start, reason);
  }
}

const spanOf = (token: Token): Span => ({ start: token.start, end: token.end });

const TOKEN_NAMES: Partial<Record<TokenKind, string>> = { end: 'the end of the expression' };

function describe(token: Token): string {
  const named = TOKEN_NAMES[token.kind];
  if (named) return named;
  if (token.kind === 'string') return `the string ${token.raw}`;
  if (token.kind === 'integer' || token.kind === 'float') return `the number ${token.raw}`;
  return `'${token.raw}'`;
}
