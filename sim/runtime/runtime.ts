/**
 * The flow runtime of the offline rehearsal: executes Power Automate cloud-flow definitions (WDL JSON as
 * exported, flows-and-pcf §3) against a Clock and a ConnectorRouter (sim/contracts.ts).
 *
 * Semantics (flows-and-pcf §3.3–3.5):
 * - The actions of a container run by runAfter: an action runs once every predecessor has finished in one
 *   of its listed statuses, else it is Skipped (and a skip propagates). Parallel branches run one after
 *   the other, in definition order; Foreach iterations run one at a time too, whatever the concurrency.
 * - A container (the run, a Scope, an If/Switch branch, a loop iteration) is Failed when an action in it
 *   ended Failed/TimedOut and no action that ran consumed that status through its runAfter; otherwise it
 *   is Succeeded. Terminate ends the run with its own status.
 * - An expression problem fails the action with code InvalidTemplate (a runAfter-Failed branch may handle
 *   it, as in Logic Apps). A catalogued function the simulator does not implement, an action type it does
 *   not know, or an internal error stops the whole run at once: a run never goes on with a made-up value.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActionRun, Clock, ConnectorRouter, ConnectorResponse, FlowRun, RowChange, RowSubscription } from '../contracts.js';
import { parseDuration, WAIT_UNITS } from './durations.js';
import { ActionError, DefinitionError, TemplateError, UnimplementedFunctionError } from './errors.js';
import { applyFunction, evaluateJson, evaluateTemplate } from './evaluate.js';
import { wdlEquals } from './functions/logical.js';
import { isObject, stringify, typeName, type EvaluationHost, type JsonObject, type Value } from './functions/support.js';
import { isRetriableStatus, retryAfterMs, retryPolicyOf } from './retry.js';
import { validateSchema } from './schema.js';

export interface FlowRuntimeOptions {
  clock: Clock;
  connectors: ConnectorRouter;
  /**
   * Environment variable values by schema name: a definition parameter whose `metadata.schemaName` is
   * listed takes this value, any other parameter its `defaultValue`.
   */
  environmentVariables?: Record<string, unknown>;
}

export interface FlowRegistration {
  id: string;
  name: string;
  document: unknown;
}

export interface HttpEndpoint {
  url: string;
  close(): Promise<void>;
}

type Status = ActionRun['status'];
type RunError = { code: string; message: string };

interface ActionDefinition {
  type?: unknown;
  kind?: unknown;
  runAfter?: Record<string, unknown>;
  inputs?: unknown;
  actions?: Record<string, ActionDefinition>;
  else?: { actions?: Record<string, ActionDefinition> };
  cases?: Record<string, { case?: unknown; actions?: Record<string, ActionDefinition> }>;
  default?: { actions?: Record<string, ActionDefinition> };
  expression?: unknown;
  foreach?: unknown;
  limit?: { count?: unknown; timeout?: unknown };
  recurrence?: { frequency?: unknown; interval?: unknown };
}

interface IndexedAction {
  readonly definition: ActionDefinition;
  readonly type: string;
  /** Container path without iterations, e.g. `Try/If_valid/Create_referral`. */
  readonly path: string;
  /** Every action nested inside this one (loops clear their results per iteration). */
  readonly nested: string[];
}

interface RegisteredFlow {
  readonly id: string;
  readonly name: string;
  readonly document: unknown;
  readonly definition: JsonObject & { actions: Record<string, ActionDefinition> };
  readonly connectionReferences: Record<string, { api?: { name?: string }; connection?: { connectionReferenceLogicalName?: string } }>;
  readonly triggerName: string;
  readonly trigger: ActionDefinition;
  readonly index: ReadonlyMap<string, IndexedAction>;
}

/** What starts a run: the trigger's outputs (and, for HTTP endpoints, who hears the Response). */
interface RunStart {
  readonly outputs: JsonObject;
  readonly onResponse?: (response: { statusCode: number; headers: Record<string, string>; body: Value }) => void;
  readonly depth?: number;
}

interface Outcome {
  readonly status: Status;
  /** The innermost unhandled failure, for the run's error. */
  readonly cause?: { readonly path: string; readonly error: RunError };
}

const CONTAINER_FAILED: RunError = { code: 'ActionFailed', message: 'An action failed. No dependent actions succeeded.' };
const STATUSES: readonly Status[] = ['Succeeded', 'Failed', 'Skipped', 'TimedOut', 'Cancelled'];
const MAX_CHILD_DEPTH = 8;

const lower = (value: unknown): string => (typeof value === 'string' ? value.toLowerCase() : '');

function normalizeStatus(value: unknown): Status | undefined {
  return STATUSES.find((status) => status.toLowerCase() === lower(value));
}

/** The containers nested directly in an action (branches and loop bodies), in definition order. */
function childContainers(definition: ActionDefinition): Array<Record<string, ActionDefinition>> {
  const containers: Array<Record<string, ActionDefinition> | undefined> = [definition.actions, definition.else?.actions];
  for (const branch of Object.values(definition.cases ?? {})) containers.push(branch?.actions);
  containers.push(definition.default?.actions);
  return containers.filter((container): container is Record<string, ActionDefinition> => isObject(container));
}

const HTTP_REASONS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  408: 'RequestTimeout',
  409: 'Conflict',
  410: 'Gone',
  412: 'PreconditionFailed',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableEntity',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  501: 'NotImplemented',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export const httpReason = (status: number): string =>
  HTTP_REASONS[status] ?? (status >= 500 ? 'ServerError' : status >= 400 ? 'ClientError' : 'OK');

/** The message a failed HTTP answer carries (OData/Graph `error.message`, `message`, or the body itself). */
function errorMessage(body: unknown, status: number): string {
  if (isObject(body)) {
    const error = body.error;
    if (isObject(error) && typeof error.message === 'string') return error.message;
    if (typeof error === 'string') return error;
    if (typeof body.message === 'string') return body.message;
    if (typeof body.Message === 'string') return body.Message;
    return JSON.stringify(body);
  }
  if (typeof body === 'string' && body !== '') return body;
  return `The request failed with status code ${status} (${httpReason(status)}).`;
}

function indexDefinition(flowName: string, definition: JsonObject): Map<string, IndexedAction> {
  const index = new Map<string, IndexedAction>();
  const visit = (actions: Record<string, ActionDefinition>, parentPath: string, ancestors: IndexedAction[]): void => {
    for (const [name, action] of Object.entries(actions)) {
      if (!isObject(action)) throw new DefinitionError(`${flowName}: action '${name}' is not an object`);
      if (index.has(name))
        throw new DefinitionError(`${flowName}: the action name '${name}' is used twice (action names are unique in a flow)`);
      const path = parentPath ? `${parentPath}/${name}` : name;
      const type = lower(action.type);
      if (type === 'initializevariable' && ancestors.length > 0) {
        throw new DefinitionError(
          `${flowName}: InitializeVariable '${path}' is not at the top level (variables are initialized outside scopes and loops)`,
        );
      }
      for (const predecessor of Object.keys(action.runAfter ?? {})) {
        if (!Object.prototype.hasOwnProperty.call(actions, predecessor)) {
          throw new DefinitionError(`${flowName}: '${path}' runs after '${predecessor}', which is not an action of the same container`);
        }
      }
      const entry: IndexedAction = { definition: action, type, path, nested: [] };
      index.set(name, entry);
      for (const ancestor of ancestors) ancestor.nested.push(name);
      for (const container of childContainers(action)) visit(container, path, [...ancestors, entry]);
    }
    checkCycles(flowName, actions, parentPath);
  };
  visit(definition.actions as Record<string, ActionDefinition>, '', []);
  return index;
}

