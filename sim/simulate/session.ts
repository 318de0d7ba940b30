import type { SolutionModel } from '../../solution/model.js';
import type { ZipEntry } from '../../core/io/zip.js';
import type { ConnectorRouter, FlowRun, RowChange } from '../contracts.js';
import { DataverseEmulator, dataverseConnector } from '../dataverse/index.js';
import { PartnerCenterEmulator, partnerCenterConnector } from '../partner-center/index.js';
import { VirtualClock } from '../runtime/clock.js';
import { FlowRuntime, type HttpEndpoint } from '../runtime/runtime.js';
import { environmentValuesFromZip, flowsFromZip, type PackagedFlow } from './package-flows.js';

const DATAVERSE_API = 'shared_commondataserviceforapps';
const PARTNER_CENTER_APIS = ['shared_partnercenterref', 'shared_partnercenterevents'];
/**
 * Virtual round-trip time of one connector call, so the timeline shows how long a change takes to reach
 * the other side. Rehearsal assumptions, not measurements of the real services.
 */
const CONNECTOR_LATENCY_MS = { Dataverse: 40, 'Partner Center': 150 } as const;
/** Rounds of "deliver webhooks, let triggered flows finish" before a session counts as stuck (a loop). */
const MAX_SETTLE_ROUNDS = 50;

interface SessionOptions {
  /** The built solution zip's entries: the flows run exactly as packaged. */
  entries: readonly ZipEntry[];
  label: string;
  /** The solution model: the Dataverse emulator's metadata (a column missing from the package is missing here). */
  model: SolutionModel;
  /** Current values for environment variables, by schema name, over the package's defaults. */
  environment?: Record<string, unknown>;
  start?: string;
}

/** A connector call as the session saw it, for the timeline and the per-change call counts. */
export interface ConnectorCall {
  at: string;
  api: 'Dataverse' | 'Partner Center';
  operationId: string;
  statusCode: number;
}

/**
 * One offline rehearsal: a virtual clock, both emulators on 127.0.0.1, and the packaged flows in the
 * runtime, wired as in a tenant: Dataverse row triggers fire the flows, Partner Center delivers its
 * webhooks to the HTTP-triggered flow's real endpoint, connector calls go over HTTP to the emulators.
 */
export class Simulation {
  readonly clock: VirtualClock;
  readonly partnerCenter: PartnerCenterEmulator;
  readonly dataverse: DataverseEmulator;
  readonly runtime: FlowRuntime;
  readonly flows: PackagedFlow[];
  readonly connectorCalls: ConnectorCall[] = [];
  /**
   * Parameters the flows passed that their connector does not declare (`<api> <operation> <key>`): the platform
   * has nowhere to send them, so what they were meant to do silently does not happen.
   */
  readonly droppedParameters: string[] = [];
  /**
   * Row changes a flow's Dataverse trigger did not get because the flow was off: turning a flow off removes its
   * callback registration, so Dataverse does not keep them for it (sim/runtime/README.md, "Turned off").
   */
  readonly missedRowChanges: Array<{ at: string; flowName: string; entity: string; message: RowChange['message'] }> = [];
  private endpoint: HttpEndpoint | undefined;
  /** Bumped at each turnOff, so a timed turnOn does not end a later, separate off period. */
  private readonly offPeriods = new Map<string, number>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly failures: unknown[] = [];

  private constructor(options: SessionOptions) {
    this.clock = new VirtualClock(options.start ?? '2025-03-03T09:00:00.000Z');
    this.partnerCenter = new PartnerCenterEmulator({ clock: this.clock });
    this.dataverse = new DataverseEmulator({ model: options.model, clock: this.clock });
    this.runtime = new FlowRuntime({
      clock: this.clock,
      environmentVariables: { ...environmentValuesFromZip(options.entries, options.label), ...options.environment },
      connectors: connectorRouter(this.clock, this.dataverse, this.partnerCenter, this.connectorCalls, this.droppedParameters),
    });
    this.flows = flowsFromZip(options.entries, options.label);
  }

  static async start(options: SessionOptions): Promise<Simulation> {
    const simulation = new Simulation(options);
    await simulation.partnerCenter.start();
    await simulation.dataverse.start();
    for (const flow of simulation.flows) simulation.runtime.register(flow);
    for (const { flowId, subscription } of simulation.runtime.rowSubscriptions()) {
      simulation.dataverse.subscribe(subscription, async (change) => {
        if (!simulation.runtime.isOn(flowId)) {
          simulation.missedRowChanges.push({
            at: simulation.clock.now().toISOString(),
            flowName: simulation.flowById(flowId).name,
            entity: change.entity,
            message: change.message,
          });
          return;
        }
        await simulation.track(simulation.runtime.runRowTrigger(flowId, change));
      });
    }
    const receiver = simulation.flows.find((flow) => triggerKind(flow) === 'Http');
    if (receiver) simulation.endpoint = await simulation.runtime.startHttpEndpoint(receiver.id);
    return simulation;
  }

  /** The URL Partner Center's webhook must call (the HTTP-triggered flow's endpoint). */
  get webhookUrl(): string {
    if (!this.endpoint) throw new Error('the package has no HTTP-triggered flow');
    return this.endpoint.url;
  }

  flow(name: string): PackagedFlow {
    const flow = this.flows.find((candidate) => candidate.name === name);
    if (!flow) throw new Error(`the package has no flow named "${name}"; its flows: ${this.flows.map((f) => `"${f.name}"`).join(', ')}`);
    return flow;
  }

