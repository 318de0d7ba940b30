import { componentId } from '../../solution/ids.js';
import type { CloudFlow, ConnectionReference, EnvironmentVariable } from '../../solution/model.js';
import { Expr, parameters } from './expr.js';
import {
  WORKFLOW_SCHEMA,
  type ActionDefinition,
  type ConnectionReferenceUse,
  type FlowDocument,
  type Json,
  type ParameterDefinition,
  type RunAfter,
  type RunStatus,
  type TriggerDefinition,
} from './types.js';

/** Where an action sits in its container: after the previous one (default), first, or after named siblings. */
type Placement = { after?: undefined; first?: undefined } | { first: true } | { after: Record<string, RunStatus[]> | string[] };

const SUCCEEDED: RunStatus[] = ['Succeeded'];
export const FAILED_OR_TIMED_OUT: RunStatus[] = ['Failed', 'TimedOut'];
const MAX_NAME_LENGTH = 80;

/**
 * A list of actions (the top level, a scope, a branch or a loop body). Each added action runs after
 * the previous one unless told otherwise, so a flow module reads top to bottom like the designer.
 */
export class Container {
  readonly actions: Record<string, ActionDefinition> = {};
  private last: string | undefined;

  constructor(private readonly flow: FlowBuilder) {}

  /** Adds an action and returns its name (for `body(name)` and friends). */
  add(name: string, action: ActionDefinition, placement: Placement = {}): string {
    this.flow.claimName(name);
    const runAfter: RunAfter =
      'first' in placement && placement.first
        ? {}
        : placement.after !== undefined
          ? Array.isArray(placement.after)
            ? Object.fromEntries(placement.after.map((sibling) => [sibling, SUCCEEDED]))
            : placement.after
          : this.last
            ? { [this.last]: SUCCEEDED }
            : {};
    for (const sibling of Object.keys(runAfter)) {
      if (!(sibling in this.actions)) throw new Error(`action ${name} runs after ${sibling}, which is not an earlier sibling`);
    }
    const { type, description, ...rest } = action;
    this.actions[name] = {
      type,
      ...(description ? { description } : {}),
      runAfter,
      metadata: { operationMetadataId: this.flow.metadataId(name) },
      ...rest,
    };
    this.last = name;
    return name;
  }

  /** A Scope (try/catch blocks, readable grouping in the designer). */
  scope(name: string, description: string, build: (body: Container) => void, placement: Placement = {}): string {
    const body = new Container(this.flow);
    build(body);
    return this.add(name, { type: 'Scope', description, actions: body.actions }, placement);
  }

  /** An If: `expression` is a boolean expression; `otherwise` fills the else branch. */
  condition(
    name: string,
    description: string,
    expression: Expr,
    then: (body: Container) => void,
    otherwise?: (body: Container) => void,
    placement: Placement = {},
  ): string {
    const yes = new Container(this.flow);
    then(yes);
    const no = new Container(this.flow);
    otherwise?.(no);
    return this.add(
      name,
      {
        type: 'If',
        description,
        expression: expression.at,
        actions: yes.actions,
        else: { actions: no.actions },
      },
      placement,
    );
  }

  /** A Foreach over `items`; sequential by default, because the sync writes shared rows. */
  foreach(
    name: string,
    description: string,
    items: Expr,
    build: (body: Container) => void,
    options: { concurrency?: number } = {},
    placement: Placement = {},
  ): string {
    const body = new Container(this.flow);
    build(body);
    return this.add(
      name,
      {
        type: 'Foreach',
        description,
        foreach: items.at,
        actions: body.actions,
        runtimeConfiguration: { concurrency: { repetitions: options.concurrency ?? 1 } },
      },
      placement,
    );
  }

  /** An Until loop: repeats `build` until `expression` is true, at most `count` times. */
  until(
    name: string,
    description: string,
    expression: Expr,
    limit: { count: number; timeout: string },
    build: (body: Container) => void,
    placement: Placement = {},
  ): string {
    const body = new Container(this.flow);
    build(body);
    return this.add(name, { type: 'Until', description, expression: expression.at, limit, actions: body.actions }, placement);
  }

