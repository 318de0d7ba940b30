/**
 * What every function family shares: the call context, Logic-Apps-worded type errors, and the value
 * helpers (type names, stringification, equality) the WDL engine applies consistently.
 */
import type { Expression } from '../../../flows/expressions/index.js';
import { TemplateError } from '../errors.js';

/** A JSON value as expressions see it (objects are plain records, arrays are arrays). */
export type Value = unknown;
export type JsonObject = Record<string, unknown>;

/** What the runtime exposes to the workflow functions; each hook is absent where it makes no sense. */
export interface EvaluationHost {
  /** Current time (the run's clock). */
  now(): Date;
  /** New GUID (guid()); defaults to crypto.randomUUID. */
  newGuid?(): string;
  /** A number in [0, 1) (rand()); defaults to Math.random. */
  random?(): number;
  /** trigger(): the trigger's result object (name, inputs, outputs, startTime, status…). */
  trigger?(): Value;
  /**
   * actions(name): `undefined` when no action of that name exists in the definition; `{ record: undefined }`
   * when it exists but has not run (or was skipped without outputs).
   */
  action?(name: string): { record: JsonObject | undefined } | undefined;
  /** action(): the current action's own result (trackedProperties, Until conditions). */
  currentAction?(): Value;
  variable?(name: string): { value: Value } | undefined;
  parameter?(name: string): { value: Value } | undefined;
  /** item(): the innermost repeating context (Foreach iteration, Query/Select item). */
  item?(): { value: Value } | undefined;
  /** items(loop): the current item of the named Foreach. */
  items?(loop: string): { value: Value } | undefined;
  /** iterationIndexes(loop): the current 0-based index of the named Until (or Foreach). */
  iterationIndex?(loop: string): number | undefined;
  /** result(scope): the first-level action results of a Scope/Foreach/Until; undefined when no such scope. */
  result?(scope: string): Value[] | undefined;
  workflow?(): Value;
  listCallbackUrl?(): string | undefined;
}

/** One call being evaluated: its canonical name, the argument expressions, and the host. */
export interface CallContext {
  /** Canonical spelling from the catalogue (`toLower`, not `TOLOWER`). */
  readonly name: string;
  readonly args: readonly Expression[];
  readonly host: EvaluationHost;
  /** Whether argument `index` is a WDL float (a float literal, float(), arithmetic on floats, a fractional number). */
  isFloat(index: number): boolean;
}

export type FunctionImpl = (values: Value[], call: CallContext) => Value;

export const isObject = (value: Value): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Logic Apps' names for value types, as its error messages print them. */
export function typeName(value: Value): string {
  if (value === null || value === undefined) return 'Null';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Float';
  if (Array.isArray(value)) return 'Array';
  return 'Object';
}

export function fail(message: string): never {
  throw new TemplateError(message);
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];

/** "its parameter" for one-argument functions, "its second parameter" otherwise. */
function parameterWord(call: CallContext, index: number, total = call.args.length): string {
  return total <= 1 && index === 0 ? 'its parameter' : `its ${ORDINALS[index] ?? `#${index + 1}`} parameter`;
}

export function typeError(call: CallContext, index: number, expected: string, value: Value): never {
  return fail(
    `The template language function '${call.name}' expects ${parameterWord(call, index)} to be ${expected}. ` +
      `The provided value is of type '${typeName(value)}'.`,
  );
}

export function expectString(call: CallContext, values: Value[], index: number): string {
  const value = values[index];
  if (typeof value !== 'string') typeError(call, index, 'a string', value);
  return value;
}

export function expectOptionalString(call: CallContext, values: Value[], index: number): string | undefined {
  const value = values[index];
  if (value === undefined || value === null) return undefined;
  return expectString(call, values, index);
}

export function expectInteger(call: CallContext, values: Value[], index: number): number {
  const value = values[index];
  if (typeof value !== 'number' || !Number.isInteger(value)) typeError(call, index, 'an integer', value);
  return value;
}

export function expectNumber(call: CallContext, values: Value[], index: number): number {
  const value = values[index];
  if (typeof value !== 'number') typeError(call, index, 'an integer or a decimal number', value);
  return value;
}

export function expectBoolean(call: CallContext, values: Value[], index: number): boolean {
  const value = values[index];
  if (typeof value !== 'boolean') typeError(call, index, 'of type boolean', value);
  return value;
}

export function expectArray(call: CallContext, values: Value[], index: number): Value[] {
  const value = values[index];
  if (!Array.isArray(value)) typeError(call, index, 'an array', value);
  return value;
}

export function expectObject(call: CallContext, values: Value[], index: number): JsonObject {
  const value = values[index];
  if (!isObject(value)) typeError(call, index, 'an object', value);
  return value;
}

/** A string or an array (length, first, last, take, skip…). */
export function expectCollection(call: CallContext, values: Value[], index: number): string | Value[] {
  const value = values[index];
  if (typeof value !== 'string' && !Array.isArray(value)) typeError(call, index, 'an array or a string', value);
  return value as string | Value[];
}

/**
 * A number as .NET prints a double or a long: integers plainly, fractions with the shortest round-trip
 * digits, exponents as `1E+21` / `1E-07`.
 */
function numberToString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const text = String(value);
  const exponent = /^(-?[\d.]+)e([+-])(\d+)$/.exec(text);
  if (!exponent) return text;
  return `${exponent[1]}E${exponent[2]}${exponent[3]!.padStart(2, '0')}`;
}

/**
 * How a value reads inside a string: the `@{…}` interpolation and string()/concat() conversions.
 * null is empty, Booleans are `True`/`False` (.NET), objects and arrays are compact JSON.
 */
export function stringify(value: Value): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return numberToString(value);
  return JSON.stringify(value);
}

/** Structural equality: objects compare by keys regardless of order, arrays item by item. */
export function deepEqual(left: Value, right: Value): boolean {
  if (left === right) return true;
  if (left === undefined || right === undefined) return (left ?? null) === (right ?? null);
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    return left.every((item, index) => deepEqual(item, right[index]));
  }
  if (isObject(left) && isObject(right)) {
    const leftKeys = Object.keys(left);
    const rightKeys = Object.keys(right);
    if (leftKeys.length !== rightKeys.length) return false;
    return leftKeys.every((key) => Object.prototype.hasOwnProperty.call(right, key) && deepEqual(left[key], right[key]));
  }
  return false;
}

/** A deep copy of a JSON value (functions never mutate their inputs). */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
