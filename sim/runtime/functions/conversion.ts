/**
 * Conversion functions. Binary values are Logic Apps' content envelope
 * `{ "$content-type": …, "$content": <base64> }`. xml() is in xml.ts; json() of a string parses JSON only.
 */
import { parseLocaleNumber } from './number-format.js';
import {
  cloneJson,
  expectOptionalString,
  expectString,
  fail,
  isObject,
  stringify,
  typeError,
  type CallContext,
  type FunctionImpl,
  type Value,
} from './support.js';

const OCTET_STREAM = 'application/octet-stream';

const binaryEnvelope = (bytes: Buffer, contentType = OCTET_STREAM): Record<string, string> => ({
  '$content-type': contentType,
  $content: bytes.toString('base64'),
});

function decodeBase64(call: CallContext, text: string): Buffer {
  const compact = text.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    return fail(
      `The template language function '${call.name}' was invoked with a parameter that is not valid. The value cannot be decoded from base64 representation.`,
    );
  }
  return Buffer.from(compact, 'base64');
}

/** The bytes of a string, or of a binary envelope passed back in. */
function bytesOf(call: CallContext, values: Value[], index: number): Buffer {
  const value = values[index];
  if (isObject(value) && typeof value.$content === 'string') return decodeBase64(call, value.$content);
  return Buffer.from(expectString(call, values, index), 'utf8');
}

/** Uri.EscapeDataString: everything but the RFC 3986 unreserved characters is percent-encoded. */
const escapeDataString = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

function unescapeDataString(call: CallContext, text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail(
      `The template language function '${call.name}' was invoked with a parameter that is not valid. The value '${text}' is not a valid URI-encoded string.`,
    );
  }
}

function parseDataUri(call: CallContext, uri: string): { contentType: string; bytes: Buffer } {
  const match = /^data:([^,]*?)(;base64)?,(.*)$/s.exec(uri);
  if (!match)
    return fail(
      `The template language function '${call.name}' expects its parameter to be a data URI. The provided value '${uri}' is not one.`,
    );
  const contentType = match[1] || 'text/plain;charset=US-ASCII';
  const bytes = match[2] ? decodeBase64(call, match[3]!) : Buffer.from(unescapeDataString(call, match[3]!), 'utf8');
  return { contentType, bytes };
}

function parseJson(call: CallContext, text: string): Value {
  try {
    return JSON.parse(text) as Value;
  } catch (error) {
    return fail(
      `The template language function '${call.name}' parameter is not valid. The provided value '${text.length > 200 ? `${text.slice(0, 200)}…` : text}' ` +
        `cannot be parsed: '${(error as Error).message}'.`,
    );
  }
}

function toInteger(call: CallContext, values: Value[]): number {
  const value = values[0];
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value;
    return typeError(call, 0, 'a string that represents an integer', value);
  }
  const text = expectString(call, values, 0);
  if (!/^\s*[+-]?\d+\s*$/.test(text) || !Number.isSafeInteger(Number(text))) {
    return fail(
      `The template language function 'int' was invoked with a parameter that is not valid. The value cannot be converted to the target type 'Integer'.`,
    );
  }
  return Number(text);
}

export const CONVERSION_FUNCTIONS: Readonly<Record<string, FunctionImpl>> = {
  array: (values) => [cloneJson(values[0])],

  bool: (values, call) => {
    const value = values[0];
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') return value !== 0;
    if (typeof value === 'string') {
      const lower = value.trim().toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      return fail(
        `The template language function 'bool' was invoked with a parameter that is not valid. The value '${value}' cannot be converted to the target type 'Boolean'.`,
      );
    }
    return typeError(call, 0, 'a string, an integer or a Boolean', value);
  },

  int: (values, call) => toInteger(call, values),

  float: (values, call) => {
    const value = values[0];
    if (typeof value === 'number') return value;
    const text = expectString(call, values, 0);
    const parsed = parseLocaleNumber(text, expectOptionalString(call, values, 1) ?? 'en-us');
    if (parsed === undefined) {
      return fail(
        `The template language function 'float' was invoked with a parameter that is not valid. The value '${text}' cannot be converted to the target type 'Float'.`,
      );
    }
    return parsed;
  },

  decimal: (values, call) => {
    const value = values[0];
    if (typeof value === 'number') return value;
    const text = expectString(call, values, 0);
    const parsed = parseLocaleNumber(text, 'en-us');
    if (parsed === undefined) {
      return fail(
        `The template language function 'decimal' was invoked with a parameter that is not valid. The value '${text}' cannot be converted to the target type 'Decimal'.`,
      );
    }
    return parsed;
  },

  string: (values) => stringify(values[0]),

  json: (values, call) => {
    const value = values[0];
    if (value === null || value === undefined) return {};
    if (typeof value === 'string') return parseJson(call, value);
    if (isObject(value) && typeof value.$content === 'string') return parseJson(call, decodeBase64(call, value.$content).toString('utf8'));
    return cloneJson(value);
  },

  base64: (values, call) => bytesOf(call, values, 0).toString('base64'),
  base64ToString: (values, call) => decodeBase64(call, expectString(call, values, 0)).toString('utf8'),
  decodeBase64: (values, call) => decodeBase64(call, expectString(call, values, 0)).toString('utf8'),
  base64ToBinary: (values, call) => binaryEnvelope(decodeBase64(call, expectString(call, values, 0))),
  binary: (values, call) => binaryEnvelope(bytesOf(call, values, 0)),

  dataUri: (values, call) => {
    const value = values[0];
    const contentType = isObject(value) && typeof value['$content-type'] === 'string' ? value['$content-type'] : 'text/plain;charset=utf-8';
    return `data:${contentType};base64,${bytesOf(call, values, 0).toString('base64')}`;
  },
  dataUriToString: (values, call) => parseDataUri(call, expectString(call, values, 0)).bytes.toString('utf8'),
  dataUriToBinary: (values, call) => {
    const { contentType, bytes } = parseDataUri(call, expectString(call, values, 0));
    return binaryEnvelope(bytes, contentType);
  },
  decodeDataUri: (values, call) => {
    const { contentType, bytes } = parseDataUri(call, expectString(call, values, 0));
    return binaryEnvelope(bytes, contentType);
  },

  encodeUriComponent: (values, call) => escapeDataString(stringify(expectStringOrScalar(call, values))),
  uriComponent: (values, call) => escapeDataString(stringify(expectStringOrScalar(call, values))),
  uriComponentToString: (values, call) => unescapeDataString(call, expectString(call, values, 0)),
  decodeUriComponent: (values, call) => unescapeDataString(call, expectString(call, values, 0)),
  uriComponentToBinary: (values, call) => binaryEnvelope(Buffer.from(unescapeDataString(call, expectString(call, values, 0)), 'utf8')),
};

/** uriComponent() encodes the string form of scalars (numbers, Booleans) too. */
function expectStringOrScalar(call: CallContext, values: Value[]): Value {
  const value = values[0];
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return typeError(call, 0, 'a string', value);
}
