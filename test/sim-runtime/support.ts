import type { ConnectorRequest, ConnectorResponse, ConnectorRouter, FlowRun } from '../../sim/contracts.js';
import { VirtualClock } from '../../sim/runtime/clock.js';
import { evaluateTemplate, type EvaluationHost } from '../../sim/runtime/evaluate.js';
import { FlowRuntime } from '../../sim/runtime/runtime.js';
import type { Json } from '../support/json.js';

/** Definitions are plain JSON; tests build and index them freely. */
export type { Json };

export const START = '2018-04-15T13:00:00.000Z';

/** A host with a fixed clock and optional hooks, for evaluating expressions outside a run. */
export function host(hooks: Partial<EvaluationHost> = {}): EvaluationHost {
  return { now: () => new Date(START), ...hooks };
}

/** Evaluates `@…` (or any template) with `host()`. */
export const ev = (template: string, hooks: Partial<EvaluationHost> = {}): unknown => evaluateTemplate(template, host(hooks));

/** The message of what `run` throws. */
export function thrown(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

export const CONNECTION_REFERENCES = {
  shared_commondataserviceforapps: {
    runtimeSource: 'embedded',
    connection: { connectionReferenceLogicalName: 'pcs_Dataverse' },
    api: { name: 'shared_commondataserviceforapps' },
  },
  shared_partnercenterref: {
    runtimeSource: 'embedded',
    connection: { connectionReferenceLogicalName: 'pcs_PartnerCenterReferrals' },
    api: { name: 'shared_partnercenterref' },
  },
};

export const MANUAL_TRIGGER = { manual: { type: 'Request', kind: 'Button', inputs: { schema: { type: 'object', properties: {} } } } };
export const HTTP_TRIGGER = {
  manual: { type: 'Request', kind: 'Http', inputs: { triggerAuthenticationType: 'All', method: 'POST', schema: {} } },
};

/** A flow document around a definition's actions (and trigger, parameters). */
export function flowDocument(actions: Json, options: { triggers?: Json; parameters?: Json } = {}): Json {
  return {
    properties: {
      connectionReferences: CONNECTION_REFERENCES,
      definition: {
        $schema: 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
        contentVersion: '1.0.0.0',
        parameters: {
          $connections: { defaultValue: {}, type: 'Object' },
          $authentication: { defaultValue: {}, type: 'SecureObject' },
          ...(options.parameters ?? {}),
        },
        triggers: options.triggers ?? MANUAL_TRIGGER,
        actions,
        outputs: {},
      },
    },
    schemaVersion: '1.0.0.0',
  };
}

/** A Dataverse connector action. */
export function dataverse(operationId: string, parameters: Json, extra: Json = {}): Json {
  return {
    type: 'OpenApiConnection',
    inputs: {
      host: {
        connectionName: 'shared_commondataserviceforapps',
        operationId,
        apiId: '/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps',
      },
      parameters,
      authentication: "@parameters('$authentication')",
      ...extra,
    },
  };
}

export type Handler = (request: ConnectorRequest, attempt: number) => ConnectorResponse | Promise<ConnectorResponse>;

/** A ConnectorRouter that records every request and answers through a handler (200 {} by default). */
export class FakeConnectors implements ConnectorRouter {
  readonly calls: ConnectorRequest[] = [];
  /** Clock time of each call, when a clock is attached. */
  readonly times: string[] = [];

  constructor(
    private handler: Handler = () => ({ statusCode: 200, headers: {}, body: {} }),
    private readonly clock?: VirtualClock,
  ) {}

  answer(handler: Handler): this {
    this.handler = handler;
    return this;
  }

  call(request: ConnectorRequest): Promise<ConnectorResponse> {
    this.calls.push(request);
    if (this.clock) this.times.push(this.clock.now().toISOString());
    const attempt = this.calls.filter((call) => call.operationId === request.operationId).length;
    return Promise.resolve(this.handler(request, attempt));
  }

  operations(): string[] {
    return this.calls.map((call) => call.operationId);
  }
}

export const ok = (body: unknown = {}, headers: Record<string, string> = {}): ConnectorResponse => ({ statusCode: 200, headers, body });

/** A runtime with a virtual clock at START, one flow registered as `flow`. */
export function runtimeWith(
  actions: Json,
  options: { triggers?: Json; parameters?: Json; connectors?: FakeConnectors; environmentVariables?: Record<string, unknown> } = {},
) {
  const clock = new VirtualClock(START);
  const connectors = options.connectors ?? new FakeConnectors(undefined, clock);
  const runtime = new FlowRuntime({ clock, connectors, environmentVariables: options.environmentVariables });
  runtime.register({ id: 'flow', name: 'Test flow', document: flowDocument(actions, options) });
  return { runtime, clock, connectors };
}

/** The status of each action by path (iterations suffixed `#n`). */
export function statuses(run: FlowRun): Record<string, string> {
  const found: Record<string, string> = {};
  for (const action of run.actions)
    found[action.iteration === undefined ? action.path : `${action.path}#${action.iteration}`] = action.status;
  return found;
}

export function action(run: FlowRun, path: string, iteration?: number) {
  const found = run.actions.find((candidate) => candidate.path === path && (iteration === undefined || candidate.iteration === iteration));
  if (!found) throw new Error(`no action ${path} in the run (${run.actions.map((candidate) => candidate.path).join(', ')})`);
  return found;
}
