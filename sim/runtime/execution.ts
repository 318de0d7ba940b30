/** One run of one flow: runs the containers by runAfter, each action through its executor, and keeps the history. */
import { randomUUID } from 'node:crypto';
import type { ActionRun, Clock, ConnectorRouter, FlowRun } from '../contracts.js';
import { EXECUTORS, type ActionCall, type RunContext } from './actions/index.js';
import { ActionError, DefinitionError, TemplateError, UnimplementedFunctionError } from './errors.js';
import { evaluateJson } from './evaluate.js';
import type { EvaluationHost, JsonObject, Value } from './functions/support.js';
import {
  CONTAINER_FAILED,
  isFailure,
  lower,
  type ActionDefinition,
  type Actions,
  type FlowRuntimeOptions,
  type Outcome,
  type RegisteredFlow,
  type RunError,
  type RunStart,
  type Status,
  type Step,
  type Stop,
} from './model.js';
import { nextReady, unhandledFailures, unmetRunAfter } from './run-after.js';
import { runHost, RunState } from './run-state.js';

/** What a run needs of the runtime that started it: other flows, for child-flow calls. */
interface FlowDirectory {
  flowById(id: string): RegisteredFlow | undefined;
  execute(flow: RegisteredFlow, start: RunStart): Promise<FlowRun>;
}

export class Execution implements RunContext {
  readonly clock: Clock;
  readonly connectors: ConnectorRouter;
  readonly state: RunState;
  readonly host: EvaluationHost;

  constructor(
    private readonly directory: FlowDirectory,
    options: FlowRuntimeOptions,
    readonly flow: RegisteredFlow,
    private readonly runId: string,
    readonly start: RunStart,
    parameters: Map<string, Value>,
  ) {
    this.clock = options.clock;
    this.connectors = options.connectors;
    this.state = new RunState(flow, options.clock);
    const triggerRecord = triggerRecordOf(flow.triggerName, runId, start.outputs, this.state.timestamp());
    this.host = runHost(flow, runId, options.clock, this.state, triggerRecord, parameters);
  }

  async run(): Promise<FlowRun> {
    const startTime = this.state.timestamp();
    let outcome: Outcome;
    try {
      outcome = await this.runContainer(this.flow.definition.actions, '', undefined);
    } catch (error) {
      this.state.stop ??= { status: 'Failed', error: { code: 'SimulatorError', message: (error as Error).stack ?? String(error) } };
      outcome = { status: 'Failed' };
    }
    const { status, error } = runVerdict(this.state.stop, outcome);
    const run: FlowRun = {
      runId: this.runId,
      flowId: this.flow.id,
      flowName: this.flow.name,
      status,
      startTime,
      endTime: this.state.timestamp(),
      trigger: { name: this.flow.triggerName, outputs: this.start.outputs },
      actions: this.state.actions,
    };
    if (error) run.error = error;
    if (this.state.response) run.response = { statusCode: this.state.response.statusCode, body: this.state.response.body };
    return run;
  }

  evaluate(value: unknown): Value {
    return evaluateJson(value, this.host);
  }

  flowById(id: string): RegisteredFlow | undefined {
    return this.directory.flowById(id);
  }

  runFlow(flow: RegisteredFlow, start: RunStart): Promise<FlowRun> {
    return this.directory.execute(flow, start);
  }

  async runContainer(actions: Actions | undefined, parentPath: string, iteration: number | undefined): Promise<Outcome> {
    const container = actions ?? {};
    const statuses = new Map<string, Status>();
    const ran = new Set<string>();
    const causes = new Map<string, Outcome['cause']>();
    const pending = Object.keys(container);
    while (pending.length > 0 && !this.state.stop) {
      const name = nextReady(container, pending, statuses);
      const definition = container[name]!;
      const path = parentPath ? `${parentPath}/${name}` : name;
      const unmet = unmetRunAfter(container, name, statuses);
      if (unmet) {
        statuses.set(name, 'Skipped');
        this.state.recordSkipped(name, definition, path, iteration, unmet);
        continue;
      }
      const outcome = await this.executeAction(name, definition, path, iteration);
      statuses.set(name, outcome.status);
      ran.add(name);
      if (outcome.cause) causes.set(name, outcome.cause);
    }
    const unhandled = unhandledFailures(container, statuses, ran);
    return unhandled.length === 0 ? { status: 'Succeeded' } : { status: 'Failed', cause: causes.get(unhandled[0]!) };
  }

