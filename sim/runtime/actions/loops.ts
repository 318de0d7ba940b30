/**
 * Loops: Foreach (one iteration at a time, whatever the concurrency) and Until. An Until stops when its condition
 * holds, or when `limit.count` or `limit.timeout` is reached: then it ends Succeeded, or TimedOut (ActionTimedOut)
 * with `operationOptions: "FailWhenLimitsReached"` (undocumented on Learn; Azure/logicapps#439, confirmed there by
 * Microsoft support).
 */
import { TemplateError } from '../errors.js';
import { stringify, typeName, type JsonObject } from '../functions/support.js';
import { SUCCEEDED, type Outcome } from '../model.js';
import { loopResults } from '../run-state.js';
import type { ActionCall, RunContext } from './context.js';
import { conditionValue, untilLimit } from './control.js';

export async function foreach(run: RunContext, { name, definition, path, step }: ActionCall): Promise<Outcome> {
  const items = run.evaluate(definition.foreach ?? null);
  if (!Array.isArray(items)) {
    throw new TemplateError(
      `The execution of template action '${name}' failed: the result of the evaluation of 'foreach' expression '${String(definition.foreach)}' is of type '${typeName(items)}'. The result must be a valid array.`,
    );
  }
  step.inputs = items;
  const collected = new Map<string, JsonObject[]>();
  let failed: Outcome | undefined;
  for (let index = 0; index < items.length && !run.state.stop; index += 1) {
    run.state.clearNested(name);
    const inner = await run.state.inLoop({ kind: 'foreach', name, item: items[index], hasItem: true, index }, () =>
      run.runContainer(definition.actions, path, index),
    );
    run.state.collectIterations(collected, definition.actions);
    if (inner.status === 'Failed' && !failed) failed = inner;
  }
  run.state.scopeResults.set(name, loopResults(collected));
  return failed ? { status: 'Failed', cause: failed.cause } : SUCCEEDED;
}

export async function until(run: RunContext, action: ActionCall): Promise<Outcome> {
  const { name, definition, path, step } = action;
  const { count, timeout, timeoutText } = untilLimit(run, definition.limit);
  const started = run.clock.now().getTime();
  const collected = new Map<string, JsonObject[]>();
  let iterations = 0;
  let outcome: Outcome = SUCCEEDED;
  while (!run.state.stop) {
    const iteration = await untilIteration(run, action, iterations, collected);
    iterations += 1;
    if (iteration.failed) outcome = iteration.failed;
    if (iteration.failed || iteration.done || run.state.stop) break;
    const limit =
      iterations >= count ? `${count} iterations` : run.clock.now().getTime() - started >= timeout ? stringify(timeoutText) : undefined;
    if (limit === undefined) continue;
    // A limit reached ends the loop Succeeded, unless the action asks to fail then (Azure/logicapps#439).
    if (failsWhenLimitsReached(definition)) {
      const message = `The Until loop '${name}' did not meet its condition within ${limit}.`;
      outcome = { status: 'TimedOut', cause: { path, error: { code: 'ActionTimedOut', message } } };
    }
    break;
  }
  step.inputs = { iterations, limit: { count, timeout: timeoutText } };
  run.state.scopeResults.set(name, loopResults(collected));
  return outcome;
}

function failsWhenLimitsReached(definition: ActionCall['definition']): boolean {
  const options = (definition as { operationOptions?: unknown }).operationOptions;
  return typeof options === 'string' && options.split(',').some((option) => option.trim().toLowerCase() === 'failwhenlimitsreached');
}

/** One pass of an Until body, then its condition (not evaluated after a failure or a stop). */
async function untilIteration(
  run: RunContext,
  { name, definition, path }: ActionCall,
  index: number,
  collected: Map<string, JsonObject[]>,
): Promise<{ done: boolean; failed?: Outcome }> {
  run.state.clearNested(name);
  return run.state.inLoop({ kind: 'until', name, hasItem: false, index }, async () => {
    const inner = await run.runContainer(definition.actions, path, index);
    run.state.collectIterations(collected, definition.actions);
    if (inner.status === 'Failed') return { done: false, failed: { status: 'Failed', cause: inner.cause } };
    if (run.state.stop) return { done: false };
    return { done: conditionValue(run, definition.expression, 'an Until') };
  });
}
