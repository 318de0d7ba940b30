import { jsonPath } from './json-path.js';
import { actionLabel, type ActionNode, type Container, type FlowModel } from './model.js';
import { runAfterSiblings } from './ordering.js';
import type { RuleInput } from './rule.js';
import { isObject, lower, ruleFinding, type RuleFinding } from './types.js';

/** Rule family 2, runAfter (flows-and-pcf §3.4): siblings only, known statuses, no self reference, no cycle. */

const RUN_STATUSES = ['Succeeded', 'Failed', 'Skipped', 'TimedOut'];
const STATUS_BY_LOWER: ReadonlyMap<string, string> = new Map(RUN_STATUSES.map((status) => [lower(status), status]));

export function checkRunAfter({ model }: RuleInput): RuleFinding[] {
  const containers = [model.root, ...model.actions.flatMap((action) => action.containers)];
  return [...model.actions.flatMap((action) => checkEntries(action, model)), ...containers.flatMap(checkCycles)];
}

function checkEntries(action: ActionNode, model: FlowModel): RuleFinding[] {
  const runAfter = action.json?.runAfter;
  if (runAfter === undefined) return [];
  const path = jsonPath(action.path, 'runAfter');
  const label = `action ${actionLabel(action)}`;
  if (!isObject(runAfter)) {
    return [
      ruleFinding(
        'runafter-invalid',
        path,
        `${label} has a runAfter that is not an object`,
        'write runAfter as { "<sibling>": ["Succeeded"] }, or {} to run first',
      ),
    ];
  }
  return Object.entries(runAfter).flatMap(([name, statuses]) => [
    ...checkTarget(action, name, path, label, model),
    ...checkStatuses(statuses, jsonPath(path, name), label, name),
  ]);
}

function checkTarget(action: ActionNode, name: string, path: string, label: string, model: FlowModel): RuleFinding[] {
  if (lower(name) === lower(action.name)) {
    return [ruleFinding('runafter-self', jsonPath(path, name), `${label} runs after itself`, `remove "${name}" from its runAfter`)];
  }
  if (action.container.byName.has(lower(name))) return [];
  const elsewhere = model.byName.get(lower(name));
  const where = containerLabel(action.container);
  const problem = elsewhere
    ? `${label} runs after ${name}, which is not in the same container (it is action ${actionLabel(elsewhere)}; ${label} is in ${where}); runAfter can only name siblings`
    : `${label} runs after ${name}, but there is no action ${name} in ${where}`;
  return [
    ruleFinding('runafter-target', jsonPath(path, name), problem, `name a sibling in ${where}, or runAfter the enclosing scope instead`),
  ];
}

function checkStatuses(statuses: unknown, path: string, label: string, name: string): RuleFinding[] {
  if (!Array.isArray(statuses)) {
    return [
      ruleFinding(
        'runafter-status',
        path,
        `${label}: runAfter ${name} must be an array of statuses`,
        `write ["Succeeded"] (or any of ${RUN_STATUSES.join(', ')})`,
      ),
    ];
  }
  return statuses.flatMap((status, index) =>
    typeof status === 'string' && STATUS_BY_LOWER.has(lower(status))
      ? []
      : [
          ruleFinding(
            'runafter-status',
            jsonPath(path, index),
            `${label}: runAfter ${name} has the status ${JSON.stringify(status)}; allowed: ${RUN_STATUSES.join(', ')}`,
            `use one of ${RUN_STATUSES.join(', ')}`,
          ),
        ],
  );
}

const containerLabel = (container: Container): string =>
  container.owner
    ? `${container.branch === 'actions' ? '' : `the ${container.branch} branch of `}${actionLabel(container.owner)}`
    : 'the top level';

/** One finding per group of siblings that wait for each other (a strongly connected component of runAfter). */
function checkCycles(container: Container): RuleFinding[] {
  return stronglyConnected(container.actions)
    .filter((group) => group.length > 1)
    .map((group) => {
      const first = group[0]!;
      const names = group.map((action) => action.name).join(', ');
      return ruleFinding(
        'runafter-cycle',
        jsonPath(first.path, 'runAfter'),
        `the runAfter of ${names} in ${containerLabel(container)} form a cycle: none of them can ever start`,
        'remove one runAfter entry of the cycle so that one of them runs first',
      );
    });
}

/** Tarjan's algorithm over runAfter edges; each group in document order. */
function stronglyConnected(actions: readonly ActionNode[]): ActionNode[][] {
  const order = new Map(actions.map((action, index) => [action, index]));
  const index = new Map<ActionNode, number>();
  const low = new Map<ActionNode, number>();
  const stack: ActionNode[] = [];
  const onStack = new Set<ActionNode>();
  const groups: ActionNode[][] = [];
  const visit = (action: ActionNode): void => {
    index.set(action, index.size);
    low.set(action, index.get(action)!);
    stack.push(action);
    onStack.add(action);
    for (const next of runAfterSiblings(action)) {
      if (!index.has(next)) {
        visit(next);
        low.set(action, Math.min(low.get(action)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(action, Math.min(low.get(action)!, index.get(next)!));
      }
    }
    if (low.get(action) !== index.get(action)) return;
    const group: ActionNode[] = [];
    let member: ActionNode;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== action);
    groups.push(group.sort((a, b) => order.get(a)! - order.get(b)!));
  };
  for (const action of actions) if (!index.has(action)) visit(action);
  return groups.sort((a, b) => order.get(a[0]!)! - order.get(b[0]!)!);
}
