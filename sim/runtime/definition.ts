/**
 * Reading a flow document: its one trigger, its actions indexed by name (names are unique in a flow,
 * runAfter names a sibling, no cycles, variables initialized at the top level), its parameters, and
 * what its trigger subscribes to.
 */
import type { Clock, RowSubscription } from '../contracts.js';
import { DefinitionError } from './errors.js';
import { evaluateJson } from './evaluate.js';
import { isObject, type EvaluationHost, type JsonObject, type Value } from './functions/support.js';
import {
  childContainers,
  lower,
  type ActionDefinition,
  type Actions,
  type FlowRegistration,
  type IndexedAction,
  type RegisteredFlow,
} from './model.js';

/** The flow the runtime can run; throws a DefinitionError when the document cannot run. */
export function registeredFlow(flow: FlowRegistration): RegisteredFlow {
  const document = flow.document;
  const properties = isObject(document) && isObject(document.properties) ? document.properties : undefined;
  const definition = properties && isObject(properties.definition) ? properties.definition : undefined;
  if (!properties || !definition) throw new DefinitionError(`${flow.name}: the document has no properties.definition`);
  const triggers = isObject(definition.triggers) ? Object.entries(definition.triggers) : [];
  if (triggers.length !== 1) throw new DefinitionError(`${flow.name}: a flow has exactly one trigger, this one has ${triggers.length}`);
  if (!isObject(definition.actions)) throw new DefinitionError(`${flow.name}: the definition has no actions object`);
  const [triggerName, trigger] = triggers[0]!;
  return {
    id: flow.id,
    name: flow.name,
    document,
    definition: definition as RegisteredFlow['definition'],
    connectionReferences: (isObject(properties.connectionReferences)
      ? properties.connectionReferences
      : {}) as RegisteredFlow['connectionReferences'],
    triggerName,
    trigger: trigger as ActionDefinition,
    index: indexDefinition(flow.name, definition.actions as Actions),
  };
}

function indexDefinition(flowName: string, actions: Actions): Map<string, IndexedAction> {
  const index = new Map<string, IndexedAction>();
  const visit = (container: Actions, parentPath: string, ancestors: IndexedAction[]): void => {
    for (const [name, action] of Object.entries(container)) {
      if (!isObject(action)) throw new DefinitionError(`${flowName}: action '${name}' is not an object`);
      if (index.has(name))
        throw new DefinitionError(`${flowName}: the action name '${name}' is used twice (action names are unique in a flow)`);
      const entry = indexedAction(flowName, container, name, action, parentPath, ancestors.length > 0);
      index.set(name, entry);
      for (const ancestor of ancestors) ancestor.nested.push(name);
      for (const child of childContainers(action)) visit(child, entry.path, [...ancestors, entry]);
    }
    checkCycles(flowName, container, parentPath);
  };
  visit(actions, '', []);
  return index;
}

function indexedAction(
  flowName: string,
  container: Actions,
  name: string,
  action: ActionDefinition,
  parentPath: string,
  nestedInAction: boolean,
): IndexedAction {
  const path = parentPath ? `${parentPath}/${name}` : name;
  const type = lower(action.type);
  if (type === 'initializevariable' && nestedInAction) {
    throw new DefinitionError(
      `${flowName}: InitializeVariable '${path}' is not at the top level (variables are initialized outside scopes and loops)`,
    );
  }
  for (const predecessor of Object.keys(action.runAfter ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(container, predecessor)) {
      throw new DefinitionError(`${flowName}: '${path}' runs after '${predecessor}', which is not an action of the same container`);
    }
  }
  return { definition: action, type, path, nested: [] };
}

function checkCycles(flowName: string, actions: Actions, parentPath: string): void {
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

/** Parameters of a flow: environment variable values by schema name, else the default values. */
export function parametersOf(flow: RegisteredFlow, environment: Record<string, unknown>): Map<string, Value> {
  const values = new Map<string, Value>();
  const declared = isObject(flow.definition.parameters) ? flow.definition.parameters : {};
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
function staticHost(flow: RegisteredFlow, clock: Clock, parameters: Map<string, Value>): EvaluationHost {
  return {
    now: () => clock.now(),
    parameter: (name) => (parameters.has(name) ? { value: parameters.get(name) } : undefined),
    workflow: () => ({
      id: flow.id,
      name: flow.id,
      type: 'Microsoft.Logic/workflows',
      tags: { flowDisplayName: flow.name, environmentName: 'simulator' },
    }),
  };
}

/** The Dataverse row trigger (SubscribeWebhookTrigger) of a flow, parameters evaluated; undefined for other triggers. */
export function rowSubscriptionOf(flow: RegisteredFlow, clock: Clock, parameters: Map<string, Value>): RowSubscription | undefined {
  const inputs = isObject(flow.trigger.inputs) ? flow.trigger.inputs : {};
  const host = isObject(inputs.host) ? inputs.host : {};
  if (lower(flow.trigger.type) !== 'openapiconnectionwebhook' || host.operationId !== 'SubscribeWebhookTrigger') return undefined;
  const evaluated = evaluateJson(inputs.parameters ?? {}, staticHost(flow, clock, parameters)) as JsonObject;
  const message = Number(evaluated['subscriptionRequest/message']);
  const entity = evaluated['subscriptionRequest/entityname'];
  if (!Number.isInteger(message) || typeof entity !== 'string') {
    throw new DefinitionError(`${flow.name}: the row trigger needs subscriptionRequest/message and subscriptionRequest/entityname`);
  }
  const subscription: RowSubscription = { message, entity };
  const attributes = evaluated['subscriptionRequest/filteringattributes'];
  if (typeof attributes === 'string' && attributes.trim() !== '') {
    subscription.filteringAttributes = attributes
      .split(',')
      .map((attribute) => attribute.trim())
      .filter(Boolean);
  }
  const filter = evaluated['subscriptionRequest/filterexpression'];
  if (typeof filter === 'string' && filter.trim() !== '') subscription.filterExpression = filter;
  return subscription;
}