  /** A Switch on `on`: one case per value, plus a default. */
  switchOn(
    name: string,
    description: string,
    on: Expr,
    cases: ReadonlyArray<{ name: string; value: Json; build: (body: Container) => void }>,
    otherwise: (body: Container) => void,
    placement: Placement = {},
  ): string {
    const built: Record<string, unknown> = {};
    for (const entry of cases) {
      const body = new Container(this.flow);
      entry.build(body);
      built[entry.name] = { case: entry.value, actions: body.actions };
    }
    const fallback = new Container(this.flow);
    otherwise(fallback);
    return this.add(
      name,
      { type: 'Switch', description, expression: on.at, cases: built, default: { actions: fallback.actions } },
      placement,
    );
  }
}

interface FlowIdentity {
  /** Stable key the workflow id derives from (never shown). */
  key: string;
  /** Display name, as Microsoft's connector names its flows. */
  name: string;
  description: string;
}

/**
 * Builds one flow document: its connection references, env-var parameters, trigger and actions,
 * with ids derived from stable names (workflow id and each action's operationMetadataId).
 */
export class FlowBuilder {
  readonly id: string;
  readonly actions: Container;
  private readonly names = new Set<string>();
  private readonly connections: Record<string, ConnectionReferenceUse> = {};
  private readonly parameterDefinitions: Record<string, ParameterDefinition> = {
    $connections: { defaultValue: {}, type: 'Object' },
    $authentication: { defaultValue: {}, type: 'SecureObject' },
  };
  private readonly triggerDefinitions: Record<string, TriggerDefinition> = {};

  constructor(readonly identity: FlowIdentity) {
    this.id = componentId('workflow', identity.key);
    this.actions = new Container(this);
  }

  claimName(name: string): void {
    if (this.names.has(name)) throw new Error(`flow ${this.identity.name}: two actions are named ${name}`);
    if (name.length > MAX_NAME_LENGTH || /\s/.test(name))
      throw new Error(`flow ${this.identity.name}: action name "${name}" must be ≤ ${MAX_NAME_LENGTH} characters without spaces`);
    this.names.add(name);
  }

  metadataId(actionName: string): string {
    return componentId('operation', `${this.identity.key}:${actionName}`);
  }

  /**
   * Declares a connection reference the flow uses and returns its local connection name. Embedded:
   * the flow runs on the solution's own connections (what makes child flows turn on, per Microsoft's
   * troubleshooting page).
   */
  connection(reference: ConnectionReference): string {
    this.connections[reference.apiName] = {
      runtimeSource: 'embedded',
      connection: { connectionReferenceLogicalName: reference.logicalName },
      api: { name: reference.apiName },
    };
    return reference.apiName;
  }

  /** Declares an environment variable parameter (`"<Display name> (<schema name>)"`) and returns its expression. */
  environmentVariable(variable: EnvironmentVariable): Expr {
    const name = `${variable.label[1033]} (${variable.schemaName})`;
    const type =
      variable.type === 'Boolean' ? 'Bool' : variable.type === 'Number' ? 'Float' : variable.type === 'JSON' ? 'Object' : 'String';
    this.parameterDefinitions[name] = {
      defaultValue: variable.defaultValue,
      type,
      metadata: { schemaName: variable.schemaName, description: variable.description[1033] },
    };
    return parameters(name);
  }

  trigger(name: string, definition: TriggerDefinition): string {
    if (Object.keys(this.triggerDefinitions).length > 0) throw new Error(`flow ${this.identity.name} has more than one trigger`);
    this.claimName(name);
    this.triggerDefinitions[name] = { ...definition, metadata: { operationMetadataId: this.metadataId(name) } };
    return name;
  }

  /** The flow as the solution model carries it. */
  toCloudFlow(): CloudFlow {
    return { id: this.id, name: this.identity.name, description: this.identity.description, document: this.build() };
  }

  build(): FlowDocument {
    if (Object.keys(this.triggerDefinitions).length !== 1) throw new Error(`flow ${this.identity.name} needs exactly one trigger`);
    return {
      properties: {
        connectionReferences: this.connections,
        definition: {
          $schema: WORKFLOW_SCHEMA,
          contentVersion: '1.0.0.0',
          parameters: this.parameterDefinitions,
          triggers: this.triggerDefinitions,
          actions: this.actions.actions,
          outputs: {},
        },
        templateName: null,
      },
      schemaVersion: '1.0.0.0',
    };
  }
}
