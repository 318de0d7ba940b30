/** Data operations: Compose, Parse JSON, Filter array (Query), Select, Join. */
import { ActionError, TemplateError } from '../errors.js';
import { evaluateTemplate } from '../evaluate.js';
import { isObject, stringify, typeName, type JsonObject, type Value } from '../functions/support.js';
import { SUCCEEDED, type Outcome } from '../model.js';
import { validateSchema } from '../schema.js';
import type { ActionCall, RunContext } from './context.js';

export function compose(run: RunContext, { definition, step }: ActionCall): Outcome {
  step.inputs = run.evaluate(definition.inputs ?? null);
  step.outputs = step.inputs;
  return SUCCEEDED;
}

export function parseJson(run: RunContext, { definition, step }: ActionCall): Outcome {
  const inputs = run.evaluate(definition.inputs ?? {}) as JsonObject;
  step.inputs = inputs;
  let content: Value = inputs.content ?? null;
  if (typeof content === 'string') {
    try {
      content = JSON.parse(content) as Value;
    } catch (error) {
      throw new ActionError(
        'InvalidJSON',
        `The 'content' property of actions of type 'ParseJson' must be valid JSON: ${(error as Error).message}`,
      );
    }
  }
  const problems = validateSchema(content, inputs.schema);
  if (problems.length) {
    step.outputs = { body: content, errors: problems };
    throw new ActionError('ValidationFailed', `The schema validation failed. ${problems.join(' ')}`);
  }
  step.outputs = { body: content };
  return SUCCEEDED;
}

function arrayInput(value: Value, action: string, property: string): Value[] {
  if (!Array.isArray(value)) {
    throw new TemplateError(
      `The '${property}' property of a ${action} action must evaluate to an array; the provided value is of type '${typeName(value)}'.`,
    );
  }
  return value;
}

export function query(run: RunContext, { definition, step }: ActionCall): Outcome {
  const inputs = isObject(definition.inputs) ? definition.inputs : {};
  const from = arrayInput(run.evaluate(inputs.from ?? null), 'Query', 'from');
  step.inputs = { from, where: inputs.where ?? null };
  const kept = from.filter((item, index) =>
    run.state.withItem(item, index, () => {
      const verdict = typeof inputs.where === 'string' ? evaluateTemplate(inputs.where, run.host) : run.evaluate(inputs.where ?? true);
      if (typeof verdict !== 'boolean')
        throw new TemplateError(
          `The 'where' expression of a Query action must evaluate to a Boolean; it evaluated to a value of type '${typeName(verdict)}'.`,
        );
      return verdict;
    }),
  );
  step.outputs = { body: kept };
  return SUCCEEDED;
}

export function select(run: RunContext, { definition, step }: ActionCall): Outcome {
  const inputs = isObject(definition.inputs) ? definition.inputs : {};
  const from = arrayInput(run.evaluate(inputs.from ?? null), 'Select', 'from');
  step.inputs = { from, select: inputs.select ?? null };
  step.outputs = { body: from.map((item, index) => run.state.withItem(item, index, () => run.evaluate(inputs.select ?? null))) };
  return SUCCEEDED;
}

export function join(run: RunContext, { definition, step }: ActionCall): Outcome {
  const inputs = run.evaluate(definition.inputs ?? {}) as JsonObject;
  const from = arrayInput(inputs.from ?? null, 'Join', 'from');
  if (typeof inputs.joinWith !== 'string')
    throw new TemplateError(`The 'joinWith' property of a Join action must be a string; it is of type '${typeName(inputs.joinWith)}'.`);
  step.inputs = inputs;
  step.outputs = { body: from.map(stringify).join(inputs.joinWith) };
  return SUCCEEDED;
}