  private async executeAction(name: string, definition: ActionDefinition, path: string, iteration: number | undefined): Promise<Outcome> {
    const startTime = this.state.timestamp();
    const entry: ActionRun = { name, path, status: 'Succeeded', startTime, endTime: startTime };
    if (iteration !== undefined) entry.iteration = iteration;
    this.state.actions.push(entry);
    this.state.currentAction = { name, startTime };
    const step: Step = { inputs: undefined, outputs: undefined };
    let outcome: Outcome;
    try {
      outcome = await this.dispatch({ name, definition, path, iteration, step });
    } catch (error) {
      const failure = failureOf(error, path);
      if (failure.stop) this.state.stop = failure.stop;
      outcome = failure.outcome;
    }
    if (outcome.cause && outcome.cause.path === '') outcome = { status: outcome.status, cause: { path, error: outcome.cause.error } };
    entry.status = outcome.status;
    entry.endTime = this.state.timestamp();
    if (step.inputs !== undefined) entry.inputs = step.inputs;
    if (step.outputs !== undefined) entry.outputs = step.outputs;
    const ownError = ownErrorOf(step, outcome, path);
    if (ownError) entry.error = ownError;
    this.state.results.set(name, resultRecord(entry, step, outcome, ownError, this.runId));
    return outcome;
  }

  private dispatch(action: ActionCall): Promise<Outcome> | Outcome {
    const executor = EXECUTORS.get(lower(action.definition.type));
    if (!executor) throw new DefinitionError(`the action type '${String(action.definition.type)}' is not supported by the flow simulator`);
    return executor(this, action);
  }
}

function triggerRecordOf(name: string, runId: string, outputs: JsonObject, now: string): JsonObject {
  return {
    name,
    inputs: null,
    outputs,
    startTime: now,
    endTime: now,
    scheduledTime: now,
    trackingId: randomUUID(),
    clientTrackingId: runId,
    originHistoryName: runId,
    code: 'OK',
    status: 'Succeeded',
  };
}

/** How the run ended: as it was stopped, else Failed with its first unhandled failure, else Succeeded. */
function runVerdict(stop: Stop | undefined, outcome: Outcome): { status: FlowRun['status']; error?: RunError } {
  if (stop) return stop;
  if (!isFailure(outcome.status)) return { status: 'Succeeded' };
  return { status: 'Failed', error: outcome.cause ? located(outcome.cause.error, outcome.cause.path) : CONTAINER_FAILED };
}

/** `message at path`, unless the message already names the path. */
function located(error: RunError, path: string): RunError {
  return error.message.endsWith(` at ${path}`) ? error : { code: error.code, message: `${error.message} at ${path}` };
}

/** Turns what an action threw into its outcome; simulator gaps (and broken definitions) also stop the run. */
function failureOf(error: unknown, path: string): { outcome: Outcome; stop?: Stop } {
  const failed = (runError: RunError): Outcome => ({ status: 'Failed', cause: { path, error: runError } });
  const stopping = (runError: RunError): { outcome: Outcome; stop: Stop } => ({
    outcome: failed(runError),
    stop: { status: 'Failed', error: runError },
  });
  if (error instanceof UnimplementedFunctionError) return stopping({ code: 'InvalidTemplate', message: `${error.message} at ${path}` });
  if (error instanceof TemplateError)
    return { outcome: failed({ code: 'InvalidTemplate', message: `${error.message.replace(/\.$/, '')} at ${path}` }) };
  if (error instanceof ActionError) return { outcome: failed({ code: error.code, message: error.message }) };
  if (error instanceof DefinitionError) return stopping({ code: 'InvalidDefinition', message: `${error.message} at ${path}` });
  return stopping({ code: 'SimulatorError', message: `${(error as Error)?.stack ?? String(error)} at ${path}` });
}

/** The action's own error: its executor's, or, for a container failed by an action inside it, Logic Apps' generic ActionFailed. */
function ownErrorOf(step: Step, outcome: Outcome, path: string): RunError | undefined {
  if (step.error) return step.error;
  if (!isFailure(outcome.status)) return undefined;
  return outcome.cause?.path === path ? outcome.cause.error : CONTAINER_FAILED;
}

/** The record actions() and result() read. */
function resultRecord(entry: ActionRun, step: Step, outcome: Outcome, ownError: RunError | undefined, runId: string): JsonObject {
  const record: JsonObject = {
    name: entry.name,
    inputs: step.inputs ?? null,
    outputs: step.outputs ?? null,
    startTime: entry.startTime,
    endTime: entry.endTime,
    trackingId: randomUUID(),
    clientTrackingId: runId,
    code: step.code ?? (outcome.status === 'Succeeded' ? 'OK' : (ownError?.code ?? outcome.status)),
    status: outcome.status,
  };
  if (ownError) record.error = ownError;
  return record;
}
