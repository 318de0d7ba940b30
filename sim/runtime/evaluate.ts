/**
 * Evaluates WDL templates and expressions (flows-and-pcf §3.8) over the syntax tree of
 * flows/expressions: a whole `@expr` value keeps its type, `@{…}` interpolation produces a string with
 * Logic Apps' stringification (objects as JSON, null as empty, Booleans as True/False), member access
 * follows `?[]` null-safety, and calls dispatch to the function families in ./functions. Errors are
 * TemplateErrors worded like Logic Apps'; a catalogued function the simulator lacks is an
 * UnimplementedFunctionError.
 *
 * Power Automate detail: a member key containing `/` (`triggerOutputs()?['body/opportunityid']`) navigates
 * the path when the object has no member with that literal name.
 */
import {
  arityProblem,
  ExpressionSyntaxError,
  lookupFunction,
  parseTemplate,
  type Expression,
  type MemberAccess,
  type Template,
} from '../../flows/expressions/index.js';
import { TemplateError, UnimplementedFunctionError } from './errors.js';
import { IMPLEMENTATIONS, LAZY_FUNCTIONS } from './functions/index.js';
import { fail, isObject, stringify, typeName, type CallContext, type EvaluationHost, type Value } from './functions/support.js';

export type { EvaluationHost } from './functions/support.js';

const TEMPLATE_CACHE = new Map<string, Template>();
const CACHE_LIMIT = 20000;

/** Parses a JSON string value of a definition (cached); syntax errors become TemplateErrors. */
function parseCachedTemplate(text: string): Template {
  const cached = TEMPLATE_CACHE.get(text);
  if (cached) return cached;
  let template: Template;
  try {
    template = parseTemplate(text);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) {
      throw new TemplateError(`The template language expression '${text}' is not valid: ${error.reason} (at offset ${error.offset})`);
    }
    throw error;
  }
  if (TEMPLATE_CACHE.size > CACHE_LIMIT) TEMPLATE_CACHE.clear();
  TEMPLATE_CACHE.set(text, template);
  return template;
}

/** Evaluates one JSON string value: plain text, a whole expression, or an interpolated string. */
export function evaluateTemplate(text: string, host: EvaluationHost): Value {
  const template = parseCachedTemplate(text);
  switch (template.kind) {
    case 'literal':
      return template.value;
    case 'expression':
      return new Evaluator(text, host).evaluate(template.expression);
    case 'interpolation': {
      const evaluator = new Evaluator(text, host);
      return template.parts.map((part) => (part.kind === 'text' ? part.value : stringify(evaluator.evaluate(part.expression)))).join('');
    }
  }
}

/** Evaluates every string of a JSON value (object keys are taken literally); returns a new value. */
export function evaluateJson(value: Value, host: EvaluationHost): Value {
  if (typeof value === 'string') return evaluateTemplate(value, host);
  if (Array.isArray(value)) return value.map((item) => evaluateJson(item, host));
  if (isObject(value)) {
    const result: Record<string, Value> = {};
    for (const [key, item] of Object.entries(value)) result[key] = evaluateJson(item, host);
    return result;
  }
  return value;
}

const ARITHMETIC: ReadonlySet<string> = new Set(['add', 'sub', 'mul', 'div', 'mod', 'min', 'max']);

/** Whether an expression is statically a WDL float (float literal, float()/decimal(), arithmetic on floats). */
function staticFloat(expression: Expression): boolean {
  if (expression.kind === 'number') return expression.numberKind === 'float';
  if (expression.kind !== 'call') return false;
  const name = expression.name.toLowerCase();
  if (name === 'float' || name === 'decimal') return true;
  return ARITHMETIC.has(name) && expression.args.some(staticFloat);
}

class Evaluator {
  constructor(
    private readonly source: string,
    private readonly host: EvaluationHost,
  ) {}

  evaluate(expression: Expression): Value {
    switch (expression.kind) {
      case 'string':
      case 'number':
      case 'boolean':
      case 'null':
        return expression.value;
      case 'call':
        return this.call(expression);
      case 'member':
        return this.member(expression);
    }
  }

  private text(expression: Expression): string {
    const text = this.source.slice(expression.span.start, expression.span.end);
    return text === '' ? '(expression)' : text;
  }

  private call(node: Extract<Expression, { kind: 'call' }>): Value {
    const spec = lookupFunction(node.name);
    if (!spec) return fail(`The template function '${node.name}' is not defined or not valid.`);
    const arity = arityProblem(spec, node.args.length);
    if (arity) return fail(`The template language expression '${this.text(node)}' is not valid: ${arity}.`);
    const lower = spec.name.toLowerCase();
    if (LAZY_FUNCTIONS.has(lower)) return this.lazy(lower, node);
    const impl = IMPLEMENTATIONS.get(lower);
    if (!impl) throw new UnimplementedFunctionError(spec.name);
    const values = node.args.map((arg) => this.evaluate(arg));
    const call: CallContext = {
      name: spec.name,
      args: node.args,
      host: this.host,
      isFloat: (index) => {
        const value = values[index];
        const arg = node.args[index];
        return typeof value === 'number' && (!Number.isInteger(value) || (arg !== undefined && staticFloat(arg)));
      },
    };
    return impl(values, call);
  }

