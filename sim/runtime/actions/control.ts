/** Control actions: Scope, If (Condition), Switch, Terminate, Wait. */
import { parseDuration, WAIT_UNITS } from '../durations.js';
import { TemplateError } from '../errors.js';
import { applyFunction, evaluateTemplate } from '../evaluate.js';
import { wdlEquals } from '../functions/logical.js';
import { isObject, stringify, typeName, type JsonObject, type Value } from '../functions/support.js';
import { isFailure, lower, SUCCEEDED, type Outcome } from '../model.js';
import type { ActionCall, RunContext } from './context.js';

/** A container is Failed when an action in it failed unhandled, whatever it timed out or failed with. */
const containerOutcome = (inner: Outcome): Outcome => (isFailure(inner.status) ? { status: 'Failed', cause: inner.cause } : SUCCEEDED);

export async function scope(run: RunContext, { name, definition, path, iteration }: ActionCall): Promise<Outcome> {
  const inner = await run.runContainer(definition.actions, path, iteration);
  run.state.scopeResults.set(name, run.state.firstLevelResults(definition.actions));
  return containerOutcome(inner);
}

/** The Boolean of an If or Until expression: a template, a literal, or the designer's object form. */
export function conditionValue(run: RunContext, expression: unknown, action = 'an If'): boolean {
  let verdict: Value;
  if (typeof expression === 'string') verdict = evaluateTemplate(expression, run.host);
  else if (typeof expression === 'boolean') verdict = expression;
  else if (isObject(expression)) verdict = objectCondition(run, expression);
  else verdict = expression ?? null;
  if (typeof verdict !== 'boolean')
    throw new TemplateError(
      `The 'expression' of ${action} action must evaluate to a Boolean; it evaluated to a value of type '${typeName(verdict)}'.`,
    );
  return verdict;
}

/** `{ "and": [ { "equals": ["@x", "y"] } ] }`: the designer's object form of a condition. */
function objectCondition(run: RunContext, expression: JsonObject): Value {
  const entries = Object.entries(expression);
  if (entries.length !== 1) throw new TemplateError(`A condition object has exactly one operator; this one has ${entries.length}.`);
  const [operator, operands] = entries[0]!;
  const op = operator.toLowerCase();
  const operand = (value: unknown): Value => (isObject(value) ? objectCondition(run, value) : run.evaluate(value));
  if (op === 'and' || op === 'or') return applyFunction(op, (Array.isArray(operands) ? operands : [operands]).map(operand), run.host);
  if (op === 'not') return applyFunction('not', [operand(operands)], run.host);
  const values = (Array.isArray(operands) ? operands : [operands]).map((value) => run.evaluate(value));
  return applyFunction(operator, values, run.host);
}

export async function condition(run: RunContext, { definition, path, iteration, step }: ActionCall): Promise<Outcome> {
  const verdict = conditionValue(run, definition.expression);
  step.inputs = { expressionResult: verdict };
  const taken = verdict ? definition.actions : definition.else?.actions;
  const skipped = verdict ? definition.else?.actions : definition.actions;
  const inner = await run.runContainer(taken, path, iteration);
  run.state.skipAll(skipped, path, iteration);
  return containerOutcome(inner);
}

export async function switchCases(run: RunContext, { definition, path, iteration, step }: ActionCall): Promise<Outcome> {
  const value = run.evaluate(definition.expression ?? null);
  const cases = Object.entries(definition.cases ?? {});
  const match = cases.find(([, branch]) => {
    const candidate = run.evaluate(branch?.case ?? null);
    return typeof candidate === typeof value && wdlEquals(candidate, value);
  });
  step.inputs = { expressionResult: value, case: match ? match[0] : 'default' };
  const inner = await run.runContainer(match ? match[1]?.actions : definition.default?.actions, path, iteration);
  for (const [caseName, branch] of cases) {
    if (!match || caseName !== match[0]) run.state.skipAll(branch?.actions, path, iteration);
  }
  if (match) run.state.skipAll(definition.default?.actions, path, iteration);
  return containerOutcome(inner);
}

export function terminate(run: RunContext, { definition, step }: ActionCall): Outcome {
  const inputs = run.evaluate(definition.inputs ?? {}) as JsonObject;
  step.inputs = inputs;
  const status = (['Succeeded', 'Failed', 'Cancelled'] as const).find((candidate) => candidate.toLowerCase() === lower(inputs.runStatus));
  if (!status)
    throw new TemplateError(`The Terminate runStatus must be Succeeded, Failed or Cancelled, not '${stringify(inputs.runStatus)}'.`);
  const runError = isObject(inputs.runError) ? inputs.runError : {};
  run.state.stop =
    status === 'Failed'
      ? {
          status,
          error: {
            code: typeof runError.code === 'string' ? runError.code : 'Terminated',
            message: typeof runError.message === 'string' ? runError.message : 'The run was terminated with the status Failed.',
          },
        }
      : { status };
  return SUCCEEDED;
}

export async function wait(run: RunContext, { definition, step }: ActionCall): Promise<Outcome> {
  const inputs = run.evaluate(definition.inputs ?? {}) as JsonObject;
  step.inputs = inputs;
  await run.clock.sleep(waitMs(inputs, run.clock.now().getTime()));
  return SUCCEEDED;
}

function waitMs(inputs: JsonObject, now: number): number {
  if (isObject(inputs.interval)) {
    const unit = WAIT_UNITS[lower(inputs.interval.unit)];
    const count = Number(inputs.interval.count);
    if (unit === undefined || !Number.isFinite(count))
      throw new TemplateError(`The Wait interval needs a count and a unit (Second…Month), not ${JSON.stringify(inputs.interval)}.`);
    return unit * count;
  }
  if (isObject(inputs.until) && typeof inputs.until.timestamp === 'string') {
    const until = Date.parse(inputs.until.timestamp);
    if (Number.isNaN(until)) throw new TemplateError(`The Wait timestamp '${inputs.until.timestamp}' is not a timestamp.`);
    return Math.max(0, until - now);
  }
  throw new TemplateError('A Wait action needs inputs.interval { count, unit } or inputs.until.timestamp.');
}

const MAX_UNTIL_ITERATIONS = 5000;

/**
 * The Until limit (learn: logic-apps-workflow-actions-triggers, "Until action"; logic-apps-limits-and-config,
 * "Until iterations"): count (default 60, at most 5,000) and timeout (ISO 8601, default PT1H, in ms).
 */
export function untilLimit(run: RunContext, limitDefinition: unknown): { count: number; timeout: number; timeoutText: Value } {
  const limit = run.evaluate(limitDefinition ?? {}) as JsonObject;
  const count = limit?.count === undefined || limit.count === null ? 60 : Number(limit.count);
  const timeout = typeof limit?.timeout === 'string' ? parseDuration(limit.timeout) : 3600000;
  if (!Number.isInteger(count) || count < 1 || count > MAX_UNTIL_ITERATIONS)
    throw new TemplateError(`The Until limit count must be an integer from 1 to ${MAX_UNTIL_ITERATIONS}, not '${String(limit?.count)}'.`);
  if (timeout === undefined) throw new TemplateError(`The Until limit timeout '${String(limit?.timeout)}' is not an ISO 8601 duration.`);
  return { count, timeout, timeoutText: limit?.timeout ?? 'PT1H' };
}