function checkCycles(flowName: string, actions: Record<string, ActionDefinition>, parentPath: string): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting')
      throw new DefinitionError(`${flowName}: runAfter cycle in '${parentPath || '(top level)'}': ${[...trail, name].join(' → ')}`);
    state.set(name, 'visiting');
    for (const predecessor of Object.keys(actions[name]?.runAfter ?? {})) visit(predecessor, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of Object.keys(actions)) visit(name, []);
}

export class FlowRuntime {
  private readonly flows = new Map<string, RegisteredFlow>();
  private readonly finished: FlowRun[] = [];
  private runCounter = 0;

  constructor(private readonly options: FlowRuntimeOptions) {}

  /** Registers a flow (a CloudFlow's `Workflows/*.json` document); throws a DefinitionError when it cannot run. */
  register(flow: FlowRegistration): void {
    const document = flow.document;
    const properties = isObject(document) && isObject(document.properties) ? document.properties : undefined;
    const definition = properties && isObject(properties.definition) ? properties.definition : undefined;
    if (!definition) throw new DefinitionError(`${flow.name}: the document has no properties.definition`);
    const triggers = isObject(definition.triggers) ? Object.entries(definition.triggers) : [];
    if (triggers.length !== 1) throw new DefinitionError(`${flow.name}: a flow has exactly one trigger, this one has ${triggers.length}`);
    if (!isObject(definition.actions)) throw new DefinitionError(`${flow.name}: the definition has no actions object`);
    const [triggerName, trigger] = triggers[0]!;
    const index = indexDefinition(flow.name, definition);
    this.flows.set(flow.id, {
      id: flow.id,
      name: flow.name,
      document,
      definition: definition as RegisteredFlow['definition'],
      connectionReferences: (isObject(properties!.connectionReferences)
        ? properties!.connectionReferences
        : {}) as RegisteredFlow['connectionReferences'],
      triggerName,
      trigger: trigger as ActionDefinition,
      index,
    });
  }

  /** The Dataverse row triggers (SubscribeWebhookTrigger) of the registered flows, parameters evaluated. */
  rowSubscriptions(): Array<{ flowId: string; subscription: RowSubscription }> {
    const found: Array<{ flowId: string; subscription: RowSubscription }> = [];
    for (const flow of this.flows.values()) {
      const inputs = isObject(flow.trigger.inputs) ? flow.trigger.inputs : {};
      const host = isObject(inputs.host) ? inputs.host : {};
      if (lower(flow.trigger.type) !== 'openapiconnectionwebhook' || host.operationId !== 'SubscribeWebhookTrigger') continue;
      const parameters = evaluateJson(inputs.parameters ?? {}, this.staticHost(flow)) as JsonObject;
      const message = Number(parameters['subscriptionRequest/message']);
      const entity = parameters['subscriptionRequest/entityname'];
      if (!Number.isInteger(message) || typeof entity !== 'string') {
        throw new DefinitionError(`${flow.name}: the row trigger needs subscriptionRequest/message and subscriptionRequest/entityname`);
      }
      const subscription: RowSubscription = { message, entity };
      const attributes = parameters['subscriptionRequest/filteringattributes'];
      if (typeof attributes === 'string' && attributes.trim() !== '') {
        subscription.filteringAttributes = attributes
          .split(',')
          .map((attribute) => attribute.trim())
          .filter(Boolean);
      }
      const filter = parameters['subscriptionRequest/filterexpression'];
      if (typeof filter === 'string' && filter.trim() !== '') subscription.filterExpression = filter;
      found.push({ flowId: flow.id, subscription });
    }
    return found;
  }

  /** The Recurrence triggers of the registered flows. */
  recurrences(): Array<{ flowId: string; frequency: string; interval: number }> {
    return [...this.flows.values()]
      .filter((flow) => lower(flow.trigger.type) === 'recurrence')
      .map((flow) => ({
        flowId: flow.id,
        frequency: String(flow.trigger.recurrence?.frequency ?? ''),
        interval: Number(flow.trigger.recurrence?.interval ?? 1),
      }));
  }

  /** Runs a flow with a manual (Button / PowerApp / child-flow) trigger. */
  runManual(flowId: string, body: unknown): Promise<FlowRun> {
    const flow = this.flowWithTrigger(flowId, 'request', 'runManual');
    return this.execute(flow, { outputs: { headers: { 'Content-Type': 'application/json' }, body: structuredClone(body ?? null) } });
  }

  /** Runs a flow with a Request trigger as an HTTP call would. */
  runHttp(flowId: string, request: { headers: Record<string, string>; body: unknown }): Promise<FlowRun> {
    const flow = this.flowWithTrigger(flowId, 'request', 'runHttp');
    return this.execute(flow, { outputs: { headers: { ...request.headers }, body: structuredClone(request.body ?? null) } });
  }

  /** Runs a flow with a Dataverse row trigger: `body` is the row plus `SdkMessage` (Create/Update/Delete). */
  runRowTrigger(flowId: string, change: RowChange): Promise<FlowRun> {
    const flow = this.flowWithTrigger(flowId, 'openapiconnectionwebhook', 'runRowTrigger');
    const sdkMessage = change.message === 1 ? 'Create' : change.message === 2 ? 'Delete' : 'Update';
    const body = { ...structuredClone(change.row), SdkMessage: sdkMessage };
    return this.execute(flow, {
      outputs: {
        headers: {
          'Content-Type': 'application/json',
          'x-ms-dynamics-entity-name': change.entity,
          'x-ms-dynamics-request-name': sdkMessage,
        },
        body,
      },
    });
  }

  /** Runs a flow with a Recurrence trigger (one occurrence). */
  runRecurrence(flowId: string): Promise<FlowRun> {
    const flow = this.flowWithTrigger(flowId, 'recurrence', 'runRecurrence');
    return this.execute(flow, { outputs: { headers: {} } });
  }

  /** Every finished run, in the order they ended (child runs included). */
  history(): FlowRun[] {
    return [...this.finished];
  }

