/**
 * The seams between the parts of the offline rehearsal (`sim/`): the flow runtime, the two service
 * emulators, and the `simulate` command that wires them together. Each part depends only on these types.
 */

/** Virtual time: waits advance it instantly, so retries, expiry and recurrences run in milliseconds. */
export interface Clock {
  now(): Date;
  /** Waits `ms` of virtual time (a scheduler clock wakes concurrent sleepers together; see sim/runtime/clock.ts). */
  sleep(ms: number): Promise<void>;
  /** A scheduler clock: runs `work` as one actor, whose sleeps the clock waits for before moving on its own. */
  track?<T>(work: () => Promise<T>): Promise<T>;
  /** A scheduler clock: runs `task` when virtual time reaches now + ms (it does not move time by itself). */
  schedule?(ms: number, task: () => void): void;
  /** A scheduler clock: keeps time still until released, e.g. while a webhook travels to the run it will start. */
  hold?(): ClockHold;
  /** Releases a hold by id (the receiving side of `CLOCK_HOLD_HEADER`). */
  release?(id: string): void;
}

export interface ClockHold {
  id: string;
  release(): void;
}

/**
 * A request header carrying a clock hold across an in-process HTTP hop: the receiver releases it once the run it
 * starts has begun, so time does not move while the request is on its way. Never seen by flows.
 */
export const CLOCK_HOLD_HEADER = 'x-sim-clock-hold';

/** One call a flow makes through a connector (an OpenApiConnection action or webhook trigger subscription). */
export interface ConnectorRequest {
  /** `properties.connectionReferences[...].api.name`, e.g. `shared_commondataserviceforapps`. */
  apiName: string;
  /** The connection reference logical name the flow's connection points to. */
  connectionReferenceLogicalName: string;
  operationId: string;
  /** `inputs.parameters` with expressions already evaluated. */
  parameters: Record<string, unknown>;
}

/** What a connector call returns to the runtime: becomes the action's outputs (`statusCode`, `headers`, `body`). */
export interface ConnectorResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Routes connector calls to the emulators (over real HTTP on 127.0.0.1). */
export interface ConnectorRouter {
  call(request: ConnectorRequest): Promise<ConnectorResponse>;
}

/** A Dataverse row change, as the emulator reports it to row-trigger subscribers. */
export interface RowChange {
  /** 1 Added (Create), 2 Deleted, 3 Modified (Update). */
  message: 1 | 2 | 3;
  entity: string;
  id: string;
  /** Logical names present in the write request (Dataverse fires filtering attributes on presence, not on value change). */
  attributes: string[];
  /** The row after the change (before it, for a delete), as the Web API returns it. */
  row: Record<string, unknown>;
}

/** A flow's Dataverse row trigger (SubscribeWebhookTrigger parameters). */
export interface RowSubscription {
  /** 1 Added, 2 Deleted, 3 Modified, 4 Added or Modified, 5 Added or Deleted, 6 Modified or Deleted, 7 all. */
  message: number;
  entity: string;
  filteringAttributes?: string[];
  /** OData filter the row must satisfy. */
  filterExpression?: string;
}

/** One action's record in a run's history (what the maker portal's run view shows). */
export interface ActionRun {
  name: string;
  /** Container path, e.g. `Try/If_valid/Create_referral`. */
  path: string;
  status: 'Succeeded' | 'Failed' | 'Skipped' | 'TimedOut' | 'Cancelled';
  startTime: string;
  endTime: string;
  inputs?: unknown;
  outputs?: unknown;
  error?: { code: string; message: string };
  /** Foreach/Until iteration index, when inside a loop. */
  iteration?: number;
}

export interface FlowRun {
  runId: string;
  flowId: string;
  flowName: string;
  status: 'Succeeded' | 'Failed' | 'Cancelled';
  startTime: string;
  endTime: string;
  trigger: { name: string; outputs: unknown };
  actions: ActionRun[];
  error?: { code: string; message: string };
  /** For child flows and HTTP-triggered flows: what the Response action returned. */
  response?: { statusCode: number; body: unknown };
}
