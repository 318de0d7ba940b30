/** The tokens of OData text the emulator reads ($filter expressions and entity keys): punctuation, words and typed literals. */
import { cannotConvert, syntaxError, unterminatedLiteral } from './errors.js';

export type Token =
  | { kind: 'punct'; text: '(' | ')' | ',' | '/' | '=' | ';'; at: number }
  | { kind: 'word'; text: string; at: number }
  | { kind: 'literal'; edm: string; value: string | number | boolean | null; text: string; at: number };

const PUNCTUATION = '(),/=;';
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
    const token = PUNCTUATION.includes(c)
      ? { kind: 'punct' as const, text: c as '(' | ')' | ',' | '/' | '=' | ';', at: i }
      : c === "'"
        ? stringLiteral(text, i)
        : (valueLiteral(text.slice(i), i) ?? word(text.slice(i), i));
    if (!token) throw syntaxError(i, text);
    tokens.push(token);
    i += token.kind === 'punct' ? 1 : token.text.length;
  }
  return tokens;
}

/** `'O''Brien'`: a quote inside a string is doubled. */
function stringLiteral(text: string, start: number): Token {
  let value = '';
  let j = start + 1;
  for (;;) {
    if (j >= text.length) throw unterminatedLiteral(text.length, text);
    if (text[j] === "'") {
      if (text[j + 1] !== "'") break;
      value += "'";
      j += 2;
      continue;
    }
    value += text[j];
    j += 1;
  }
  return { kind: 'literal', edm: 'Edm.String', value, text: text.slice(start, j + 1), at: start };
}

/** A GUID, date-time, date or number literal at the start of `rest`. */
function valueLiteral(rest: string, at: number): Token | undefined {
  const guid = GUID.exec(rest);
  if (guid) return { kind: 'literal', edm: 'Edm.Guid', value: guid[0].toLowerCase(), text: guid[0], at };
  const dateTime = DATETIME.exec(rest);
  if (dateTime) {
    if (Number.isNaN(Date.parse(dateTime[0]))) throw cannotConvert(dateTime[0], 'Edm.DateTimeOffset');
    return { kind: 'literal', edm: 'Edm.DateTimeOffset', value: dateTime[0], text: dateTime[0], at };
  }
  const date = DATE.exec(rest);
  if (date) return { kind: 'literal', edm: 'Edm.Date', value: date[0], text: date[0], at };
  const number = NUMBER.exec(rest);
  if (!number) return undefined;
  const raw = number[0];
  const digits = raw.replace(/[mMdDfFlL]$/, '');
  return { kind: 'literal', edm: numberType(raw, digits), value: Number(digits), text: raw, at };
}

/** The EDM type of a number literal: its suffix, exponent or decimal point, else its size. */
function numberType(raw: string, digits: string): string {
  if (/[eE]/.test(digits) || /[dDfF]$/.test(raw)) return 'Edm.Double';
  if (/[.mM]/.test(raw)) return 'Edm.Decimal';
  return Math.abs(Number(digits)) > 2147483647 || /[lL]$/.test(raw) ? 'Edm.Int64' : 'Edm.Int32';
}

/** A word, or the literals `true`, `false`, `null`. */
function word(rest: string, at: number): Token | undefined {
  const match = WORD.exec(rest);
  if (!match) return undefined;
  const w = match[0];
  if (w === 'true' || w === 'false') return { kind: 'literal', edm: 'Edm.Boolean', value: w === 'true', text: w, at };
  if (w === 'null') return { kind: 'literal', edm: 'null', value: null, text: w, at };
  return { kind: 'word', text: w, at };
}
