/**
 * Collection functions: strings, arrays and (for contains/empty/union/intersection) objects. first() and
 * last() of an empty array are null; of null they are a type error, like length().
 */
import {
  cloneJson,
  deepEqual,
  expectArray,
  expectCollection,
  expectInteger,
  expectOptionalString,
  expectString,
  fail,
  isObject,
  stringify,
  typeError,
  typeName,
  type CallContext,
  type FunctionImpl,
  type JsonObject,
  type Value,
} from './support.js';

function unique(items: Value[]): Value[] {
  const kept: Value[] = [];
  for (const item of items) if (!kept.some((existing) => deepEqual(existing, item))) kept.push(item);
  return kept;
}

/** All arguments arrays, or all objects (union, intersection). */
function collections(call: CallContext, values: Value[]): { arrays: Value[][] } | { objects: JsonObject[] } {
  if (values.every(Array.isArray)) return { arrays: values as Value[][] };
  if (values.every(isObject)) return { objects: values };
  const bad = values.findIndex((value) => !Array.isArray(value) && !isObject(value));
  if (bad >= 0) return typeError(call, bad, 'an array or an object', values[bad]);
  return fail(
    `The template language function '${call.name}' expects parameters of the same type: all arrays or all objects. The provided values are of types ${values.map((value) => `'${typeName(value)}'`).join(', ')}.`,
  );
}

function compareSimple(call: CallContext, left: Value, right: Value): number {
  if (left === null || left === undefined) return right === null || right === undefined ? 0 : -1;
  if (right === null || right === undefined) return 1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  if (typeof left === 'boolean' && typeof right === 'boolean') return Number(left) - Number(right);
  return fail(`The template language function '${call.name}' cannot compare values of types '${typeName(left)}' and '${typeName(right)}'.`);
}

export const COLLECTION_FUNCTIONS: Readonly<Record<string, FunctionImpl>> = {
  contains: (values, call) => {
    const collection = values[0];
    const value = values[1];
    if (typeof collection === 'string') return collection.includes(stringify(value));
    if (Array.isArray(collection)) return collection.some((item) => deepEqual(item, value));
    if (isObject(collection)) return typeof value === 'string' && Object.prototype.hasOwnProperty.call(collection, value);
    return typeError(call, 0, 'a string, an array or an object', collection);
  },

  empty: (values, call) => {
    const collection = values[0];
    if (collection === null || collection === undefined) return true;
    if (typeof collection === 'string' || Array.isArray(collection)) return collection.length === 0;
    if (isObject(collection)) return Object.keys(collection).length === 0;
    return typeError(call, 0, 'a string, an array or an object', collection);
  },

  first: (values, call) => {
    const collection = expectCollection(call, values, 0);
    return collection.length === 0 ? (typeof collection === 'string' ? '' : null) : collection[0];
  },

  last: (values, call) => {
    const collection = expectCollection(call, values, 0);
    return collection.length === 0 ? (typeof collection === 'string' ? '' : null) : collection[collection.length - 1];
  },

  join: (values, call) =>
    expectArray(call, values, 0)
      .map(stringify)
      .join(expectString(call, values, 1)),

  intersection: (values, call) => {
    const kind = collections(call, values);
    if ('arrays' in kind) {
      const [head = [], ...rest] = kind.arrays;
      return unique(head.filter((item) => rest.every((other) => other.some((candidate) => deepEqual(candidate, item)))));
    }
    const result: JsonObject = {};
    const [head = {}, ...rest] = kind.objects;
    for (const key of Object.keys(head)) {
      if (rest.every((other) => Object.prototype.hasOwnProperty.call(other, key))) {
        result[key] = cloneJson((rest.length ? rest[rest.length - 1]! : head)[key]);
      }
    }
    return result;
  },

  union: (values, call) => {
    const kind = collections(call, values);
    if ('arrays' in kind) return unique(kind.arrays.flat()).map(cloneJson);
    return Object.assign({}, ...kind.objects.map(cloneJson)) as JsonObject;
  },

  skip: (values, call) => {
    const collection = expectCollection(call, values, 0);
    const count = expectInteger(call, values, 1);
    return collection.slice(Math.max(0, count));
  },

  take: (values, call) => {
    const collection = expectCollection(call, values, 0);
    const count = expectInteger(call, values, 1);
    return collection.slice(0, Math.max(0, count));
  },

  createArray: (values) => values.map(cloneJson),

  reverse: (values, call) => [...expectArray(call, values, 0)].reverse(),

  sort: (values, call) => {
    const items = [...expectArray(call, values, 0)];
    const key = expectOptionalString(call, values, 1);
    if (key === undefined) return items.sort((left, right) => compareSimple(call, left, right));
    return items.sort((left, right) => {
      if (!isObject(left) || !isObject(right))
        return fail(`The template language function 'sort' can sort by '${key}' only an array of objects.`);
      return compareSimple(call, left[key], right[key]);
    });
  },
};