  /**
   * Serves a flow's Request trigger on 127.0.0.1: a POST body (JSON) starts a run; the HTTP answer is the
   * Response action's as soon as it runs (the run goes on), 202 when the run ends without one, 400 for a
   * body that is not JSON (no run starts).
   */
  async startHttpEndpoint(flowId: string): Promise<HttpEndpoint> {
    const flow = this.flowWithTrigger(flowId, 'request', 'startHttpEndpoint');
    const method =
      typeof (flow.trigger.inputs as JsonObject | undefined)?.method === 'string'
        ? String((flow.trigger.inputs as JsonObject).method).toUpperCase()
        : undefined;
    const server = createServer((request, response) => {
      this.serve(flow, method, request, response).catch((error: unknown) => {
        if (!response.headersSent) sendJson(response, 500, { error: { code: 'SimulatorError', message: (error as Error).message } });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/workflows/${encodeURIComponent(flow.id)}/triggers/${encodeURIComponent(flow.triggerName)}/paths/invoke`,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        }),
    };
  }

  private async serve(flow: RegisteredFlow, method: string | undefined, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (method && request.method !== method) {
      sendJson(response, 405, { error: { code: 'MethodNotAllowed', message: `The trigger accepts ${method}, not ${request.method}.` } });
      return;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch (error) {
        sendJson(response, 400, {
          error: { code: 'InvalidRequestContent', message: `The request body is not valid JSON: ${(error as Error).message}` },
        });
        return;
      }
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    let answered = false;
    const answer = (statusCode: number, answerHeaders: Record<string, string>, answerBody: Value): void => {
      if (answered) return;
      answered = true;
      const isText = typeof answerBody === 'string';
      const payload = answerBody === null || answerBody === undefined ? '' : isText ? answerBody : JSON.stringify(answerBody);
      const hasType = Object.keys(answerHeaders).some((name) => name.toLowerCase() === 'content-type');
      const contentType =
        payload === '' || hasType ? {} : { 'Content-Type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8' };
      response.writeHead(statusCode, { ...contentType, ...answerHeaders });
      response.end(payload);
    };
    const run = await this.execute(flow, {
      outputs: { headers, body },
      onResponse: (result) => answer(result.statusCode, result.headers, result.body),
    });
    answer(202, { 'x-ms-workflow-run-id': run.runId }, null);
  }

  private flowWithTrigger(flowId: string, triggerType: string, caller: string): RegisteredFlow {
    const flow = this.flows.get(flowId);
    if (!flow) throw new Error(`${caller}: no registered flow has the id '${flowId}'`);
    if (lower(flow.trigger.type) !== triggerType) {
      throw new Error(`${caller}: the flow '${flow.name}' has a ${String(flow.trigger.type)} trigger, not ${triggerType}`);
    }
    return flow;
  }

  /** Parameters of a flow: environment variable values by schema name, else the default values. */
  parametersOf(flow: RegisteredFlow): Map<string, Value> {
    const values = new Map<string, Value>();
    const declared = isObject(flow.definition.parameters) ? flow.definition.parameters : {};
    const environment = this.options.environmentVariables ?? {};
    for (const [name, parameter] of Object.entries(declared)) {
      const schemaName = isObject(parameter) && isObject(parameter.metadata) ? parameter.metadata.schemaName : undefined;
      if (typeof schemaName === 'string' && Object.prototype.hasOwnProperty.call(environment, schemaName)) {
        values.set(name, environment[schemaName]);
      } else {
        values.set(name, isObject(parameter) ? (parameter.defaultValue ?? parameter.value ?? null) : null);
      }
    }
    return values;
  }

  /** Evaluation outside a run (trigger parameters): parameters() and workflow() only. */
  private staticHost(flow: RegisteredFlow): EvaluationHost {
    const parameters = this.parametersOf(flow);
    return {
      now: () => this.options.clock.now(),
      parameter: (name) => (parameters.has(name) ? { value: parameters.get(name) } : undefined),
      workflow: () => ({
        id: flow.id,
        name: flow.id,
        type: 'Microsoft.Logic/workflows',
        tags: { flowDisplayName: flow.name, environmentName: 'simulator' },
      }),
    };
  }

  /** @internal Starts a run of `flow` (also used for child flows). */
  async execute(flow: RegisteredFlow, start: RunStart): Promise<FlowRun> {
    this.runCounter += 1;
    const runId = `08585${String(this.runCounter).padStart(14, '0')}CU00`;
    const execution = new Execution(this, this.options, flow, runId, start);
    const running = execution.run();
    this.active.add(running);
    try {
      const run = await running;
      this.finished.push(run);
      return run;
    } finally {
      this.active.delete(running);
    }
  }

  /** Resolves once no run is in progress (runs started by HTTP calls included). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }

  private readonly active = new Set<Promise<FlowRun>>();

  /** @internal */
  flowById(id: string): RegisteredFlow | undefined {
    return this.flows.get(id);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** Why the run stopped early: Terminate, or a simulator gap that must not be papered over. */
interface Stop {
  readonly status: FlowRun['status'];
  readonly error?: RunError;
}

interface LoopFrame {
  readonly kind: 'foreach' | 'until' | 'item';
  readonly name?: string;
  readonly item?: Value;
  readonly hasItem: boolean;
  readonly index: number;
}

/** One run of one flow. */
class Execution {
  private readonly clock: Clock;
  private readonly variables = new Map<string, { type: string; value: Value }>();
  private readonly results = new Map<string, JsonObject>();
  private readonly scopeResults = new Map<string, Value[]>();
  private readonly frames: LoopFrame[] = [];
  private readonly parameters: Map<string, Value>;
  private readonly actions: ActionRun[] = [];
  private readonly triggerRecord: JsonObject;
  private readonly host: EvaluationHost;
  private stop: Stop | undefined;
  private response: { statusCode: number; headers: Record<string, string>; body: Value } | undefined;
  private currentAction: JsonObject | undefined;

  constructor(
    private readonly runtime: FlowRuntime,
    private readonly options: FlowRuntimeOptions,
    private readonly flow: RegisteredFlow,
    private readonly runId: string,
    private readonly start: RunStart,
  ) {
    this.clock = options.clock;
    this.parameters = runtime.parametersOf(flow);
    const now = this.timestamp();
    this.triggerRecord = {
      name: flow.triggerName,
      inputs: null,
      outputs: start.outputs,
      startTime: now,
      endTime: now,
      scheduledTime: now,
      trackingId: randomUUID(),
      clientTrackingId: runId,
      originHistoryName: runId,
      code: 'OK',
      status: 'Succeeded',
    };
    this.host = this.makeHost();
  }

  async run(): Promise<FlowRun> {
    const startTime = this.timestamp();
    let outcome: Outcome;
    try {
      outcome = await this.runContainer(this.flow.definition.actions, '', undefined);
    } catch (error) {
      this.stop ??= { status: 'Failed', error: { code: 'SimulatorError', message: (error as Error).stack ?? String(error) } };
      outcome = { status: 'Failed' };
    }
    let status: FlowRun['status'];
    let error: RunError | undefined;
    if (this.stop) {
      status = this.stop.status;
      error = this.stop.error;
    } else if (outcome.status === 'Failed' || outcome.status === 'TimedOut') {
      status = 'Failed';
      error = outcome.cause ? this.located(outcome.cause.error, outcome.cause.path) : CONTAINER_FAILED;
    } else {
      status = 'Succeeded';
    }
    const run: FlowRun = {
      runId: this.runId,
      flowId: this.flow.id,
      flowName: this.flow.name,
      status,
      startTime,
      endTime: this.timestamp(),
      trigger: { name: this.flow.triggerName, outputs: this.start.outputs },
      actions: this.actions,
    };
    if (error) run.error = error;
    if (this.response) run.response = { statusCode: this.response.statusCode, body: this.response.body };
    return run;
  }

  private timestamp(): string {
    return this.clock.now().toISOString();
  }

  /** `message at path`, unless the message already names the path. */
  private located(error: RunError, path: string): RunError {
    return error.message.endsWith(` at ${path}`) ? error : { code: error.code, message: `${error.message} at ${path}` };
  }

  // -------------------------------------------------------------------------------------------------
  // Expression host

  private makeHost(): EvaluationHost {
    return {
      now: () => this.clock.now(),
      trigger: () => this.triggerRecord,
      action: (name) => (this.flow.index.has(name) ? { record: this.results.get(name) } : undefined),
      currentAction: () => this.currentAction ?? null,
      variable: (name) => {
        const variable = this.variables.get(name);
        return variable ? { value: variable.value } : undefined;
      },
      parameter: (name) => (this.parameters.has(name) ? { value: this.parameters.get(name) } : undefined),
      item: () => {
        for (let index = this.frames.length - 1; index >= 0; index -= 1) {
          const frame = this.frames[index]!;
          if (frame.hasItem) return { value: frame.item };
        }
        return undefined;
      },
      items: (loop) => {
        const frame = [...this.frames].reverse().find((candidate) => candidate.kind === 'foreach' && candidate.name === loop);
        return frame ? { value: frame.item } : undefined;
      },
      iterationIndex: (loop) => [...this.frames].reverse().find((candidate) => candidate.kind !== 'item' && candidate.name === loop)?.index,
      result: (scope) => {
        const entry = this.flow.index.get(scope);
        if (!entry || !['scope', 'foreach', 'until'].includes(entry.type)) return undefined;
        return this.scopeResults.get(scope) ?? [];
      },
      workflow: () => ({
        id: `/workflows/${this.flow.id}`,
        name: this.flow.id,
        type: 'Microsoft.Logic/workflows',
        location: 'simulator',
        run: { id: `/workflows/${this.flow.id}/runs/${this.runId}`, name: this.runId, type: 'Microsoft.Logic/workflows/runs' },
        tags: { flowDisplayName: this.flow.name, environmentName: 'simulator', logicAppName: this.flow.id },
      }),
      listCallbackUrl: () => undefined,
    };
  }

  private evaluate(value: unknown): Value {
    return evaluateJson(value, this.host);
  }

  /** Runs `body` with `item()` bound to `item` (Query, Select). */
  private withItem<T>(item: Value, index: number, body: () => T): T {
    this.frames.push({ kind: 'item', item, hasItem: true, index });
    try {
      return body();
    } finally {
      this.frames.pop();
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Containers and runAfter

  private async runContainer(
    actions: Record<string, ActionDefinition> | undefined,
    parentPath: string,
    iteration: number | undefined,
  ): Promise<Outcome> {
    const container = actions ?? {};
    const names = Object.keys(container);
    const statuses = new Map<string, Status>();
    const ran = new Set<string>();
    const causes = new Map<string, Outcome['cause']>();
    const pending = [...names];
    while (pending.length > 0 && !this.stop) {
      const position = pending.findIndex((name) =>
        Object.keys(container[name]!.runAfter ?? {}).every((predecessor) => statuses.has(predecessor)),
      );
      if (position === -1) throw new DefinitionError(`runAfter cycle among ${pending.join(', ')}`);
      const name = pending.splice(position, 1)[0]!;
      const definition = container[name]!;
      const path = parentPath ? `${parentPath}/${name}` : name;
      const unmet = Object.entries(definition.runAfter ?? {}).find(
        ([predecessor, allowed]) => !this.allowed(allowed).includes(statuses.get(predecessor)!),
      );
      if (unmet) {
        const [predecessor, allowed] = unmet;
        statuses.set(name, 'Skipped');
        this.recordSkipped(name, definition, path, iteration, {
          code: 'ActionSkipped',
          message:
            `The execution of template action '${name}' is skipped: the 'runAfter' condition for action '${predecessor}' is not satisfied. ` +
            `Expected status values '${this.allowed(allowed).join(', ')}' and actual value '${statuses.get(predecessor)}'.`,
        });
        continue;
      }
      const outcome = await this.executeAction(name, definition, path, iteration);
      statuses.set(name, outcome.status);
      ran.add(name);
      if (outcome.cause) causes.set(name, outcome.cause);
    }
    const unhandled = names.filter((name) => {
      const status = statuses.get(name);
      if (status !== 'Failed' && status !== 'TimedOut') return false;
      return !names.some(
        (other) =>
          ran.has(other) &&
          Object.prototype.hasOwnProperty.call(container[other]!.runAfter ?? {}, name) &&
          this.allowed(container[other]!.runAfter![name]).includes(status),
      );
    });
    if (unhandled.length === 0) return { status: 'Succeeded' };
    const first = unhandled[0]!;
    return { status: 'Failed', cause: causes.get(first) };
  }

  private allowed(statuses: unknown): Status[] {
    const list = Array.isArray(statuses) ? statuses.map(normalizeStatus).filter((status): status is Status => status !== undefined) : [];
    return list.length ? list : ['Succeeded'];
  }

  /** A skipped action and, recursively, everything inside it. */
  private recordSkipped(name: string, definition: ActionDefinition, path: string, iteration: number | undefined, reason?: RunError): void {
    const now = this.timestamp();
    const entry: ActionRun = { name, path, status: 'Skipped', startTime: now, endTime: now };
    if (iteration !== undefined) entry.iteration = iteration;
    this.actions.push(entry);
    this.results.set(name, {
      name,
      startTime: now,
      endTime: now,
      status: 'Skipped',
      code: 'ActionSkipped',
      ...(reason ? { error: reason } : {}),
    });
    if (isObject(definition)) {
      for (const container of childContainers(definition)) {
        for (const [child, childDefinition] of Object.entries(container))
          this.recordSkipped(child, childDefinition, `${path}/${child}`, iteration);
      }
    }
  }

  // -------------------------------------------------------------------------------------------------
  // One action

  private async executeAction(name: string, definition: ActionDefinition, path: string, iteration: number | undefined): Promise<Outcome> {
    const startTime = this.timestamp();
    const entry: ActionRun = { name, path, status: 'Succeeded', startTime, endTime: startTime };
    if (iteration !== undefined) entry.iteration = iteration;
    this.actions.push(entry);
    this.currentAction = { name, startTime };
    const step: Step = { inputs: undefined, outputs: undefined };
    let outcome: Outcome;
    try {
      outcome = await this.dispatch(name, definition, path, iteration, step);
    } catch (error) {
      outcome = this.failure(error, path);
    }
    if (outcome.cause && outcome.cause.path === '') outcome = { status: outcome.status, cause: { path, error: outcome.cause.error } };
    entry.status = outcome.status;
    entry.endTime = this.timestamp();
    if (step.inputs !== undefined) entry.inputs = step.inputs;
    if (step.outputs !== undefined) entry.outputs = step.outputs;
    const failed = outcome.status === 'Failed' || outcome.status === 'TimedOut';
    // A container that failed because of an action inside it reports Logic Apps' generic ActionFailed.
    const ownError = step.error ?? (failed ? (outcome.cause?.path === path ? outcome.cause.error : CONTAINER_FAILED) : undefined);
    if (ownError) entry.error = ownError;
    const record: JsonObject = {
      name,
      inputs: step.inputs ?? null,
      outputs: step.outputs ?? null,
      startTime,
      endTime: entry.endTime,
      trackingId: randomUUID(),
      clientTrackingId: this.runId,
      code: step.code ?? (outcome.status === 'Succeeded' ? 'OK' : (ownError?.code ?? outcome.status)),
      status: outcome.status,
    };
    if (ownError) record.error = ownError;
    this.results.set(name, record);
    return outcome;
  }

  /** Turns what an action threw into its outcome; simulator gaps stop the run. */
  private failure(error: unknown, path: string): Outcome {
    if (error instanceof UnimplementedFunctionError) {
      const runError = { code: 'InvalidTemplate', message: `${error.message} at ${path}` };
      this.stop = { status: 'Failed', error: runError };
      return { status: 'Failed', cause: { path, error: runError } };
    }
    if (error instanceof TemplateError) {
      return {
        status: 'Failed',
        cause: { path, error: { code: 'InvalidTemplate', message: `${error.message.replace(/\.$/, '')} at ${path}` } },
      };
    }
    if (error instanceof ActionError) return { status: 'Failed', cause: { path, error: { code: error.code, message: error.message } } };
    const runError =
      error instanceof DefinitionError
        ? { code: 'InvalidDefinition', message: `${error.message} at ${path}` }
        : { code: 'SimulatorError', message: `${(error as Error)?.stack ?? String(error)} at ${path}` };
    this.stop = { status: 'Failed', error: runError };
    return { status: 'Failed', cause: { path, error: runError } };
  }

  private dispatch(
    name: string,
    definition: ActionDefinition,
    path: string,
    iteration: number | undefined,
    step: Step,
  ): Promise<Outcome> | Outcome {
    switch (lower(definition.type)) {
      case 'compose':
        step.inputs = this.evaluate(definition.inputs ?? null);
        step.outputs = step.inputs;
        return { status: 'Succeeded' };
      case 'initializevariable':
        return this.initializeVariable(definition, step);
      case 'setvariable':
      case 'incrementvariable':
      case 'decrementvariable':
      case 'appendtoarrayvariable':
      case 'appendtostringvariable':
        return this.updateVariable(lower(definition.type), definition, step);
      case 'parsejson':
        return this.parseJson(definition, step);
      case 'query':
        return this.query(definition, step);
      case 'select':
        return this.select(definition, step);
      case 'join':
        return this.join(definition, step);
      case 'scope':
        return this.scope(name, definition, path, iteration);
      case 'if':
        return this.condition(definition, path, iteration, step);
      case 'switch':
        return this.switchAction(definition, path, iteration, step);
      case 'foreach':
        return this.foreach(name, definition, path, step);
      case 'until':
        return this.until(name, definition, path, step);
      case 'response':
        return this.respond(definition, step);
      case 'terminate':
        return this.terminate(definition, step);
      case 'wait':
        return this.wait(definition, step);
      case 'http':
        return this.http(definition, step);
      case 'workflow':
        return this.childFlow(definition, step);
      case 'openapiconnection':
      case 'openapiconnectionwebhook':
        // A webhook action (e.g. "Wait for an approval") is one call the router answers when the event happens.
        return this.connector(definition, step);
      default:
        throw new DefinitionError(`the action type '${String(definition.type)}' is not supported by the flow simulator`);
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Variables

  private checkVariable(name: string, type: string, value: Value): void {
    const valid =
      type === 'string'
        ? typeof value === 'string'
        : type === 'integer'
          ? typeof value === 'number' && Number.isInteger(value)
          : type === 'float'
            ? typeof value === 'number'
            : type === 'boolean'
              ? typeof value === 'boolean'
              : type === 'array'
                ? Array.isArray(value)
                : type === 'object'
                  ? isObject(value)
                  : false;
    if (!valid) {
      const shown = type.charAt(0).toUpperCase() + type.slice(1);
      throw new ActionError(
        'InvalidTemplate',
        `The variable '${name}' of type '${shown}' cannot be initialized or updated with value of type '${typeName(value)}'. The variable '${name}' only supports values of types '${shown}'.`,
      );
    }
  }

  private initializeVariable(definition: ActionDefinition, step: Step): Outcome {
    const inputs = isObject(definition.inputs) ? definition.inputs : {};
    const declared = Array.isArray(inputs.variables) ? inputs.variables : [];
    const evaluated: JsonObject[] = [];
    for (const variable of declared) {
      if (!isObject(variable) || typeof variable.name !== 'string')
        throw new ActionError('InvalidTemplate', 'InitializeVariable needs inputs.variables[{ name, type, value }]');
      const type = lower(variable.type);
      if (!['string', 'integer', 'float', 'boolean', 'array', 'object'].includes(type)) {
        throw new ActionError(
          'InvalidTemplate',
          `The variable '${variable.name}' has the type '${String(variable.type)}', not one of string, integer, float, boolean, array, object.`,
        );
      }
      if (this.variables.has(variable.name))
        throw new ActionError('InvalidTemplate', `The variable '${variable.name}' is already initialized.`);
      const value = Object.prototype.hasOwnProperty.call(variable, 'value') ? this.evaluate(variable.value) : defaultOf(type);
      this.checkVariable(variable.name, type, value);
      this.variables.set(variable.name, { type, value });
      evaluated.push({ name: variable.name, type: variable.type, value: value as never });
    }
    step.inputs = { variables: evaluated };
    return { status: 'Succeeded' };
  }

  private updateVariable(kind: string, definition: ActionDefinition, step: Step): Outcome {
    const inputs = this.evaluate(definition.inputs ?? {}) as JsonObject;
    const name = inputs?.name;
    if (typeof name !== 'string') throw new ActionError('InvalidTemplate', `${String(definition.type)} needs inputs.name`);
    const variable = this.variables.get(name);
    if (!variable)
      throw new ActionError(
        'InvalidTemplate',
        `The variable '${name}' is not initialized: add an InitializeVariable action that runs before this one.`,
      );
    step.inputs = inputs;
    const value = inputs.value;
    let next: Value;
    switch (kind) {
      case 'setvariable':
        next = value ?? null;
        break;
      case 'incrementvariable':
      case 'decrementvariable': {
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
        next = (variable.value as number) + (kind === 'incrementvariable' ? amount : -amount);
        break;
      }
      case 'appendtoarrayvariable':
        if (variable.type !== 'array')
          throw new ActionError(
            'InvalidTemplate',
            `AppendToArrayVariable needs an Array variable; '${name}' is of type '${variable.type}'.`,
          );
        next = [...(variable.value as Value[]), value ?? null];
        break;
      default:
        if (variable.type !== 'string')
          throw new ActionError(
            'InvalidTemplate',
            `AppendToStringVariable needs a String variable; '${name}' is of type '${variable.type}'.`,
          );
        next = (variable.value as string) + stringify(value);
    }
    this.checkVariable(name, variable.type, next);
    variable.value = next;
    step.outputs = { body: { name, value: next } };
    return { status: 'Succeeded' };
  }

  // -------------------------------------------------------------------------------------------------
  // Data operations

  private parseJson(definition: ActionDefinition, step: Step): Outcome {
    const inputs = this.evaluate(definition.inputs ?? {}) as JsonObject;
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
    return { status: 'Succeeded' };
  }

  private arrayInput(value: Value, action: string, property: string): Value[] {
    if (!Array.isArray(value)) {
      throw new TemplateError(
        `The '${property}' property of a ${action} action must evaluate to an array; the provided value is of type '${typeName(value)}'.`,
      );
    }
    return value;
  }

  private query(definition: ActionDefinition, step: Step): Outcome {
    const inputs = isObject(definition.inputs) ? definition.inputs : {};
    const from = this.arrayInput(this.evaluate(inputs.from ?? null), 'Query', 'from');
    step.inputs = { from, where: inputs.where ?? null };
    const kept = from.filter((item, index) =>
      this.withItem(item, index, () => {
        const verdict = typeof inputs.where === 'string' ? evaluateTemplate(inputs.where, this.host) : this.evaluate(inputs.where ?? true);
        if (typeof verdict !== 'boolean')
          throw new TemplateError(
            `The 'where' expression of a Query action must evaluate to a Boolean; it evaluated to a value of type '${typeName(verdict)}'.`,
          );
        return verdict;
      }),
    );
    step.outputs = { body: kept };
    return { status: 'Succeeded' };
  }

  private select(definition: ActionDefinition, step: Step): Outcome {
    const inputs = isObject(definition.inputs) ? definition.inputs : {};
    const from = this.arrayInput(this.evaluate(inputs.from ?? null), 'Select', 'from');
    step.inputs = { from, select: inputs.select ?? null };
    step.outputs = { body: from.map((item, index) => this.withItem(item, index, () => this.evaluate(inputs.select ?? null))) };
    return { status: 'Succeeded' };
  }

  private join(definition: ActionDefinition, step: Step): Outcome {
    const inputs = this.evaluate(definition.inputs ?? {}) as JsonObject;
    const from = this.arrayInput(inputs.from ?? null, 'Join', 'from');
    if (typeof inputs.joinWith !== 'string')
      throw new TemplateError(`The 'joinWith' property of a Join action must be a string; it is of type '${typeName(inputs.joinWith)}'.`);
    step.inputs = inputs;
    step.outputs = { body: from.map(stringify).join(inputs.joinWith) };
    return { status: 'Succeeded' };
  }

  // -------------------------------------------------------------------------------------------------
  // Control

  private containerOutcome(inner: Outcome): Outcome {
    if (inner.status !== 'Failed' && inner.status !== 'TimedOut') return { status: 'Succeeded' };
    return { status: 'Failed', cause: inner.cause };
  }

  /** result(): the first-level actions of a container, in the order they ran. */
  private firstLevelResults(actions: Record<string, ActionDefinition> | undefined): JsonObject[] {
    return Object.keys(actions ?? {})
      .map((name) => this.results.get(name))
      .filter((record): record is JsonObject => record !== undefined);
  }

  private async scope(name: string, definition: ActionDefinition, path: string, iteration: number | undefined): Promise<Outcome> {
    const inner = await this.runContainer(definition.actions, path, iteration);
    this.scopeResults.set(name, this.firstLevelResults(definition.actions));
    return this.containerOutcome(inner);
  }

  private conditionValue(expression: unknown, action = 'an If'): boolean {
    let verdict: Value;
    if (typeof expression === 'string') verdict = evaluateTemplate(expression, this.host);
    else if (typeof expression === 'boolean') verdict = expression;
    else if (isObject(expression)) verdict = this.objectCondition(expression);
    else verdict = expression ?? null;
    if (typeof verdict !== 'boolean')
      throw new TemplateError(
        `The 'expression' of ${action} action must evaluate to a Boolean; it evaluated to a value of type '${typeName(verdict)}'.`,
      );
    return verdict;
  }

  /** `{ "and": [ { "equals": ["@x", "y"] } ] }`: the designer's object form of a condition. */
  private objectCondition(expression: JsonObject): Value {
    const entries = Object.entries(expression);
    if (entries.length !== 1) throw new TemplateError(`A condition object has exactly one operator; this one has ${entries.length}.`);
    const [operator, operands] = entries[0]!;
    const op = operator.toLowerCase();
    if (op === 'and' || op === 'or') {
      const list = Array.isArray(operands) ? operands : [operands];
      const values = list.map((operand) => (isObject(operand) ? this.objectCondition(operand) : this.evaluate(operand)));
      return applyFunction(op, values, this.host);
    }
    if (op === 'not')
      return applyFunction('not', [isObject(operands) ? this.objectCondition(operands) : this.evaluate(operands)], this.host);
    const values = (Array.isArray(operands) ? operands : [operands]).map((operand) => this.evaluate(operand));
    return applyFunction(operator, values, this.host);
  }

  private async condition(definition: ActionDefinition, path: string, iteration: number | undefined, step: Step): Promise<Outcome> {
    const verdict = this.conditionValue(definition.expression);
    step.inputs = { expressionResult: verdict };
    const taken = verdict ? definition.actions : definition.else?.actions;
    const skipped = verdict ? definition.else?.actions : definition.actions;
    const inner = await this.runContainer(taken, path, iteration);
    for (const [child, childDefinition] of Object.entries(skipped ?? {}))
      this.recordSkipped(child, childDefinition, `${path}/${child}`, iteration);
    return this.containerOutcome(inner);
  }

  private async switchAction(definition: ActionDefinition, path: string, iteration: number | undefined, step: Step): Promise<Outcome> {
    const value = this.evaluate(definition.expression ?? null);
    const cases = Object.entries(definition.cases ?? {});
    const match = cases.find(([, branch]) => {
      const candidate = this.evaluate(branch?.case ?? null);
      return typeof candidate === typeof value && wdlEquals(candidate, value);
    });
    step.inputs = { expressionResult: value, case: match ? match[0] : 'default' };
    const taken = match ? match[1]?.actions : definition.default?.actions;
    const inner = await this.runContainer(taken, path, iteration);
    for (const [caseName, branch] of cases) {
      if (match && caseName === match[0]) continue;
      for (const [child, childDefinition] of Object.entries(branch?.actions ?? {}))
        this.recordSkipped(child, childDefinition, `${path}/${child}`, iteration);
    }
    if (match) {
      for (const [child, childDefinition] of Object.entries(definition.default?.actions ?? {}))
        this.recordSkipped(child, childDefinition, `${path}/${child}`, iteration);
    }
    return this.containerOutcome(inner);
  }

  private clearNested(name: string): void {
    for (const nested of this.flow.index.get(name)?.nested ?? []) {
      this.results.delete(nested);
      this.scopeResults.delete(nested);
    }
  }

  /** result() of a loop: one entry per first-level action, its `outputs` the records of every iteration. */
  private collectIterations(collected: Map<string, JsonObject[]>, actions: Record<string, ActionDefinition> | undefined): void {
    for (const child of Object.keys(actions ?? {})) {
      const record = this.results.get(child);
      if (!record) continue;
      const list = collected.get(child) ?? [];
      list.push(record);
      collected.set(child, list);
    }
  }

  private loopResults(collected: Map<string, JsonObject[]>): Value[] {
    return [...collected.entries()].map(([child, records]) => ({
      name: child,
      outputs: records,
      status: records.at(-1)?.status ?? 'Skipped',
    }));
  }

  private async foreach(name: string, definition: ActionDefinition, path: string, step: Step): Promise<Outcome> {
    const items = this.evaluate(definition.foreach ?? null);
    if (!Array.isArray(items)) {
      throw new TemplateError(
        `The execution of template action '${name}' failed: the result of the evaluation of 'foreach' expression '${String(definition.foreach)}' is of type '${typeName(items)}'. The result must be a valid array.`,
      );
    }
    step.inputs = items;
    const collected = new Map<string, JsonObject[]>();
    let failed: Outcome | undefined;
    for (let index = 0; index < items.length && !this.stop; index += 1) {
      this.clearNested(name);
      this.frames.push({ kind: 'foreach', name, item: items[index], hasItem: true, index });
      let inner: Outcome;
      try {
        inner = await this.runContainer(definition.actions, path, index);
      } finally {
        this.frames.pop();
      }
      this.collectIterations(collected, definition.actions);
      if (inner.status === 'Failed' && !failed) failed = inner;
    }
    this.scopeResults.set(name, this.loopResults(collected));
    return failed ? { status: 'Failed', cause: failed.cause } : { status: 'Succeeded' };
  }

  private async until(name: string, definition: ActionDefinition, path: string, step: Step): Promise<Outcome> {
    const limit = this.evaluate(definition.limit ?? {}) as JsonObject;
    const count = limit?.count === undefined || limit.count === null ? 60 : Number(limit.count);
    const timeout = typeof limit?.timeout === 'string' ? parseDuration(limit.timeout) : 3600000;
    if (!Number.isInteger(count) || count < 1)
      throw new TemplateError(`The Until limit count must be a positive integer, not '${String(limit?.count)}'.`);
    if (timeout === undefined) throw new TemplateError(`The Until limit timeout '${String(limit?.timeout)}' is not an ISO 8601 duration.`);
    const started = this.clock.now().getTime();
    const collected = new Map<string, JsonObject[]>();
    let iterations = 0;
    let done = false;
    let outcome: Outcome = { status: 'Succeeded' };
    while (!done && !this.stop) {
      this.clearNested(name);
      this.frames.push({ kind: 'until', name, hasItem: false, index: iterations });
      try {
        const inner = await this.runContainer(definition.actions, path, iterations);
        this.collectIterations(collected, definition.actions);
        iterations += 1;
        if (inner.status === 'Failed') {
          outcome = { status: 'Failed', cause: inner.cause };
          break;
        }
        if (this.stop) break;
        done = this.conditionValue(definition.expression, 'an Until');
      } finally {
        this.frames.pop();
      }
      if (!done && iterations >= count) break;
      if (!done && this.clock.now().getTime() - started >= timeout) {
        outcome = {
          status: 'TimedOut',
          cause: {
            path,
            error: {
              code: 'ActionTimedOut',
              message: `The Until loop '${name}' did not meet its condition within ${String(limit?.timeout ?? 'PT1H')}.`,
            },
          },
        };
        break;
      }
    }
    step.inputs = { iterations, limit: { count, timeout: limit?.timeout ?? 'PT1H' } };
    this.scopeResults.set(name, this.loopResults(collected));
    return outcome;
  }

  private respond(definition: ActionDefinition, step: Step): Outcome {
    if (lower(this.flow.trigger.type) !== 'request')
      throw new ActionError(
        'InvalidTemplate',
        'A Response action is only valid in a flow with a Request (HTTP, manual or PowerApp) trigger.',
      );
    const inputs = this.evaluate(definition.inputs ?? {}) as JsonObject;
    const statusCode = inputs.statusCode === undefined ? 200 : Number(inputs.statusCode);
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
      throw new TemplateError(`The Response status code must be an integer from 100 to 599, not '${stringify(inputs.statusCode)}'.`);
    }
    if (this.response)
      throw new ActionError('ActionResponseAlreadySent', 'The run already sent its response; a run answers its caller once.');
    const headers: Record<string, string> = {};
    if (isObject(inputs.headers)) for (const [header, value] of Object.entries(inputs.headers)) headers[header] = stringify(value);
    const body = inputs.body ?? null;
    this.response = { statusCode, headers, body };
    step.inputs = { statusCode, headers, body };
    step.outputs = { statusCode, headers, body };
    this.start.onResponse?.(this.response);
    return { status: 'Succeeded' };
  }

  private terminate(definition: ActionDefinition, step: Step): Outcome {
    const inputs = this.evaluate(definition.inputs ?? {}) as JsonObject;
    step.inputs = inputs;
    const status = (['Succeeded', 'Failed', 'Cancelled'] as const).find((candidate) => candidate.toLowerCase() === lower(inputs.runStatus));
    if (!status)
      throw new TemplateError(`The Terminate runStatus must be Succeeded, Failed or Cancelled, not '${stringify(inputs.runStatus)}'.`);
    const runError = isObject(inputs.runError) ? inputs.runError : {};
    this.stop =
      status === 'Failed'
        ? {
            status,
            error: {
              code: typeof runError.code === 'string' ? runError.code : 'Terminated',
              message: typeof runError.message === 'string' ? runError.message : 'The run was terminated with the status Failed.',
            },
          }
        : { status };
    return { status: 'Succeeded' };
  }

  private async wait(definition: ActionDefinition, step: Step): Promise<Outcome> {
    const inputs = this.evaluate(definition.inputs ?? {}) as JsonObject;
    step.inputs = inputs;
    let ms: number;
    if (isObject(inputs.interval)) {
      const unit = WAIT_UNITS[lower(inputs.interval.unit)];
      const count = Number(inputs.interval.count);
      if (unit === undefined || !Number.isFinite(count))
        throw new TemplateError(`The Wait interval needs a count and a unit (Second…Month), not ${JSON.stringify(inputs.interval)}.`);
      ms = unit * count;
    } else if (isObject(inputs.until) && typeof inputs.until.timestamp === 'string') {
      const until = Date.parse(inputs.until.timestamp);
      if (Number.isNaN(until)) throw new TemplateError(`The Wait timestamp '${inputs.until.timestamp}' is not a timestamp.`);
      ms = Math.max(0, until - this.clock.now().getTime());
    } else {
      throw new TemplateError('A Wait action needs inputs.interval { count, unit } or inputs.until.timestamp.');
    }
    await this.clock.sleep(ms);
    return { status: 'Succeeded' };
  }

  // -------------------------------------------------------------------------------------------------
  // Calls out: connectors, HTTP, child flows

  /** Calls with the action's retry policy; connectivity errors retry too, then fail the action. */
  private async withRetry(policyDefinition: unknown, call: () => Promise<ConnectorResponse>): Promise<ConnectorResponse> {
    const policy = retryPolicyOf(policyDefinition);
    for (let retry = 0; ; retry += 1) {
      let response: ConnectorResponse | undefined;
      let thrown: unknown;
      try {
        response = await call();
      } catch (error) {
        thrown = error;
      }
      const retriable = thrown !== undefined || isRetriableStatus(response!.statusCode);
      if (!retriable || retry >= policy.count) {
        if (thrown !== undefined)
          throw new ActionError('ServiceUnavailable', `The call failed: ${(thrown as Error)?.message ?? String(thrown)}`);
        return response!;
      }
      await this.clock.sleep(retryAfterMs(response?.headers, this.clock.now()) ?? policy.delay(retry + 1));
    }
  }

  /** outputs = { statusCode, headers, body }; 4xx/5xx fail the action with the body's message. */
  private answered(response: ConnectorResponse, step: Step): Outcome {
    step.outputs = { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body ?? null };
    step.code = httpReason(response.statusCode);
    if (response.statusCode >= 400) {
      step.error = { code: httpReason(response.statusCode), message: errorMessage(response.body, response.statusCode) };
      return { status: 'Failed', cause: { path: '', error: step.error } };
    }
    return { status: 'Succeeded' };
  }

  private async connector(definition: ActionDefinition, step: Step): Promise<Outcome> {
    const raw = isObject(definition.inputs) ? definition.inputs : {};
    const host = isObject(raw.host) ? raw.host : {};
    const parameters = this.evaluate(raw.parameters ?? {});
    step.inputs = { host, parameters };
    if (!isObject(parameters))
      throw new TemplateError(`The connector parameters must evaluate to an object, not '${typeName(parameters)}'.`);
    const connectionName = typeof host.connectionName === 'string' ? host.connectionName : '';
    const reference = this.flow.connectionReferences[connectionName];
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
    const response = await this.withRetry(raw.retryPolicy, async () =>
      structuredClone(await this.options.connectors.call(structuredClone(request))),
    );
    return this.answered(response, step);
  }

  private async http(definition: ActionDefinition, step: Step): Promise<Outcome> {
    const raw = isObject(definition.inputs) ? definition.inputs : {};
    const { retryPolicy, ...rest } = raw;
    const inputs = this.evaluate(rest) as JsonObject;
    step.inputs = inputs;
    const method = typeof inputs.method === 'string' ? inputs.method.toUpperCase() : 'GET';
    let url: URL;
    try {
      url = new URL(String(inputs.uri));
    } catch {
      throw new ActionError('InvalidTemplate', `The HTTP action's uri '${stringify(inputs.uri)}' is not an absolute URI.`);
    }
    if (isObject(inputs.queries)) for (const [key, value] of Object.entries(inputs.queries)) url.searchParams.append(key, stringify(value));
    const headers: Record<string, string> = {};
    if (isObject(inputs.headers)) for (const [key, value] of Object.entries(inputs.headers)) headers[key] = stringify(value);
    const authentication = isObject(inputs.authentication) ? inputs.authentication : undefined;
    if (authentication && lower(authentication.type) === 'raw' && typeof authentication.value === 'string')
      headers.Authorization = authentication.value;
    if (authentication && lower(authentication.type) === 'basic') {
      headers.Authorization = `Basic ${Buffer.from(`${stringify(authentication.username)}:${stringify(authentication.password)}`).toString('base64')}`;
    }
    let body: string | Blob | undefined;
    if (inputs.body !== undefined && inputs.body !== null) {
      if (typeof inputs.body === 'string') body = inputs.body;
      else if (isObject(inputs.body) && typeof inputs.body.$content === 'string')
        body = new Blob([Buffer.from(inputs.body.$content, 'base64')]);
      else {
        body = JSON.stringify(inputs.body);
        if (!Object.keys(headers).some((key) => key.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
      }
    }
    const response = await this.withRetry(retryPolicy, async () => {
      const answer = await fetch(url, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body });
      const text = await answer.text();
      const answerHeaders: Record<string, string> = {};
      answer.headers.forEach((value, key) => {
        answerHeaders[key] = value;
      });
      let parsed: Value = text === '' ? null : text;
      if (text !== '' && /json/i.test(answer.headers.get('content-type') ?? '')) {
        try {
          parsed = JSON.parse(text) as Value;
        } catch {
          parsed = text;
        }
      }
      return { statusCode: answer.status, headers: answerHeaders, body: parsed };
    });
    return this.answered(response, step);
  }

  private async childFlow(definition: ActionDefinition, step: Step): Promise<Outcome> {
    const inputs = this.evaluate(definition.inputs ?? {}) as JsonObject;
    step.inputs = inputs;
    const reference = isObject(inputs.host) ? inputs.host.workflowReferenceName : undefined;
    const child = typeof reference === 'string' ? this.runtime.flowById(reference) : undefined;
    if (!child)
      throw new ActionError(
        'WorkflowNotFound',
        `The child flow '${stringify(reference)}' (inputs.host.workflowReferenceName) is not registered.`,
      );
    if (lower(child.trigger.type) !== 'request')
      throw new ActionError('InvalidChildFlow', `The child flow '${child.name}' must have a manual (Request) trigger.`);
    const depth = (this.start.depth ?? 0) + 1;
    if (depth > MAX_CHILD_DEPTH)
      throw new ActionError('WorkflowCallDepthExceeded', `Child flows are nested more than ${MAX_CHILD_DEPTH} deep.`);
    const headers = isObject(inputs.headers)
      ? Object.fromEntries(Object.entries(inputs.headers).map(([key, value]) => [key, stringify(value)]))
      : {};
    const run = await this.runtime.execute(child, {
      outputs: { headers: { 'Content-Type': 'application/json', ...headers }, body: inputs.body ?? null },
      depth,
    });
    const response = run.response ?? { statusCode: 202, body: null };
    step.outputs = { statusCode: response.statusCode, headers: {}, body: response.body, runId: run.runId };
    step.code = httpReason(response.statusCode);
    if (run.status !== 'Succeeded' && !(run.status === 'Cancelled' && run.response && run.response.statusCode < 400)) {
      step.error = {
        code: 'ChildFlowFailed',
        message: `The child flow '${child.name}' (run ${run.runId}) ended ${run.status}${run.error ? `: ${run.error.message}` : ''}`,
      };
      return { status: 'Failed', cause: { path: '', error: step.error } };
    }
    if (response.statusCode >= 400) {
      step.error = { code: httpReason(response.statusCode), message: errorMessage(response.body, response.statusCode) };
      return { status: 'Failed', cause: { path: '', error: step.error } };
    }
    return { status: 'Succeeded' };
  }
}

/** What an action produced, filled in by its handler. */
interface Step {
  inputs: Value;
  outputs: Value;
  error?: RunError;
  code?: string;
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
