import jsonc from 'jsonc-parser';

/**
 * Where a JSON text first breaks the grammar of RFC 8259, and why, in words a person editing the file can
 * act on. JSON.parse only says "at position N" for some errors (and nothing for others), so the loader asks
 * jsonc-parser (VS Code's JSON scanner, in strict mode) for the offset and names the line and column.
 */

// jsonc-parser's ESM build does not load in Node (extensionless imports); its UMD main does, as one default export.
// Its error codes are a const enum, so they are compared by the names printParseErrorCode gives.
const { visit, printParseErrorCode } = jsonc;

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

const END_OF_FILE = 'the end of the file';

/** The character at an offset as the user sees it, quoted, or "the end of the file". */
function describeAt(text: string, offset: number): string {
  const char = text.codePointAt(offset);
  return char === undefined ? END_OF_FILE : JSON.stringify(String.fromCodePoint(char));
}

/** The offset of the last non-space character before `offset`, or -1. */
function previousNonSpace(text: string, offset: number): number {
  let at = offset - 1;
  while (at >= 0 && /\s/.test(text[at]!)) at -= 1;
  return at;
}

/** One parse error of jsonc-parser in words; `closer` is the bracket of the object or array being read. */
function explain(text: string, code: string, offset: number, length: number, closer: '}' | ']' | undefined): JsonSyntaxError {
  const found = describeAt(text, offset);
  const comma = previousNonSpace(text, offset);
  switch (code) {
    case 'PropertyNameExpected':
    case 'ValueExpected':
      if ((text[offset] === '}' || text[offset] === ']') && text[comma] === ',') {
        return { offset: comma, problem: `has a comma before "${text[offset]}"; JSON allows no trailing comma` };
      }
      return code === 'PropertyNameExpected'
        ? { offset, problem: `expected a property name in double quotes but found ${found}` }
        : { offset, problem: `expected a value (an object, array, string, number, true, false or null) but found ${found}` };
    case 'InvalidSymbol':
      if (text[offset] === "'") return { offset, problem: 'has a string in single quotes; JSON strings use double quotes' };
      return {
        offset,
        problem: `has ${JSON.stringify(text.slice(offset, offset + length))}, which is not a JSON value (true, false, null, a number or a "string")`,
      };
    case 'ColonExpected':
      return { offset, problem: `expected ":" after the property name but found ${found}` };
    case 'CommaExpected':
      return {
        offset,
        problem: `expected "," or "${closer ?? '}'}" after the ${closer === ']' ? 'array item' : 'property value'} but found ${found}`,
      };
    case 'CloseBraceExpected':
      return { offset, problem: `expected "," or "}" but found ${found}` };
    case 'CloseBracketExpected':
      return { offset, problem: `expected "," or "]" but found ${found}` };
    case 'EndOfFileExpected':
      return { offset, problem: `has more text after the end of the JSON value: ${found}` };
    case 'UnexpectedEndOfString':
      return /[\r\n]/.test(text[offset + length] ?? '')
        ? { offset: offset + length, problem: 'has a line break or control character inside a string (write a line break as \\n)' }
        : { offset, problem: 'has a string that is never closed (a " is missing)' };
    case 'InvalidCharacter':
      return { offset, problem: 'has a line break or control character inside a string (write a line break as \\n)' };
    case 'InvalidEscapeCharacter':
      return { offset, problem: 'has an invalid escape in a string (a backslash itself is written \\\\)' };
    case 'InvalidUnicode':
      return { offset, problem: 'has a \\u escape without four hex digits' };
    case 'InvalidCommentToken':
    case 'UnexpectedEndOfComment':
      return { offset, problem: 'has a comment; JSON allows no comments' };
    default:
      return { offset, problem: `has a malformed number (${code})` };
  }
}

/** The first syntax error of `text` as strict JSON (RFC 8259), or undefined when it is valid. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const closers: Array<'}' | ']'> = [];
  let first: JsonSyntaxError | undefined;
  visit(
    text,
    {
      onObjectBegin: () => {
        closers.push('}');
      },
      onObjectEnd: () => closers.pop(),
      onArrayBegin: () => {
        closers.push(']');
      },
      onArrayEnd: () => closers.pop(),
      onError: (code, offset, length) => {
        first ??= explain(text, printParseErrorCode(code), offset, length, closers.at(-1));
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  if (text.trim() === '' && !first) return { offset: 0, problem: `expected a value but found ${END_OF_FILE}` };
  return first;
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
