/**
 * Math functions. WDL keeps integers and floats apart: div() of two integers is an integer (truncated
 * toward zero, like C#), and a float operand makes the result a float. Float-ness comes from the call
 * site (a float literal, float()/decimal(), arithmetic on those, or a fractional value).
 */
import { expectArray, expectInteger, expectNumber, fail, typeError, type CallContext, type FunctionImpl, type Value } from './support.js';

function operands(call: CallContext, values: Value[]): [number, number] {
  return [expectNumber(call, values, 0), expectNumber(call, values, 1)];
}

function divisor(call: CallContext, value: number): number {
  if (value === 0) fail(`The template language function '${call.name}' cannot divide by zero: 'Attempted to divide by zero.'`);
  return value;
}

/** min()/max() take numbers, or one array of numbers. */
function numbersOf(call: CallContext, values: Value[]): number[] {
  const list = values.length === 1 && Array.isArray(values[0]) ? expectArray(call, values, 0) : values;
  if (list.length === 0) fail(`The template language function '${call.name}' expects at least one number.`);
  return list.map((value, index) => (typeof value === 'number' ? value : typeError(call, index, 'an integer or a decimal number', value)));
}

export const MATH_FUNCTIONS: Readonly<Record<string, FunctionImpl>> = {
  add: (values, call) => {
    const [a, b] = operands(call, values);
    return a + b;
  },
  sub: (values, call) => {
    const [a, b] = operands(call, values);
    return a - b;
  },
  mul: (values, call) => {
    const [a, b] = operands(call, values);
    return a * b;
  },
  div: (values, call) => {
    const [a, b] = operands(call, values);
    const quotient = a / divisor(call, b);
    return call.isFloat(0) || call.isFloat(1) ? quotient : Math.trunc(quotient);
  },
  mod: (values, call) => {
    const [a, b] = operands(call, values);
    return a % divisor(call, b);
  },
  min: (values, call) => Math.min(...numbersOf(call, values)),
  max: (values, call) => Math.max(...numbersOf(call, values)),
  rand: (values, call) => {
    const low = expectInteger(call, values, 0);
    const high = expectInteger(call, values, 1);
    if (low >= high)
      fail(`The template language function 'rand' expects its first parameter (${low}) to be less than its second parameter (${high}).`);
    const random = call.host.random?.() ?? Math.random();
    return low + Math.floor(random * (high - low));
  },
  range: (values, call) => {
    const start = expectInteger(call, values, 0);
    const count = expectInteger(call, values, 1);
    if (count < 0 || count > 100000)
      fail(
        `The template language function 'range' expects its second parameter to be between 0 and 100000. The provided value is ${count}.`,
      );
    return Array.from({ length: count }, (_unused, index) => start + index);
  },
};