  /** if(): only the chosen branch is evaluated (Microsoft's own templates rely on it). */
  private lazy(name: string, node: Extract<Expression, { kind: 'call' }>): Value {
    if (name !== 'if') throw new UnimplementedFunctionError(name);
    const condition = this.evaluate(node.args[0]!);
    if (typeof condition !== 'boolean') {
      return fail(
        `The template language function 'if' expects its first parameter to be of type boolean. The provided value is of type '${typeName(condition)}'.`,
      );
    }
    return this.evaluate(node.args[condition ? 1 : 2]!);
  }

  private member(node: MemberAccess): Value {
    return selectMember(node, this.evaluate(node.target), this.evaluate(node.property), this.text(node));
  }
}

const cannotSelect = (text: string, property: string, why: string): never =>
  fail(`The template language expression '${text}' cannot be evaluated because property '${property}' cannot be selected. ${why}`);

/** `target[key]` / `target?[key]` with Logic Apps' errors; `text` is the expression, for messages. */
function selectMember(node: MemberAccess, target: Value, key: Value, text: string): Value {
  const shown = typeof key === 'string' ? key : stringify(key);
  if (target === null || target === undefined) {
    return node.nullSafe ? null : cannotSelect(text, shown, "Property selection is not supported on values of type 'Null'.");
  }
  if (Array.isArray(target)) return selectElement(node, target, key, text, shown);
  if (!isObject(target)) return cannotSelect(text, shown, `Property selection is not supported on values of type '${typeName(target)}'.`);
  if (typeof key !== 'string') {
    return fail(
      `The template language expression '${text}' cannot be evaluated because the property name must be a string; the provided value is of type '${typeName(key)}'.`,
    );
  }
  if (Object.prototype.hasOwnProperty.call(target, key)) return target[key] ?? null;
  if (key.includes('/')) return selectPath(node, target, key, text);
  if (node.nullSafe) return null;
  return missing(text, target, key);
}

function selectElement(node: MemberAccess, target: Value[], key: Value, text: string, shown: string): Value {
  if (typeof key !== 'number' || !Number.isInteger(key)) {
    return cannotSelect(text, shown, 'Array elements can only be selected using an integer index.');
  }
  if (key >= 0 && key < target.length) return target[key] ?? null;
  if (node.nullSafe) return null;
  return fail(
    `The template language expression '${text}' cannot be evaluated because array index '${key}' is outside bounds (0, ${target.length - 1}) of array.`,
  );
}

/** `['body/opportunityid']`: each segment selects a member of the previous one. */
function selectPath(node: MemberAccess, target: Record<string, Value>, key: string, text: string): Value {
  let current: Value = target;
  for (const segment of key.split('/')) {
    if (isObject(current) && Object.prototype.hasOwnProperty.call(current, segment)) {
      current = current[segment] ?? null;
      continue;
    }
    if (node.nullSafe) return null;
    if (isObject(current)) return missing(text, current, segment);
    return fail(
      `The template language expression '${text}' cannot be evaluated because property '${segment}' of the path '${key}' cannot be selected. ` +
        `Property selection is not supported on values of type '${typeName(current)}'.`,
    );
  }
  return current;
}

function missing(text: string, target: Record<string, Value>, key: string): never {
  return fail(
    `The template language expression '${text}' cannot be evaluated because property '${key}' doesn't exist, ` +
      `available properties are '${Object.keys(target).join(', ')}'.`,
  );
}

/**
 * Calls a catalogued function on values already evaluated (the object form of an If condition:
 * `{ "equals": ["@x", "y"] }`). Float-ness is known from the values only.
 */
export function applyFunction(name: string, values: Value[], host: EvaluationHost): Value {
  const spec = lookupFunction(name);
  if (!spec) return fail(`The template function '${name}' is not defined or not valid.`);
  const arity = arityProblem(spec, values.length);
  if (arity) return fail(`The condition '${name}' is not valid: ${arity}.`);
  const lower = spec.name.toLowerCase();
  if (lower === 'if') {
    if (typeof values[0] !== 'boolean')
      return fail(
        `The template language function 'if' expects its first parameter to be of type boolean. The provided value is of type '${typeName(values[0])}'.`,
      );
    return values[0] ? values[1] : values[2];
  }
  const impl = IMPLEMENTATIONS.get(lower);
  if (!impl) throw new UnimplementedFunctionError(spec.name);
  const call: CallContext = {
    name: spec.name,
    args: [],
    host,
    isFloat: (index) => typeof values[index] === 'number' && !Number.isInteger(values[index]),
  };
  return impl(values, call);
}
