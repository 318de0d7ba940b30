/**
 * What the flow runtime works with: a registered flow (its definition indexed by action name), what starts
 * a run, and what an action or a container ends with.
 */
import type { ActionRun, Clock, ConnectorRouter, FlowRun } from '../contracts.js';
import { isObject, type JsonObject, type Value } from './functions/support.js';

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

export type Actions = Record<string, ActionDefinition>;

export interface ActionDefinition {
  type?: unknown;
  kind?: unknown;
  runAfter?: Record<string, unknown>;
  inputs?: unknown;
  actions?: Actions;
  else?: { actions?: Actions };
  cases?: Record<string, { case?: unknown; actions?: Actions }>;
  default?: { actions?: Actions };
  expression?: unknown;
  foreach?: unknown;
  limit?: { count?: unknown; timeout?: unknown };
  recurrence?: { frequency?: unknown; interval?: unknown };
}

export interface IndexedAction {
  readonly definition: ActionDefinition;
  readonly type: string;
  /** Container path without iterations, e.g. `Try/If_valid/Create_referral`. */
  readonly path: string;
  /** Every action nested inside this one (loops clear their results per iteration). */
  readonly nested: string[];
}

export interface RegisteredFlow {
  readonly id: string;
  readonly name: string;
  readonly document: unknown;
  readonly definition: JsonObject & { actions: Actions };
  readonly connectionReferences: Record<string, { api?: { name?: string }; connection?: { connectionReferenceLogicalName?: string } }>;
  readonly triggerName: string;
  readonly trigger: ActionDefinition;
  readonly index: ReadonlyMap<string, IndexedAction>;
}

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Value;
}

/** What starts a run: the trigger's outputs (and, for HTTP endpoints, who hears the Response). */
export interface RunStart {
  readonly outputs: JsonObject;
  readonly onResponse?: (response: HttpAnswer) => void;
  readonly depth?: number;
}

export type Status = ActionRun['status'];
export type RunError = { code: string; message: string };

export interface Outcome {
  readonly status: Status;
  /** The innermost unhandled failure, for the run's error. */
  readonly cause?: { readonly path: string; readonly error: RunError };
}

/** Why the run stopped early: Terminate, or a simulator gap that must not be papered over. */
export interface Stop {
  readonly status: FlowRun['status'];
  readonly error?: RunError;
}

/** What an action produced, filled in by its executor. */
export interface Step {
  inputs: Value;
  outputs: Value;
  error?: RunError;
  code?: string;
}

export const SUCCEEDED: Outcome = { status: 'Succeeded' };
export const CONTAINER_FAILED: RunError = { code: 'ActionFailed', message: 'An action failed. No dependent actions succeeded.' };

const STATUSES: readonly Status[] = ['Succeeded', 'Failed', 'Skipped', 'TimedOut', 'Cancelled'];

export const lower = (value: unknown): string => (typeof value === 'string' ? value.toLowerCase() : '');

export const isFailure = (status: Status | undefined): boolean => status === 'Failed' || status === 'TimedOut';

/** The statuses a runAfter entry accepts (Succeeded when it lists none it knows). */
export function allowedStatuses(statuses: unknown): Status[] {
  const list = Array.isArray(statuses)
    ? statuses
        .map((value) => STATUSES.find((status) => status.toLowerCase() === lower(value)))
        .filter((status): status is Status => status !== undefined)
    : [];
  return list.length ? list : ['Succeeded'];
}

/** The containers nested directly in an action (branches and loop bodies), in definition order. */
export function childContainers(definition: ActionDefinition): Actions[] {
  const containers: Array<Actions | undefined> = [definition.actions, definition.else?.actions];
  for (const branch of Object.values(definition.cases ?? {})) containers.push(branch?.actions);
  containers.push(definition.default?.actions);
  return containers.filter((container): container is Actions => isObject(container));
}
