import { actionLabel, enclosingActions, type ActionNode, type FlowModel } from './model.js';
import { relationOf, type Relation } from './ordering.js';
import type { RuleInput } from './rule.js';
import { memberOf, ownerLabel, type ExpressionSite, type SiteCall } from './sites.js';
import { lower, ruleFinding, type RuleFinding } from './types.js';

/**
 * Rule family 4, references: expressions that read another action's results name an action that exists
 * and has surely finished when they are evaluated (see ordering.ts); `items()`, `item()` and
 * `iterationIndexes()` are used inside the loop they refer to.
 */

/** Functions whose first argument is the name of the action they read (lowercased). */
const ACTION_READERS: ReadonlySet<string> = new Set([
  'actions',
  'body',
  'outputs',
  'result',
  'actionbody',
  'actionoutputs',
  'formdatavalue',
  'formdatamultivalues',
  'multipartbody',
]);
/** `result()` reads the inner actions of these. */
const SCOPED_TYPES: ReadonlySet<string> = new Set(['scope', 'foreach', 'until', 'if', 'switch']);
/** Actions whose inputs (except `from`) see each element of `from` as item(). */
const ITEM_INPUT_TYPES: ReadonlySet<string> = new Set(['query', 'select', 'table']);
const FOREACH = 'foreach';
const UNTIL = 'until';
/** Members an action may fill from its own results (`@action()`, or its own name). */
const SELF_REFERENCE_MEMBERS: ReadonlySet<string> = new Set(['trackedProperties']);
/** The member of an Until evaluated after each pass of its body. */
const UNTIL_CONDITION = 'expression';

export function checkReferences({ model, calls }: RuleInput): RuleFinding[] {
  return calls.flatMap((use) => {
    if (ACTION_READERS.has(use.name)) return checkActionRead(use, model);
    if (use.name === 'items') return checkItems(use, model);
    if (use.name === 'item') return checkItem(use);
    if (use.name === 'iterationindexes') return checkIterationIndexes(use, model);
    return [];
  });
}

const callText = (use: SiteCall): string => `${use.call.name}('${use.literalArg ?? ''}')`;

function checkActionRead(use: SiteCall, model: FlowModel): RuleFinding[] {
  if (use.literalArg === undefined) return [];
  const { site } = use;
  const target = model.byName.get(lower(use.literalArg));
  if (!target) return [unknownAction(use, model)];
  const findings: RuleFinding[] = [];
  if (use.name === 'result' && !SCOPED_TYPES.has(target.type ?? '')) {
    findings.push(
      ruleFinding(
        'result-not-scope',
        site.path,
        `${ownerLabel(site.owner)}: ${callText(use)} reads the inner results of ${actionLabel(target)}, which is a ${String(target.json?.type)}, not a Scope, Foreach or Until`,
        `use outputs('${target.name}') or body('${target.name}') for a single action`,
      ),
    );
  }
  if (site.owner.kind === 'trigger') {
    findings.push(
      ruleFinding(
        'reference-order',
        site.path,
        `${ownerLabel(site.owner)}: ${callText(use)} reads an action, but the trigger runs before every action`,
        'use trigger(), triggerBody() or triggerOutputs() in a trigger',
      ),
    );
  } else if (site.owner.kind === 'action') {
    const problem = orderProblem(relationOf(target, site.owner.node), target, site);
    if (problem)
      findings.push(ruleFinding(problem.rule, site.path, `${ownerLabel(site.owner)}: ${callText(use)} ${problem.message}`, problem.fix));
  }
  return findings;
}

function unknownAction(use: SiteCall, model: FlowModel): RuleFinding {
  const name = use.literalArg!;
  const trigger = model.triggers.find((candidate) => lower(candidate.name) === lower(name));
  const hint = trigger ? ` (${trigger.name} is the trigger: read it with triggerOutputs() or triggerBody())` : '';
  return ruleFinding(
    'reference-unknown',
    use.site.path,
    `${ownerLabel(use.site.owner)}: ${callText(use)} refers to ${name}, but the flow has no action of that name${hint}`,
    trigger ? 'use triggerOutputs() / triggerBody()' : `rename the reference to an existing action, or add the action ${name}`,
  );
}

interface Problem {
  rule: string;
  message: string;
  fix: string;
}

