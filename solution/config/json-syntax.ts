/**
 * Where a JSON text first breaks the grammar of RFC 8259, and why, in words a person editing the file can
 * act on. JSON.parse only says "at position N" for some errors (and nothing for others), so the loader
 * asks this scanner instead to name the line and column.
 */

export interface JsonSyntaxError {
  /** Offset of the offending character (the text's length when the text ends too early). */
  offset: number;
  problem: string;
}

export interface TextPosition {
  /** 1-based. */
  line: number;
  /** 1-based, in characters of the line. */
  column: number;
  /** The whole line holding the position, without its line break. */
  lineText: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LITERALS = ['true', 'false', 'null'];

/** The first syntax error of `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let at = 0;
  const peek = (): string | undefined => text[at];
  const describe = (offset: number): string => {
    const char = text[offset];
    if (char === undefined) return 'the end of the file';
    if (char === '\n' || char === '\r') return 'the end of the line';
    return JSON.stringify(char);
  };
  const skipSpace = (): void => {
    while (at < text.length && WHITESPACE.has(text[at]!)) at += 1;
    if (text.startsWith('//', at) || text.startsWith('/*', at)) throw new Stop(at, 'has a comment; JSON allows no comments');
  };
  const expect = (what: string): never => {
    throw new Stop(at, `expected ${what} but found ${describe(at)}`);
  };

  const string = (): void => {
    const start = at;
    at += 1;
    for (;;) {
      const char = text[at];
      if (char === undefined) throw new Stop(start, 'has a string that is never closed (a " is missing)');
      if (char === '"') {
        at += 1;
        return;
      }
      if (char === '\\') {
        const escape = text[at + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) throw new Stop(at, 'has a \\u escape without four hex digits');
          at += 6;
        } else if (escape !== undefined && ESCAPES.has(escape)) {
          at += 2;
        } else {
          throw new Stop(at, `has an invalid escape \\${escape ?? ''} in a string (a backslash itself is written \\\\)`);
        }
        continue;
      }
      if (char.charCodeAt(0) < 0x20) {
        throw new Stop(at, 'has a line break or control character inside a string (write a line break as \\n)');
      }
      at += 1;
    }
  };

  const value = (): void => {
    skipSpace();
    const char = peek();
    if (char === '{') return object();
    if (char === '[') return array();
    if (char === '"') return string();
    if (char === "'") throw new Stop(at, 'has a string in single quotes; JSON strings use double quotes');
    NUMBER.lastIndex = at;
    if (char !== undefined && /[-0-9]/.test(char) && NUMBER.test(text)) {
      at = NUMBER.lastIndex;
      return;
    }
    const literal = LITERALS.find((word) => text.startsWith(word, at));
    if (literal) {
      at += literal.length;
      return;
    }
    expect('a value (an object, array, string, number, true, false or null)');
  };

  const object = (): void => {
    at += 1;
    skipSpace();
    if (peek() === '}') {
      at += 1;
      return;
    }
    for (let comma = -1; ;) {
      skipSpace();
      if (peek() !== '"') {
        if (peek() === '}' && comma >= 0) throw new Stop(comma, 'has a comma before "}"; JSON allows no trailing comma');
        expect('a property name in double quotes');
      }
      string();
      skipSpace();
      if (peek() !== ':') expect('":" after the property name');
      at += 1;
      value();
      skipSpace();
      if (peek() === ',') {
        comma = at;
        at += 1;
        continue;
      }
      if (peek() === '}') {
        at += 1;
        return;
      }
      expect('"," or "}" after the property value');
    }
  };

  const array = (): void => {
    at += 1;
    skipSpace();
    if (peek() === ']') {
      at += 1;
      return;
    }
    for (let comma = -1; ;) {
      skipSpace();
      if (peek() === ']' && comma >= 0) throw new Stop(comma, 'has a comma before "]"; JSON allows no trailing comma');
      value();
      skipSpace();
      if (peek() === ',') {
        comma = at;
        at += 1;
        continue;
      }
      if (peek() === ']') {
        at += 1;
        return;
      }
      expect('"," or "]" after the array item');
    }
  };

  try {
    value();
    skipSpace();
    if (at < text.length) throw new Stop(at, `has more text after the end of the JSON value: ${describe(at)}`);
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, problem: error.problem };
    throw error;
  }
}

/** Line, column and line text of an offset; `\r\n`, `\n` and `\r` all end a line. */
export function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index += 1) {
    const char = text[index];
    if (char === '\n' || (char === '\r' && text[index + 1] !== '\n')) {
      line += 1;
      lineStart = index + 1;
    }
  }
  const rest = text.slice(lineStart);
  const end = rest.search(/\r|\n/);
  return { line, column: offset - lineStart + 1, lineText: end === -1 ? rest : rest.slice(0, end) };
}

const SNIPPET_WIDTH = 100;

/** The line with a caret under the column, cut around the column when the line is long (minified JSON). */
export function pointAt(position: TextPosition): string {
  let text = position.lineText.replace(/\t/g, ' ');
  let caret = position.column - 1;
  if (text.length > SNIPPET_WIDTH) {
    const start = Math.max(0, Math.min(caret - SNIPPET_WIDTH / 2, text.length - SNIPPET_WIDTH));
    text = `${start > 0 ? '…' : ''}${text.slice(start, start + SNIPPET_WIDTH)}${start + SNIPPET_WIDTH < text.length ? '…' : ''}`;
    caret = caret - start + (start > 0 ? 1 : 0);
  }
  const gutter = `${position.line} | `;
  return `${gutter}${text}\n${' '.repeat(gutter.length - 2)}| ${' '.repeat(caret)}^`;
}
