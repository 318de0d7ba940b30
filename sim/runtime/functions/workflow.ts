/**
 * Workflow functions: they read the run (trigger, action results, variables, parameters, loop items) through
 * the EvaluationHost the runtime provides. Where a hook is missing (an expression evaluated outside a run,
 * item() outside a loop…) the call is a template error naming the function.
 */
import {
  expectInteger,
  expectString,
  fail,
  isObject,
  type CallContext,
  type EvaluationHost,
  type FunctionImpl,
  type JsonObject,
  type Value,
} from './support.js';

function hook<K extends keyof EvaluationHost>(call: CallContext, key: K): NonNullable<EvaluationHost[K]> {
  const found = call.host[key];
  if (typeof found !== 'function')
    return fail(`The template language function '${call.name}' cannot be used here: there is no run context for it.`);
  return found.bind(call.host) as NonNullable<EvaluationHost[K]>;
}

const member = (value: Value, key: string): Value => (isObject(value) ? (value[key] ?? null) : null);

/** The result record of a named action; a template error when the definition has no such action. */
function actionRecord(call: CallContext, values: Value[]): JsonObject | undefined {
  const name = expectString(call, values, 0);
  const found = hook(call, 'action')(name);
  if (!found)
    return fail(`The template language function '${call.name}' refers to the action '${name}', which is not defined in the workflow.`);
  return found.record;
}

const outputsOf = (record: JsonObject | undefined): Value => record?.outputs ?? null;
const bodyOf = (record: JsonObject | undefined): Value => member(outputsOf(record), 'body');

function formData(call: CallContext, outputs: Value, key: string): Value[] {
  const body = member(outputs, 'body');
  const entries = member(body, '$formdata');
  if (Array.isArray(entries)) return entries.filter((entry) => member(entry, 'key') === key).map((entry) => member(entry, 'value'));
  const parts = member(body, '$multipart');
  if (Array.isArray(parts)) {
    return parts
      .filter((part) => {
        const disposition = member(member(part, 'headers'), 'Content-Disposition');
        return (
          typeof disposition === 'string' && new RegExp(`name="?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?(;|$)`).test(disposition)
        );
      })
      .map((part) => member(part, 'body'));
  }
  return fail(`The template language function '${call.name}' expects form-data or form-encoded outputs; these outputs are neither.`);
}

function singleFormValue(call: CallContext, outputs: Value, key: string): Value {
  const found = formData(call, outputs, key);
  if (found.length > 1) fail(`The template language function '${call.name}' found more than one value for the key '${key}'.`);
  return found[0] ?? null;
}

function multipart(call: CallContext, outputs: Value, index: number): Value {
  const parts = member(member(outputs, 'body'), '$multipart');
  if (!Array.isArray(parts)) return fail(`The template language function '${call.name}' expects multipart outputs; these outputs are not.`);
  if (index < 0 || index >= parts.length)
    fail(`The template language function '${call.name}' was given the part index ${index}, out of range 0–${parts.length - 1}.`);
  return member(parts[index], 'body');
}

export const WORKFLOW_FUNCTIONS: Readonly<Record<string, FunctionImpl>> = {
  trigger: (_values, call) => hook(call, 'trigger')(),
  triggerOutputs: (_values, call) => member(hook(call, 'trigger')(), 'outputs'),
  triggerBody: (_values, call) => member(member(hook(call, 'trigger')(), 'outputs'), 'body'),
  triggerFormDataValue: (values, call) => singleFormValue(call, member(hook(call, 'trigger')(), 'outputs'), expectString(call, values, 0)),
  triggerFormDataMultiValues: (values, call) => formData(call, member(hook(call, 'trigger')(), 'outputs'), expectString(call, values, 0)),
  triggerMultipartBody: (values, call) => multipart(call, member(hook(call, 'trigger')(), 'outputs'), expectInteger(call, values, 0)),

  body: (values, call) => bodyOf(actionRecord(call, values)),
  actionBody: (values, call) => bodyOf(actionRecord(call, values)),
  outputs: (values, call) => outputsOf(actionRecord(call, values)),
  actionOutputs: (values, call) => outputsOf(actionRecord(call, values)),
  actions: (values, call) => actionRecord(call, values) ?? null,
  action: (_values, call) => hook(call, 'currentAction')(),
  formDataValue: (values, call) => singleFormValue(call, outputsOf(actionRecord(call, values)), expectString(call, values, 1)),
  formDataMultiValues: (values, call) => formData(call, outputsOf(actionRecord(call, values)), expectString(call, values, 1)),
  multipartBody: (values, call) => multipart(call, outputsOf(actionRecord(call, values)), expectInteger(call, values, 1)),

  item: (_values, call) => {
    const found = hook(call, 'item')();
    if (!found)
      return fail("The template language function 'item' must be used inside a repeating action (Foreach, Until, Filter array, Select).");
    return found.value;
  },
  items: (values, call) => {
    const loop = expectString(call, values, 0);
    const found = hook(call, 'items')(loop);
    if (!found) return fail(`The template language function 'items' must be called inside the Foreach loop '${loop}', with its name.`);
    return found.value;
  },
  iterationIndexes: (values, call) => {
    const loop = expectString(call, values, 0);
    const found = hook(call, 'iterationIndex')(loop);
    if (found === undefined)
      return fail(`The template language function 'iterationIndexes' must be called inside the Until loop '${loop}', with its name.`);
    return found;
  },
  variables: (values, call) => {
    const name = expectString(call, values, 0);
    const found = hook(call, 'variable')(name);
    if (!found)
      return fail(
        `The variable '${name}' is not initialized: variables('${name}') needs an InitializeVariable action at the top level that ran before.`,
      );
    return found.value;
  },
  parameters: (values, call) => {
    const name = expectString(call, values, 0);
    const found = hook(call, 'parameter')(name);
    if (!found) return fail(`The workflow parameter '${name}' is not found: it is not declared in the definition's parameters.`);
    return found.value;
  },
  result: (values, call) => {
    const name = expectString(call, values, 0);
    const found = hook(call, 'result')(name);
    if (!found)
      return fail(`The template language function 'result' expects the name of a Scope, Foreach or Until action. '${name}' is not one.`);
    return found;
  },
  workflow: (_values, call) => hook(call, 'workflow')(),
  listCallbackUrl: (_values, call) => {
    const url = hook(call, 'listCallbackUrl')();
    if (url === undefined)
      return fail(
        "The template language function 'listCallbackUrl' can be used only with HttpWebhook and ApiConnectionWebhook triggers and actions.",
      );
    return url;
  },
};
