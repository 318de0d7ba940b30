/**
 * String functions (workflow-definition-language-functions-reference, "String functions"). Strings are
 * required where the reference says String: a null argument is a type error, as in Logic Apps, except
 * in concat(), which reads null as empty.
 */
import { randomUUID } from 'node:crypto';
import { formatNumber as formatDotNetNumber, parseLocaleNumber } from './number-format.js';
import {
  expectCollection,
  expectInteger,
  expectNumber,
  expectOptionalString,
  expectString,
  fail,
  stringify,
  type CallContext,
  type FunctionImpl,
} from './support.js';

function outOfRange(call: CallContext, detail: string): never {
  return fail(`The template language function '${call.name}' parameters are out of range: ${detail}.`);
}

/** Case-insensitive search the way OrdinalIgnoreCase compares (per UTF-16 unit, case folded). */
const fold = (text: string): string => text.toLowerCase();

function nthIndexOf(text: string, search: string, occurrence: number): number {
  const haystack = fold(text);
  const needle = fold(search);
  if (occurrence > 0) {
    let position = -1;
    for (let found = 0; found < occurrence; found += 1) {
      position = haystack.indexOf(needle, position + 1);
      if (position === -1) return -1;
    }
    return position;
  }
  let position = haystack.length + 1;
  for (let found = 0; found < -occurrence; found += 1) {
    if (position - 1 < 0) return -1;
    position = haystack.lastIndexOf(needle, position - 1);
    if (position === -1) return -1;
  }
  return position;
}

function guid(format: string, id: string): string {
  switch (format.toUpperCase()) {
    case 'N':
      return id.replace(/-/g, '');
    case 'D':
      return id;
    case 'B':
      return `{${id}}`;
    case 'P':
      return `(${id})`;
    case 'X': {
      const hex = id.replace(/-/g, '');
      const bytes = (from: number, to: number): string => `0x${hex.slice(from, to)}`;
      const tail = Array.from({ length: 8 }, (_unused, index) => `0x${hex.slice(16 + index * 2, 18 + index * 2)}`).join(',');
      return `{${bytes(0, 8)},${bytes(8, 12)},${bytes(12, 16)},{${tail}}}`;
    }
    default:
      return fail(
        `The template language function 'guid' expects its parameter to be one of 'N', 'D', 'B', 'P' or 'X'. The provided value is '${format}'.`,
      );
  }
}

export const STRING_FUNCTIONS: Readonly<Record<string, FunctionImpl>> = {
  concat: (values) => values.map(stringify).join(''),

  substring: (values, call) => {
    const text = expectString(call, values, 0);
    const start = expectInteger(call, values, 1);
    const length = values.length > 2 && values[2] !== null ? expectInteger(call, values, 2) : text.length - start;
    if (start < 0 || length < 0 || start + length > text.length || start > text.length) {
      outOfRange(
        call,
        `'start index' (${start}) and 'length' (${length}) must be non-negative and their sum must be no larger than the length of the string (${text.length})`,
      );
    }
    return text.substr(start, length);
  },

  slice: (values, call) => {
    const text = expectString(call, values, 0);
    const clamp = (index: number): number => (index < 0 ? Math.max(0, text.length + index) : Math.min(index, text.length));
    const start = clamp(expectInteger(call, values, 1));
    const end = values.length > 2 && values[2] !== null ? clamp(expectInteger(call, values, 2)) : text.length;
    return start >= end ? '' : text.slice(start, end);
  },

  replace: (values, call) => {
    const text = expectString(call, values, 0);
    const oldText = expectString(call, values, 1);
    const newText = expectString(call, values, 2);
    if (oldText === '') outOfRange(call, "'oldText' must not be empty");
    return text.split(oldText).join(newText);
  },

  split: (values, call) => {
    const text = expectString(call, values, 0);
    const delimiter = expectString(call, values, 1);
    return delimiter === '' ? [text] : text.split(delimiter);
  },

  toLower: (values, call) => expectString(call, values, 0).toLowerCase(),
  toUpper: (values, call) => expectString(call, values, 0).toUpperCase(),
  trim: (values, call) => expectString(call, values, 0).trim(),

  indexOf: (values, call) => fold(expectString(call, values, 0)).indexOf(fold(expectString(call, values, 1))),

  lastIndexOf: (values, call) => {
    const text = expectString(call, values, 0);
    const search = expectString(call, values, 1);
    if (search === '') return text === '' ? 0 : text.length - 1;
    return fold(text).lastIndexOf(fold(search));
  },

  nthIndexOf: (values, call) => {
    const text = expectString(call, values, 0);
    const search = expectString(call, values, 1);
    const occurrence = expectInteger(call, values, 2);
    if (occurrence === 0) outOfRange(call, "'occurrence' must not be 0");
    return nthIndexOf(text, search, occurrence);
  },

  startsWith: (values, call) => fold(expectString(call, values, 0)).startsWith(fold(expectString(call, values, 1))),
  endsWith: (values, call) => fold(expectString(call, values, 0)).endsWith(fold(expectString(call, values, 1))),

  length: (values, call) => expectCollection(call, values, 0).length,

  guid: (values, call) => {
    const format = expectOptionalString(call, values, 0) ?? 'D';
    return guid(format, (call.host.newGuid?.() ?? randomUUID()).toLowerCase());
  },

  formatNumber: (values, call) => {
    const value = expectNumber(call, values, 0);
    const format = expectString(call, values, 1);
    const locale = expectOptionalString(call, values, 2) ?? 'en-us';
    return formatDotNetNumber(value, format, locale);
  },

  chunk: (values, call) => {
    const collection = expectCollection(call, values, 0);
    const size = expectInteger(call, values, 1);
    if (size <= 0) outOfRange(call, `'length' (${size}) must be a positive integer`);
    const chunks: unknown[] = [];
    for (let index = 0; index < collection.length; index += size) chunks.push(collection.slice(index, index + size));
    return chunks;
  },

  isFloat: (values, call) => {
    const text = expectString(call, values, 0);
    const locale = expectOptionalString(call, values, 1) ?? 'en-us';
    return parseLocaleNumber(text, locale) !== undefined;
  },

  isInt: (values, call) =>
    /^\s*[+-]?\d+\s*$/.test(expectString(call, values, 0)) && Number.isSafeInteger(Number(expectString(call, values, 0))),
};