  /**
   * Turns a flow off, as a maker or admin would, for `forMs` of virtual time (then it is turned on again when time gets
   * there) or until turnOn. While it is off: runs in progress finish; Partner Center's webhook calls to it are answered
   * 400 (Partner Center redelivers); a child-flow call to it fails; its row trigger misses changes for good
   * (`missedRowChanges`); runScheduled skips it. Contract and sources: sim/runtime/README.md, "Turned off".
   */
  turnOff(name: string, options: { forMs?: number } = {}): void {
    const { id } = this.flow(name);
    this.runtime.turnOff(id);
    const period = (this.offPeriods.get(id) ?? 0) + 1;
    this.offPeriods.set(id, period);
    if (options.forMs === undefined) return;
    this.clock.schedule(options.forMs, () => {
      if (this.offPeriods.get(id) === period) this.runtime.turnOn(id);
    });
  }

  turnOn(name: string): void {
    this.runtime.turnOn(this.flow(name).id);
  }

  isOn(name: string): boolean {
    return this.runtime.isOn(this.flow(name).id);
  }

  /** A fault: the next `count` runs of the flow fail before their first action (see FlowRuntime.failNextRuns). */
  failNextRuns(name: string, count: number, reason?: string): void {
    this.runtime.failNextRuns(this.flow(name).id, count, reason);
  }

  private flowById(id: string): PackagedFlow {
    const flow = this.flows.find((candidate) => candidate.id === id);
    if (!flow) throw new Error(`the package has no flow with the id "${id}"`);
    return flow;
  }

  /** Runs an instant (manual) flow as a user would, with its trigger inputs. */
  async runManual(name: string, inputs: Record<string, unknown>): Promise<FlowRun> {
    const run = await this.track(this.runtime.runManual(this.flow(name).id, inputs));
    await this.settle();
    return run;
  }

  /** Fires every recurrence-triggered flow that is on once (what a scheduled hour would do; one that is off does not fire). */
  async runScheduled(): Promise<FlowRun[]> {
    const runs: FlowRun[] = [];
    for (const { flowId } of this.runtime.recurrences()) {
      if (this.runtime.isOn(flowId)) runs.push(await this.track(this.runtime.runRecurrence(flowId)));
    }
    await this.settle();
    return runs;
  }

  /**
   * Lets the world come to rest: deliver queued webhooks, wait for triggered flows and the writes they
   * make (which may trigger more), until nothing is left. When all that is left is a webhook delivery due later
   * (Partner Center redelivering an event whose run answered 500), time moves on to it, as it would.
   * A loop that never rests is reported.
   */
  async settle(): Promise<void> {
    // Rest means a full round that finished no new run (a delivery may start one after the waits above).
    let finishedRuns = -1;
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round += 1) {
      await this.partnerCenter.flushDeliveries();
      await this.runtime.idle();
      await this.dataverse.settle();
      if (this.pending.size > 0) await Promise.allSettled([...this.pending]);
      await this.runtime.idle();
      const quiet = this.runtime.history().length === finishedRuns;
      finishedRuns = this.runtime.history().length;
      if (this.pending.size === 0 && this.partnerCenter.pendingDeliveries === 0 && quiet) {
        if (this.failures.length > 0) throw new AggregateError(this.failures.splice(0), 'a triggered flow run crashed the runtime');
        return;
      }
      const redelivery = this.partnerCenter.nextDeliveryAt;
      if (this.pending.size === 0 && quiet && redelivery !== undefined && redelivery > this.clock.now())
        await this.partnerCenter.advance(redelivery.getTime() - this.clock.now().getTime());
    }
    throw new Error(`the flows did not come to rest after ${MAX_SETTLE_ROUNDS} rounds: a trigger loop?`);
  }

  runs(): FlowRun[] {
    return this.runtime.history();
  }

  async stop(): Promise<void> {
    await this.endpoint?.close();
    await this.dataverse.stop();
    await this.partnerCenter.stop();
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    const tracked = promise.catch((error: unknown) => {
      this.failures.push(error);
      throw error;
    });
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked)).catch(() => undefined);
    return tracked;
  }
}

/**
 * Routes the flows' connector calls to the emulators (over HTTP), after the virtual round-trip time, and
 * records each call; an api no emulator serves answers 404.
 */
function connectorRouter(
  clock: VirtualClock,
  dataverse: DataverseEmulator,
  partnerCenter: PartnerCenterEmulator,
  calls: ConnectorCall[],
  dropped: string[],
): ConnectorRouter {
  const onUndeclaredParameter = (apiName: string, operationId: string, key: string): void => {
    const entry = `${apiName} ${operationId} ${key}`;
    if (!dropped.includes(entry)) dropped.push(entry);
  };
  const toDataverse = dataverseConnector(dataverse, { onUndeclaredParameter });
  const toPartnerCenter = partnerCenterConnector(partnerCenter, { onUndeclaredParameter });
  return {
    call: async (request) => {
      const isDataverse = request.apiName === DATAVERSE_API;
      if (!isDataverse && !PARTNER_CENTER_APIS.includes(request.apiName)) {
        return {
          statusCode: 404,
          headers: {},
          body: { error: { code: 'ConnectorNotFound', message: `no emulator serves ${request.apiName}` } },
        };
      }
      const api = isDataverse ? 'Dataverse' : 'Partner Center';
      const at = clock.now().toISOString();
      await clock.sleep(CONNECTOR_LATENCY_MS[api]);
      const response = await (isDataverse ? toDataverse(request) : toPartnerCenter(request));
      calls.push({ at, api, operationId: request.operationId, statusCode: response.statusCode });
      return response;
    },
  };
}

function triggerKind(flow: PackagedFlow): string | undefined {
  const triggers =
    (flow.document as { properties?: { definition?: { triggers?: Record<string, { type?: string; kind?: string }> } } }).properties
      ?.definition?.triggers ?? {};
  const trigger = Object.values(triggers)[0];
  return trigger?.type === 'Request' ? trigger.kind : trigger?.type;
}