/** Why the referenced action has not surely finished when the site is evaluated; undefined when it has. */
function orderProblem(relation: Relation, target: ActionNode, site: ExpressionSite): Problem | undefined {
  const from = site.owner.kind === 'action' ? site.owner.node : undefined;
  const member = memberOf(site);
  switch (relation.kind) {
    case 'before':
      return undefined;
    case 'self':
      return SELF_REFERENCE_MEMBERS.has(member)
        ? undefined
        : {
            rule: 'reference-self',
            message: 'refers to the action itself, whose results do not exist while it runs',
            fix: 'refer to an earlier action, or use action() in trackedProperties',
          };
    case 'enclosing':
      return {
        rule: 'reference-enclosing',
        message: `refers to ${actionLabel(target)}, which encloses the action and has not finished while it runs`,
        fix: `read ${target.name}'s results only after it, e.g. result('${target.name}') in an action that runs after ${target.name}`,
      };
    case 'inside':
      return from?.type === UNTIL && member === UNTIL_CONDITION
        ? undefined
        : {
            rule: 'reference-order',
            message: `refers to ${actionLabel(target)}, which is inside the action; its ${member} is evaluated before those actions run`,
            fix: `move the reference into an action inside ${from?.name ?? 'it'}, or after it`,
          };
    case 'other-branch':
      return {
        rule: 'reference-order',
        message: `refers to ${actionLabel(target)} in the ${relation.referencedBranch} branch of ${relation.owner.name}, while the action is in its ${relation.fromBranch} branch: only one branch runs`,
        fix: `read it after ${relation.owner.name} (with coalesce() over both branches), not from the other branch`,
      };
    case 'after':
    case 'parallel': {
      const { fromStep, referencedStep } = relation;
      const why =
        relation.kind === 'after'
          ? `${referencedStep.name} runs after ${fromStep.name}`
          : `${fromStep.name} and ${referencedStep.name} are in parallel branches`;
      return {
        rule: 'reference-order',
        message: `refers to ${actionLabel(target)}, which has not surely run by then: ${why}`,
        fix: `make ${fromStep.name} run after ${referencedStep.name} (directly or through its runAfter chain)`,
      };
    }
  }
}

/** Loops enclosing the site: the owner's enclosing actions (a loop's own members are outside its body). */
const enclosingOf = (site: ExpressionSite): readonly ActionNode[] =>
  site.owner.kind === 'action' ? enclosingActions(site.owner.node) : [];

function checkItems(use: SiteCall, model: FlowModel): RuleFinding[] {
  if (use.literalArg === undefined) return [];
  const { site } = use;
  const loop = model.byName.get(lower(use.literalArg));
  if (!loop) return [unknownAction(use, model)];
  if (loop.type !== FOREACH) {
    return [
      ruleFinding(
        'items-outside-loop',
        site.path,
        `${ownerLabel(site.owner)}: ${callText(use)} names ${actionLabel(loop)}, which is a ${String(loop.json?.type)}, not a Foreach`,
        'name the Foreach whose current item you want',
      ),
    ];
  }
  if (enclosingOf(site).includes(loop)) return [];
  return [
    ruleFinding(
      'items-outside-loop',
      site.path,
      `${ownerLabel(site.owner)}: ${callText(use)} is used outside the Foreach ${actionLabel(loop)}; the current item exists only inside its actions`,
      `move this into ${loop.name}, or read the whole array instead`,
    ),
  ];
}

function checkItem(use: SiteCall): RuleFinding[] {
  const { site } = use;
  if (enclosingOf(site).some((action) => action.type === FOREACH)) return [];
  if (
    site.owner.kind === 'action' &&
    ITEM_INPUT_TYPES.has(site.owner.node.type ?? '') &&
    site.keys[0] === 'inputs' &&
    site.keys[1] !== 'from'
  )
    return [];
  return [
    ruleFinding(
      'item-outside-loop',
      site.path,
      `${ownerLabel(site.owner)}: item() is used outside any Foreach and outside the inputs of a Filter array, Select or Create table action, so there is no current item`,
      "use item() only inside a Foreach or in Query/Select/Table inputs; otherwise use items('<loop>') or the array itself",
    ),
  ];
}

function checkIterationIndexes(use: SiteCall, model: FlowModel): RuleFinding[] {
  if (use.literalArg === undefined) return [];
  const { site } = use;
  const loop = model.byName.get(lower(use.literalArg));
  if (!loop) return [unknownAction(use, model)];
  const inLoop =
    loop.type === UNTIL &&
    (enclosingOf(site).includes(loop) || (site.owner.kind === 'action' && site.owner.node === loop && memberOf(site) === UNTIL_CONDITION));
  if (inLoop) return [];
  return [
    ruleFinding(
      'iteration-indexes-outside-until',
      site.path,
      `${ownerLabel(site.owner)}: ${callText(use)} must be used inside the Until loop ${actionLabel(loop)}${loop.type === UNTIL ? '' : ` (and ${loop.name} is a ${String(loop.json?.type)}, not an Until)`}`,
      `use iterationIndexes() only inside the actions (or the condition) of ${loop.name}`,
    ),
  ];
}
