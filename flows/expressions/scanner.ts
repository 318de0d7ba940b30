/** Splits the text of one WDL expression (without its `@` or `@{…}`) into tokens. */

type PunctuationKind = '(' | ')' | '[' | ']' | ',' | '.' | '?';
export type TokenKind = 'string' | 'integer' | 'float' | 'identifier' | PunctuationKind | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (for a string literal: with its quotes and doubled `''`). */
  readonly raw: string;
  /** For a string literal, the unescaped text; otherwise the same as `raw`. */
  readonly value: string;
  /** Offset of the first character, counted from the start of the enclosing JSON string value. */
  readonly start: number;
  readonly end: number;
}

/** A syntax error with the offset (in the enclosing JSON string value) where it was found. */
export class ExpressionSyntaxError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${reason} (at offset ${offset})`);
    this.name = 'ExpressionSyntaxError';
  }
}

const PUNCTUATION: ReadonlySet<string> = new Set<PunctuationKind>(['(', ')', '[', ']', ',', '.', '?']);
const QUOTE = "'";
/** Characters that end an identifier besides whitespace (the scanner of the Logic Apps designer uses the same set, plus `"`). */
const IDENTIFIER_STOP = /[.,(){}@[\]?'"]/;
const WHITESPACE = /\s/;
const DIGIT = /[0-9]/;

/** Why a character that cannot start any token is there, worded for the usual mistakes. */
function unexpectedCharacter(char: string): string {
  if (char === '"') return "unexpected character '\"': WDL string literals use single quotes ('text')";
  if (char === '@') return "unexpected '@' inside an expression: functions are called without '@' (concat(a, b), not concat(@a, b))";
  if (char === '{' || char === '}')
    return `unexpected '${char}' inside an expression (@{…} is only for embedding an expression in a string)`;
  return `unexpected character '${char}'`;
}

const isIdentifierChar = (char: string): boolean => !IDENTIFIER_STOP.test(char) && !WHITESPACE.test(char);

/**
 * Tokenizes `text`; `base` is the offset of `text` inside the JSON string value, so token offsets and
 * error offsets point into the value the user wrote. The last token is always `end`.
 */
export function scan(text: string, base = 0): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  const token = (kind: TokenKind, start: number, end: number, value = text.slice(start, end)): Token => ({
    kind,
    raw: text.slice(start, end),
    value,
    start: base + start,
    end: base + end,
  });
  const fail = (at: number, reason: string): never => {
    throw new ExpressionSyntaxError(base + at, reason);
  };

  while (true) {
    while (position < text.length && WHITESPACE.test(text.charAt(position))) position += 1;
    if (position >= text.length) {
      tokens.push(token('end', position, position));
      return tokens;
    }
    const char = text.charAt(position);
    let end: number;
    if (PUNCTUATION.has(char)) {
      end = position + 1;
      tokens.push(token(char as PunctuationKind, position, end));
    } else if (char === QUOTE) {
      const literal = scanString(text, position, fail);
      end = literal.end;
      tokens.push(token('string', position, end, literal.value));
    } else if (char === '+' || char === '-' || DIGIT.test(char)) {
      const number = scanNumber(text, position, fail);
      end = number.end;
      tokens.push(token(number.kind, position, end));
    } else if (isIdentifierChar(char)) {
      end = position;
      while (end < text.length && isIdentifierChar(text.charAt(end))) end += 1;
      tokens.push(token('identifier', position, end));
    } else {
      return fail(position, unexpectedCharacter(char));
    }
    position = end;
  }
}

type Fail = (at: number, reason: string) => never;

/** `'…'` with `''` for a quote inside. */
function scanString(text: string, start: number, fail: Fail): { value: string; end: number } {
  let value = '';
  let position = start + 1;
  while (position < text.length) {
    const char = text.charAt(position);
    if (char === QUOTE) {
      if (text.charAt(position + 1) !== QUOTE) return { value, end: position + 1 };
      value += QUOTE;
      position += 2;
    } else {
      value += char;
      position += 1;
    }
  }
  return fail(start, "unterminated string literal: it has no closing quote (a quote inside a string is doubled: 'it''s')");
}

/** `[+-]digits[.digits][e[+-]digits]`: an integer unless it has a fraction or an exponent. */
function scanNumber(text: string, start: number, fail: Fail): { kind: 'integer' | 'float'; end: number } {
  let position = start;
  const digits = (): number => {
    const from = position;
    while (position < text.length && DIGIT.test(text.charAt(position))) position += 1;
    return position - from;
  };
  if (text.charAt(position) === '+' || text.charAt(position) === '-') position += 1;
  if (digits() === 0) fail(start, `'${text.charAt(start)}' must be followed by a digit (there are no operators: use add(), sub())`);
  let kind: 'integer' | 'float' = 'integer';
  if (text.charAt(position) === '.') {
    kind = 'float';
    position += 1;
    digits();
  }
  if (text.charAt(position) === 'e' || text.charAt(position) === 'E') {
    kind = 'float';
    position += 1;
    if (text.charAt(position) === '+' || text.charAt(position) === '-') position += 1;
    if (digits() === 0) fail(position, 'the exponent of a number needs digits');
  }
  if (position < text.length && isIdentifierChar(text.charAt(position))) {
    fail(position, `unexpected character '${text.charAt(position)}' after the number ${text.slice(start, position)}`);
  }
  return { kind, end: position };
}
