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
 *
 * The pieces: definition.ts reads a flow document, execution.ts runs one run, actions/ holds one executor
 * per action type, run-state.ts what a run remembers, http-endpoint.ts serves a Request trigger.
 */
import type { FlowRun, RowChange, RowSubscription } from '../contracts.js';
import { display } from '../display.js';
import { parametersOf, registeredFlow, rowSubscriptionOf } from './definition.js';
import { FlowOffError, TriggerThrottledError } from './errors.js';
import { Execution } from './execution.js';
import { startHttpEndpoint, type HttpEndpoint } from './http-endpoint.js';
import { lower, type FlowRegistration, type FlowRuntimeOptions, type RegisteredFlow, type RunStart } from './model.js';
import { RunGate, triggerConcurrency } from './trigger-concurrency.js';

export type { HttpEndpoint } from './http-endpoint.js';

const SDK_MESSAGES: Record<RowChange['message'], string> = { 1: 'Create', 2: 'Delete', 3: 'Update' };

export class FlowRuntime {
  private readonly flows = new Map<string, RegisteredFlow>();
  private readonly finished: FlowRun[] = [];
  private readonly active = new Set<Promise<unknown>>();
  /** Flows whose trigger limits concurrent runs (runtimeConfiguration.concurrency.runs). */
  private readonly gates = new Map<string, RunGate>();
  /** Flows turned off: their triggers start no run (see turnOff). */
  private readonly off = new Set<string>();
  /** Runs left to fail, by flow id (failNextRuns). */
  private readonly failing = new Map<string, { count: number; reason: string }>();
  private runCounter = 0;

  constructor(private readonly options: FlowRuntimeOptions) {}

  /** Registers a flow (a CloudFlow's `Workflows/*.json` document); throws a DefinitionError when it cannot run. */
  register(flow: FlowRegistration): void {
    const registered = registeredFlow(flow);
    const limit = triggerConcurrency(registered.name, registered.trigger);
    this.flows.set(flow.id, registered);
    if (limit) this.gates.set(flow.id, new RunGate(limit));
    else this.gates.delete(flow.id);
  }

  /**
   * Turns a flow off, as "Turn off" in Power Automate does: runs in progress or waiting for a slot go on to their
   * end; a trigger call starts no run (FlowOffError; the HTTP endpoint answers 400); a child-flow call to it fails the
   * caller's action. Row changes and recurrences are the caller's to withhold (see Simulation). README "Turned off".
   */
  turnOff(flowId: string): void {
    this.registered(flowId, 'turnOff');
    this.off.add(flowId);
  }

  turnOn(flowId: string): void {
    this.registered(flowId, 'turnOn');
    this.off.delete(flowId);
  }

  isOn(flowId: string): boolean {
    this.registered(flowId, 'isOn');
    return !this.off.has(flowId);
  }

  /**
   * A fault: the next `count` runs of the flow (a child flow's included) fail at once, with no action run, as a run
   * broken by a maker's change or a platform error would; its caller sees a failed child (actions/calls.ts).
   */
  failNextRuns(flowId: string, count: number, reason = "a maker's change to the flow fails"): void {
    this.registered(flowId, 'failNextRuns');
    if (!Number.isInteger(count) || count < 0) throw new Error(`failNextRuns: count must be a whole number ≥ 0, not ${count}`);
    if (count === 0) this.failing.delete(flowId);
    else this.failing.set(flowId, { count, reason });
  }

  /** Runs of a flow in progress and waiting for a slot, when its trigger limits concurrency. */
  triggerLoad(flowId: string): { running: number; waiting: number } | undefined {
    return this.gates.get(flowId)?.load;
  }

  /** The Dataverse row triggers (SubscribeWebhookTrigger) of the registered flows, parameters evaluated. */
  rowSubscriptions(): Array<{ flowId: string; subscription: RowSubscription }> {
    return [...this.flows.values()].flatMap((flow) => {
      const subscription = rowSubscriptionOf(flow, this.options.clock, this.parametersOf(flow));
      return subscription ? [{ flowId: flow.id, subscription }] : [];
    });
  }

  /** The Recurrence triggers of the registered flows. */
  recurrences(): Array<{ flowId: string; frequency: string; interval: number }> {
    return [...this.flows.values()]
      .filter((flow) => lower(flow.trigger.type) === 'recurrence')
      .map((flow) => ({
        flowId: flow.id,
        frequency: display(flow.trigger.recurrence?.frequency ?? ''),
        interval: Number(flow.trigger.recurrence?.interval ?? 1),
      }));
  }

  /** Runs a flow with a manual (Button / PowerApp / child-flow) trigger. */
  runManual(flowId: string, body: unknown): Promise<FlowRun> {
    const flow = this.flowWithTrigger(flowId, 'request', 'runManual');
    return this.start(flow, { outputs: { headers: { 'Content-Type': 'application/json' }, body: structuredClone(body ?? null) } });
  }

  /** Runs a flow with a Request trigger as an HTTP call would. */
  runHttp(flowId: string, request: { headers: Record<string, string>; body: unknown }): Promise<FlowRun> {
    const flow = this.flowWithTrigger(flowId, 'request', 'runHttp');
    return this.start(flow, { outputs: { headers: { ...request.headers }, body: structuredClone(request.body ?? null) } });
  }

