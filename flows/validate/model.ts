import { jsonPath, ROOT_PATH } from './json-path.js';
import { isObject, lower, objectAt, type JsonObject } from './types.js';

/**
 * A flow definition read into a tree of containers and actions, tolerant of any shape: what is not an
 * object is simply absent here (the structure rules report it). Every rule works on this model.
 */

/** One list of actions: the top level, a Scope/loop body, a branch of an If or a case of a Switch. */
export interface Container {
  /** The action that holds it; undefined for the top level. */
  readonly owner: ActionNode | undefined;
  /** `actions`, `else`, `default` or `case <name>`: which list of the owner this is. */
  readonly branch: string;
  /** JSON path of the `actions` object. */
  readonly path: string;
  readonly actions: readonly ActionNode[];
  /** Its actions by lowercased name (runAfter names siblings case-insensitively). */
  readonly byName: ReadonlyMap<string, ActionNode>;
}

export interface ActionNode {
  readonly name: string;
  /** JSON path of the action object. */
  readonly path: string;
  /** The action object; undefined when the value is not an object. */
  readonly json: JsonObject | undefined;
  /** `type` lowercased (types are case-insensitive); undefined when absent. */
  readonly type: string | undefined;
  readonly container: Container;
  /** Enclosing actions from the top level down, then this action. */
  readonly lineage: readonly ActionNode[];
  readonly containers: readonly Container[];
}

export interface TriggerNode {
  readonly name: string;
  readonly path: string;
  readonly json: JsonObject | undefined;
  readonly type: string | undefined;
}

export interface FlowModel {
  readonly document: JsonObject;
  readonly definition: JsonObject;
  readonly definitionPath: string;
  readonly triggers: readonly TriggerNode[];
  readonly root: Container;
  /** Every action, depth first in document order. */
  readonly actions: readonly ActionNode[];
  /** First action of each lowercased name, anywhere in the definition. */
  readonly byName: ReadonlyMap<string, ActionNode>;
  /** `properties.connectionReferences` (empty when absent). */
  readonly connectionReferences: JsonObject;
}

export const DEFINITION_PATH = jsonPath(ROOT_PATH, 'properties', 'definition');

/** The model of a flow document, or undefined when it has no `properties.definition` object. */
export function readFlowModel(document: unknown): FlowModel | undefined {
  const definition = objectAt(document, ['properties', 'definition']);
  if (!isObject(document) || !definition) return undefined;
  const actions: ActionNode[] = [];
  const root = readContainer(definition.actions, undefined, 'actions', jsonPath(DEFINITION_PATH, 'actions'), actions);
  const byName = new Map<string, ActionNode>();
  for (const action of actions) if (!byName.has(lower(action.name))) byName.set(lower(action.name), action);
  return {
    document,
    definition,
    definitionPath: DEFINITION_PATH,
    triggers: Object.entries(objectAt(definition, ['triggers']) ?? {}).map(([name, json]) => ({
      name,
      path: jsonPath(DEFINITION_PATH, 'triggers', name),
      json: isObject(json) ? json : undefined,
      type: typeOf(json),
    })),
    root,
    actions,
    byName,
    connectionReferences: objectAt(document, ['properties', 'connectionReferences']) ?? {},
  };
}

const typeOf = (json: unknown): string | undefined => {
  const type = isObject(json) ? json.type : undefined;
  return typeof type === 'string' ? lower(type) : undefined;
};

/** Builds a container and, depth first, its actions and their own containers; `all` collects every action. */
function readContainer(value: unknown, owner: ActionNode | undefined, branch: string, path: string, all: ActionNode[]): Container {
  const members: ActionNode[] = [];
  const byName = new Map<string, ActionNode>();
  const container: Container = { owner, branch, path, actions: members, byName };
  for (const [name, json] of Object.entries(isObject(value) ? value : {})) {
    const containers: Container[] = [];
    const lineage: ActionNode[] = [...(owner?.lineage ?? [])];
    const node: ActionNode = {
      name,
      path: jsonPath(path, name),
      json: isObject(json) ? json : undefined,
      type: typeOf(json),
      container,
      lineage,
      containers,
    };
    lineage.push(node);
    members.push(node);
    if (!byName.has(lower(name))) byName.set(lower(name), node);
    all.push(node);
    for (const child of childContainers(node)) containers.push(readContainer(child.value, node, child.branch, child.path, all));
  }
  return container;
}

interface ChildList {
  branch: string;
  path: string;
  value: unknown;
}

/**
 * The action lists inside an action, found by shape rather than by type so that a mistyped container
 * still has its actions checked: `actions`, `else.actions`, `cases.<case>.actions`, `default.actions`.
 */
function childContainers(node: ActionNode): ChildList[] {
  const json = node.json;
  if (!json) return [];
  const lists: ChildList[] = [];
  if (isObject(json.actions)) lists.push({ branch: 'actions', path: jsonPath(node.path, 'actions'), value: json.actions });
  const elseActions = objectAt(json, ['else', 'actions']);
  if (elseActions) lists.push({ branch: 'else', path: jsonPath(node.path, 'else', 'actions'), value: elseActions });
  for (const [caseName, switchCase] of Object.entries(objectAt(json, ['cases']) ?? {})) {
    const caseActions = objectAt(switchCase, ['actions']);
    if (caseActions)
      lists.push({ branch: `case ${caseName}`, path: jsonPath(node.path, 'cases', caseName, 'actions'), value: caseActions });
  }
  const defaultActions = objectAt(json, ['default', 'actions']);
  if (defaultActions) lists.push({ branch: 'default', path: jsonPath(node.path, 'default', 'actions'), value: defaultActions });
  return lists;
}

/** `Try/Get_row`: the action with its enclosing actions, for messages. */
export const actionLabel = (node: ActionNode): string => node.lineage.map((step) => step.name).join('/');

/** The action's enclosing actions, innermost last (without the action itself). */
export const enclosingActions = (node: ActionNode): readonly ActionNode[] => node.lineage.slice(0, -1);
