/** Calls to connectors (OpenApiConnection, webhook actions) and to child flows (Workflow). */
import { ActionError, FlowOffError, TemplateError } from '../errors.js';
import { isObject, stringify, typeName, type JsonObject } from '../functions/support.js';
import { lower, SUCCEEDED, type Outcome, type Step } from '../model.js';
import { answered, failedAnswer, httpReason, withRetry } from './answer.js';
import type { ActionCall, RunContext } from './context.js';

const MAX_CHILD_DEPTH = 8;

export async function connector(run: RunContext, { definition, step }: ActionCall): Promise<Outcome> {
  const raw = isObject(definition.inputs) ? definition.inputs : {};
  const host = isObject(raw.host) ? raw.host : {};
  const parameters = run.evaluate(raw.parameters ?? {});
  step.inputs = { host, parameters };
  if (!isObject(parameters)) throw new TemplateError(`The connector parameters must evaluate to an object, not '${typeName(parameters)}'.`);
  const connectionName = typeof host.connectionName === 'string' ? host.connectionName : '';
  const reference = run.flow.connectionReferences[connectionName];
  const apiName = reference?.api?.name;
  const logicalName = reference?.connection?.connectionReferenceLogicalName;
  if (!reference || typeof apiName !== 'string' || typeof logicalName !== 'string') {
    throw new ActionError(
      'ConnectionNotFound',
      `The connection '${connectionName}' is not in the flow's properties.connectionReferences (with api.name and connection.connectionReferenceLogicalName).`,
    );
  }
  if (typeof host.operationId !== 'string')
    throw new ActionError('InvalidTemplate', 'The connector action has no inputs.host.operationId.');
  const request = { apiName, connectionReferenceLogicalName: logicalName, operationId: host.operationId, parameters };
  // Requests and answers are copied: the emulators keep no handle on run data, and their later writes cannot change it.
  const response = await withRetry(run.clock, raw.retryPolicy, async () =>
    structuredClone(await run.connectors.call(structuredClone(request))),
  );
  return answered(response, step);
}

export async function childFlow(run: RunContext, { definition, step }: ActionCall): Promise<Outcome> {
  const inputs = run.evaluate(definition.inputs ?? {}) as JsonObject;
  step.inputs = inputs;
  const reference = isObject(inputs.host) ? inputs.host.workflowReferenceName : undefined;
  const child = typeof reference === 'string' ? run.flowById(reference) : undefined;
  if (!child)
    throw new ActionError(
      'WorkflowNotFound',
      `The child flow '${stringify(reference)}' (inputs.host.workflowReferenceName) is not registered.`,
    );
  if (lower(child.trigger.type) !== 'request')
    throw new ActionError('InvalidChildFlow', `The child flow '${child.name}' must have a manual (Request) trigger.`);
  const depth = (run.start.depth ?? 0) + 1;
  if (depth > MAX_CHILD_DEPTH)
    throw new ActionError('WorkflowCallDepthExceeded', `Child flows are nested more than ${MAX_CHILD_DEPTH} deep.`);
  const headers = isObject(inputs.headers)
    ? Object.fromEntries(Object.entries(inputs.headers).map(([key, value]) => [key, stringify(value)]))
    : {};
  let childRun;
  try {
    childRun = await run.runFlow(child, {
      outputs: { headers: { 'Content-Type': 'application/json', ...headers }, body: inputs.body ?? null },
      depth,
    });
  } catch (error) {
    if (!(error instanceof FlowOffError)) throw error;
    return childTurnedOff(error, step);
  }
  const response = childRun.response ?? { statusCode: 202, body: null };
  step.outputs = { statusCode: response.statusCode, headers: {}, body: response.body, runId: childRun.runId };
  step.code = httpReason(response.statusCode);
  // A child that answered with a success and then cancelled itself (Terminate Cancelled) still succeeded for its caller.
  const answeredThenCancelled = childRun.status === 'Cancelled' && childRun.response !== undefined && childRun.response.statusCode < 400;
  if (childRun.status !== 'Succeeded' && !answeredThenCancelled) {
    step.error = {
      code: 'ChildFlowFailed',
      message: `The child flow '${child.name}' (run ${childRun.runId}) ended ${childRun.status}${childRun.error ? `: ${childRun.error.message}` : ''}`,
    };
    return { status: 'Failed', cause: { path: '', error: step.error } };
  }
  return failedAnswer(response.statusCode, response.body, step) ?? SUCCEEDED;
}

/**
 * A child flow that is off answers its caller as its HTTP trigger answers anyone (400 WorkflowTriggerIsNotEnabled): child
 * flows are called through their Request trigger (sim/runtime/README.md, "Turned off"; the status for a child is inferred).
 */
function childTurnedOff(error: FlowOffError, step: Step): Outcome {
  step.error = { code: error.code, message: error.message };
  step.outputs = { statusCode: 400, headers: {}, body: { error: step.error } };
  step.code = httpReason(400);
  return { status: 'Failed', cause: { path: '', error: step.error } };
}