  /** Runs a flow with a Dataverse row trigger: `body` is the row plus `SdkMessage` (Create/Update/Delete). */
  runRowTrigger(flowId: string, change: RowChange): Promise<FlowRun> {
    const flow = this.flowWithTrigger(flowId, 'openapiconnectionwebhook', 'runRowTrigger');
    const sdkMessage = SDK_MESSAGES[change.message] ?? 'Update';
    const headers = {
      'Content-Type': 'application/json',
      'x-ms-dynamics-entity-name': change.entity,
      'x-ms-dynamics-request-name': sdkMessage,
    };
    return this.start(flow, { outputs: { headers, body: { ...structuredClone(change.row), SdkMessage: sdkMessage } } });
  }

  /** Runs a flow with a Recurrence trigger (one occurrence). */
  runRecurrence(flowId: string): Promise<FlowRun> {
    const flow = this.flowWithTrigger(flowId, 'recurrence', 'runRecurrence');
    return this.start(flow, { outputs: { headers: {} } });
  }

  /** Every finished run, in the order they ended (child runs included). */
  history(): FlowRun[] {
    return [...this.finished];
  }

  /** Serves a flow's Request trigger on 127.0.0.1 (see http-endpoint.ts). */
  startHttpEndpoint(flowId: string): Promise<HttpEndpoint> {
    const flow = this.flowWithTrigger(flowId, 'request', 'startHttpEndpoint');
    return startHttpEndpoint(flow, (start) => this.start(flow, start), this.options.clock);
  }

  /** Resolves once no run is in progress (runs started by HTTP calls included). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }

  private registered(flowId: string, caller: string): RegisteredFlow {
    const flow = this.flows.get(flowId);
    if (!flow) throw new Error(`${caller}: no registered flow has the id '${flowId}'`);
    return flow;
  }

  private flowWithTrigger(flowId: string, triggerType: string, caller: string): RegisteredFlow {
    const flow = this.registered(flowId, caller);
    if (lower(flow.trigger.type) !== triggerType) {
      throw new Error(`${caller}: the flow '${flow.name}' has a ${display(flow.trigger.type)} trigger, not ${triggerType}`);
    }
    return flow;
  }

  private parametersOf(flow: RegisteredFlow) {
    return parametersOf(flow, this.options.environmentVariables ?? {});
  }

  /**
   * A triggered run: waits for a slot when the trigger limits concurrency (a waiting run is not an actor of the
   * clock: it waits for another run, not for time), then runs. Throws TriggerThrottledError when the queue is full,
   * FlowOffError when the flow is off.
   */
  private async start(flow: RegisteredFlow, start: RunStart): Promise<FlowRun> {
    if (this.off.has(flow.id)) throw new FlowOffError(flow.id, flow.triggerName);
    const gate = this.gates.get(flow.id);
    if (!gate) return this.execute(flow, start);
    const queued = gate.enter();
    this.active.add(queued);
    let leave: (() => void) | undefined;
    try {
      leave = await queued;
    } finally {
      this.active.delete(queued);
    }
    if (!leave) throw new TriggerThrottledError(flow.name);
    try {
      return await this.execute(flow, start);
    } finally {
      leave();
    }
  }

  /** Runs `flow` as one actor of the clock (a child flow joins its parent's). */
  private async execute(flow: RegisteredFlow, start: RunStart): Promise<FlowRun> {
    this.runCounter += 1;
    const runId = `08585${String(this.runCounter).padStart(14, '0')}CU00`;
    const directory = {
      flowById: (id: string) => this.flows.get(id),
      execute: (child: RegisteredFlow, childStart: RunStart) => {
        if (this.off.has(child.id)) throw new FlowOffError(child.id, child.triggerName);
        return this.execute(child, childStart);
      },
    };
    const failure = this.takeFailure(flow.id);
    if (failure) return this.failedRun(flow, runId, start, failure);
    const clock = this.options.clock;
    const work = () => new Execution(directory, this.options, flow, runId, start, this.parametersOf(flow)).run();
    const running = clock.track ? clock.track(work) : work();
    this.active.add(running);
    try {
      const run = await running;
      this.finished.push(run);
      return run;
    } finally {
      this.active.delete(running);
    }
  }

  private takeFailure(flowId: string): string | undefined {
    const failing = this.failing.get(flowId);
    if (!failing) return undefined;
    if (--failing.count === 0) this.failing.delete(flowId);
    return failing.reason;
  }

  /** A run failed by failNextRuns: no action ran; its error says so. */
  private failedRun(flow: RegisteredFlow, runId: string, start: RunStart, reason: string): FlowRun {
    const now = this.options.clock.now().toISOString();
    const run: FlowRun = {
      runId,
      flowId: flow.id,
      flowName: flow.name,
      status: 'Failed',
      startTime: now,
      endTime: now,
      trigger: { name: flow.triggerName, outputs: start.outputs },
      actions: [],
      error: { code: 'ActionFailed', message: `The run failed before its first action (rehearsal fault: ${reason}).` },
    };
    this.finished.push(run);
    return run;
  }
}
