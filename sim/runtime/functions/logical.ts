/**
 * Logical comparison functions. Per the reference, comparisons read null as an empty string; equals()
 * compares strings case-sensitively (Microsoft's answer to "is this comparison case sensitive?" is to
 * lower-case both sides) and treats a Boolean and a number as equivalent when true is 1 (equals(true, 1)).
 * greater()/less() compare numbers numerically and strings with culture-aware ordering ('apple' < 'banana').
 * if() is evaluated lazily by the evaluator (only the chosen branch), which is why it is not listed here.
 */
import { deepEqual, expectBoolean, fail, typeName, type CallContext, type FunctionImpl, type Value } from './support.js';

const COLLATOR = new Intl.Collator('en-US', { sensitivity: 'variant' });

const nullAsEmpty = (value: Value): Value => (value === null || value === undefined ? '' : value);

export function wdlEquals(left: Value, right: Value): boolean {
  const a = nullAsEmpty(left);
  const b = nullAsEmpty(right);
  if (typeof a === 'boolean' && typeof b === 'number') return Number(a) === b;
  if (typeof a === 'number' && typeof b === 'boolean') return a === Number(b);
  return deepEqual(a, b);
}

function compare(call: CallContext, values: Value[]): number {
  const a = nullAsEmpty(values[0]);
  const b = nullAsEmpty(values[1]);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return COLLATOR.compare(a, b);
  return fail(
    `The template language function '${call.name}' expects two parameters of matching types: integers, decimal numbers or strings. ` +
      `The provided values are of types '${typeName(values[0])}' and '${typeName(values[1])}'.`,
  );
}

export const LOGICAL_FUNCTIONS: Readonly<Record<string, FunctionImpl>> = {
  and: (values, call) => values.map((_value, index) => expectBoolean(call, values, index)).every(Boolean),
  or: (values, call) => values.map((_value, index) => expectBoolean(call, values, index)).some(Boolean),
  not: (values, call) => !expectBoolean(call, values, 0),
  equals: (values) => wdlEquals(values[0], values[1]),
  greater: (values, call) => compare(call, values) > 0,
  greaterOrEquals: (values, call) => compare(call, values) >= 0,
  less: (values, call) => compare(call, values) < 0,
  lessOrEquals: (values, call) => compare(call, values) <= 0,
  coalesce: (values) => values.find((value) => value !== null && value !== undefined) ?? null,
};
