import type { ActionNode } from './model.js';
import { isObject, lower } from './types.js';

/**
 * Run order from runAfter. Actions of one container run in the order their runAfter edges give
 * (siblings without a path between them run in parallel); a container finishes only after its actions.
 * So "A has surely run when B runs" is decided at the innermost container holding both: there, B's
 * ancestor (or B) must have A's ancestor (or A) among its transitive runAfter predecessors.
 */

/** Siblings named in the action's runAfter (unknown names and self references left out). */
export function runAfterSiblings(node: ActionNode): ActionNode[] {
  const runAfter = node.json?.runAfter;
  if (!isObject(runAfter)) return [];
  return Object.keys(runAfter)
    .map((name) => node.container.byName.get(lower(name)))
    .filter((sibling): sibling is ActionNode => sibling !== undefined && sibling !== node);
}

const predecessorsCache = new WeakMap<ActionNode, ReadonlySet<ActionNode>>();

/** Every sibling that must finish before the action starts (runAfter, transitively; cycles tolerated). */
function runAfterPredecessors(node: ActionNode): ReadonlySet<ActionNode> {
  const cached = predecessorsCache.get(node);
  if (cached) return cached;
  const found = new Set<ActionNode>();
  const pending = runAfterSiblings(node);
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (found.has(next)) continue;
    found.add(next);
    pending.push(...runAfterSiblings(next));
  }
  found.delete(node);
  predecessorsCache.set(node, found);
  return found;
}

export type Relation =
  /** `referenced` has finished whenever `from` runs. */
  | { readonly kind: 'before' }
  /** Not guaranteed: at their common level, `fromStep` does not run after `referencedStep` (`after`: it runs before it). */
  | { readonly kind: 'after' | 'parallel'; readonly fromStep: ActionNode; readonly referencedStep: ActionNode }
  | { readonly kind: 'self' }
  /** `referenced` contains `from`: it has not finished while `from` runs. */
  | { readonly kind: 'enclosing' }
  /** `from` contains `referenced`. */
  | { readonly kind: 'inside' }
  /** They sit in different branches (or cases) of the same If or Switch `owner`: only one branch runs. */
  | { readonly kind: 'other-branch'; readonly owner: ActionNode; readonly fromBranch: string; readonly referencedBranch: string };

/** How `referenced` relates in run order to `from`, an action that uses its result. */
export function relationOf(referenced: ActionNode, from: ActionNode): Relation {
  const fromLine = from.lineage;
  const referencedLine = referenced.lineage;
  const depth = Math.min(fromLine.length, referencedLine.length);
  let level = 0;
  while (level < depth && fromLine[level] === referencedLine[level]) level += 1;
  if (level === depth) {
    if (fromLine.length === referencedLine.length) return { kind: 'self' };
    return referencedLine.length < fromLine.length ? { kind: 'enclosing' } : { kind: 'inside' };
  }
  const fromStep = fromLine[level]!;
  const referencedStep = referencedLine[level]!;
  if (fromStep.container !== referencedStep.container) {
    return {
      kind: 'other-branch',
      owner: fromStep.container.owner!,
      fromBranch: fromStep.container.branch,
      referencedBranch: referencedStep.container.branch,
    };
  }
  if (runAfterPredecessors(fromStep).has(referencedStep)) return { kind: 'before' };
  return { kind: runAfterPredecessors(referencedStep).has(fromStep) ? 'after' : 'parallel', fromStep, referencedStep };
}
