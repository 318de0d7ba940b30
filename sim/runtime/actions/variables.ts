/** InitializeVariable and the actions that change a variable (Set, Increment, Decrement, Append to array/string). */
import { ActionError } from '../errors.js';
import { isObject, stringify, typeName, type JsonObject, type Value } from '../functions/support.js';
import { lower, SUCCEEDED, type Outcome } from '../model.js';
import type { ActionCall, RunContext } from './context.js';

const VARIABLE_TYPES = ['string', 'integer', 'float', 'boolean', 'array', 'object'];

type Variable = { type: string; value: Value };

const fits = (type: string, value: Value): boolean => {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return false;
  }
};

function checkVariable(name: string, type: string, value: Value): void {
  if (fits(type, value)) return;
  const shown = type.charAt(0).toUpperCase() + type.slice(1);
  throw new ActionError(
    'InvalidTemplate',
    `The variable '${name}' of type '${shown}' cannot be initialized or updated with value of type '${typeName(value)}'. The variable '${name}' only supports values of types '${shown}'.`,
  );
}

function defaultOf(type: string): Value {
  switch (type) {
    case 'string':
      return '';
    case 'integer':
    case 'float':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      return {};
  }
}

export function initializeVariable(run: RunContext, { definition, step }: ActionCall): Outcome {
  const inputs = isObject(definition.inputs) ? definition.inputs : {};
  const declared = Array.isArray(inputs.variables) ? inputs.variables : [];
  const evaluated: JsonObject[] = [];
  for (const variable of declared) {
    if (!isObject(variable) || typeof variable.name !== 'string')
      throw new ActionError('InvalidTemplate', 'InitializeVariable needs inputs.variables[{ name, type, value }]');
    const type = lower(variable.type);
    if (!VARIABLE_TYPES.includes(type)) {
      throw new ActionError(
        'InvalidTemplate',
        `The variable '${variable.name}' has the type '${String(variable.type)}', not one of string, integer, float, boolean, array, object.`,
      );
    }
    if (run.state.variables.has(variable.name))
      throw new ActionError('InvalidTemplate', `The variable '${variable.name}' is already initialized.`);
    const value = Object.prototype.hasOwnProperty.call(variable, 'value') ? run.evaluate(variable.value) : defaultOf(type);
    checkVariable(variable.name, type, value);
    run.state.variables.set(variable.name, { type, value });
    evaluated.push({ name: variable.name, type: variable.type, value });
  }
  step.inputs = { variables: evaluated };
  return SUCCEEDED;
}

export function updateVariable(run: RunContext, { definition, step }: ActionCall): Outcome {
  const inputs = run.evaluate(definition.inputs ?? {}) as JsonObject;
  const name = inputs?.name;
  if (typeof name !== 'string') throw new ActionError('InvalidTemplate', `${String(definition.type)} needs inputs.name`);
  const variable = run.state.variables.get(name);
  if (!variable)
    throw new ActionError(
      'InvalidTemplate',
      `The variable '${name}' is not initialized: add an InitializeVariable action that runs before this one.`,
    );
  step.inputs = inputs;
  const next = nextValue(lower(definition.type), name, variable, inputs.value);
  checkVariable(name, variable.type, next);
  variable.value = next;
  step.outputs = { body: { name, value: next } };
  return SUCCEEDED;
}

function nextValue(kind: string, name: string, variable: Variable, value: Value): Value {
  switch (kind) {
    case 'setvariable':
      return value ?? null;
    case 'incrementvariable':
    case 'decrementvariable':
      return stepped(name, variable, value, kind === 'incrementvariable' ? 1 : -1);
    case 'appendtoarrayvariable':
      if (variable.type !== 'array')
        throw new ActionError('InvalidTemplate', `AppendToArrayVariable needs an Array variable; '${name}' is of type '${variable.type}'.`);
      return [...(variable.value as Value[]), value ?? null];
    default:
      if (variable.type !== 'string')
        throw new ActionError(
          'InvalidTemplate',
          `AppendToStringVariable needs a String variable; '${name}' is of type '${variable.type}'.`,
        );
      return (variable.value as string) + stringify(value);
  }
}

function stepped(name: string, variable: Variable, value: Value, sign: 1 | -1): number {
  if (variable.type !== 'integer' && variable.type !== 'float') {
    throw new ActionError(
      'InvalidTemplate',
      `The variable '${name}' of type '${variable.type}' cannot be incremented or decremented: only Integer and Float variables can.`,
    );
  }
  const amount = value === undefined || value === null ? 1 : value;
  if (typeof amount !== 'number')
    throw new ActionError(
      'InvalidTemplate',
      `The value to increment or decrement '${name}' by must be a number, not of type '${typeName(amount)}'.`,
    );
  return (variable.value as number) + sign * amount;
}
