/**
 * What an action executor sees of the run it belongs to. Executors fill in the action's Step (inputs,
 * outputs, error, code) and return its Outcome; they throw TemplateError/ActionError to fail the action.
 */
import type { Clock, ConnectorRouter, FlowRun } from '../../contracts.js';
import type { EvaluationHost, Value } from '../functions/support.js';
import type { ActionDefinition, Actions, Outcome, RegisteredFlow, RunStart, Step } from '../model.js';
import type { RunState } from '../run-state.js';

export interface RunContext {
  readonly flow: RegisteredFlow;
  readonly clock: Clock;
  readonly connectors: ConnectorRouter;
  readonly state: RunState;
  readonly host: EvaluationHost;
  readonly start: RunStart;
  evaluate(value: unknown): Value;
  /** Runs the actions of a container by runAfter (a branch, a loop body). */
  runContainer(actions: Actions | undefined, parentPath: string, iteration: number | undefined): Promise<Outcome>;
  /** Another registered flow, for a child-flow call. */
  flowById(id: string): RegisteredFlow | undefined;
  /** Runs a child flow to its end. */
  runFlow(flow: RegisteredFlow, start: RunStart): Promise<FlowRun>;
}

/** The action being executed. */
export interface ActionCall {
  readonly name: string;
  readonly definition: ActionDefinition;
  readonly path: string;
  readonly iteration: number | undefined;
  readonly step: Step;
}

export type Executor = (run: RunContext, action: ActionCall) => Promise<Outcome> | Outcome;
