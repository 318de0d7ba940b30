import { isTemplateExpression } from '../expressions/index.js';
import { jsonPath } from './json-path.js';
import { actionLabel, type ActionNode, type FlowModel } from './model.js';
import { relationOf } from './ordering.js';
import type { RuleInput } from './rule.js';
import { ownerLabel, type SiteCall, type SiteOwner } from './sites.js';
import { isNonEmptyString, isObject, lower, ruleFinding, type RuleFinding } from './types.js';

/**
 * Rule family 5, variables: every variable read or changed is initialized once, by an InitializeVariable
 * that has surely run before (at the top level that is: in the runAfter ancestry of the user's top-level
 * action), and the change actions fit the variable's type.
 */

const INITIALIZE_VARIABLE = 'initializevariable';
/** Actions that change a variable named by `inputs.name`, with the variable types each accepts (undefined = any). */
const VARIABLE_OPERATIONS: Readonly<Record<string, readonly string[] | undefined>> = {
  setvariable: undefined,
  incrementvariable: ['integer', 'float'],
  decrementvariable: ['integer', 'float'],
  appendtoarrayvariable: ['array'],
  appendtostringvariable: ['string'],
};

interface Declaration {
  readonly name: string;
  readonly type: string | undefined;
  readonly action: ActionNode;
  /** JSON path of the `name` in `inputs.variables[i]`. */
  readonly path: string;
}

/** A place that needs a variable: a `variables('v')` call or the `inputs.name` of a change action. */
interface Use {
  readonly name: string;
  readonly owner: SiteOwner;
  readonly path: string;
  readonly what: string;
  readonly operation?: { readonly node: ActionNode; readonly accepted: readonly string[] | undefined };
}

export function checkVariables({ model, calls }: RuleInput): RuleFinding[] {
  const declarations = model.actions.filter((action) => action.type === INITIALIZE_VARIABLE).flatMap(declarationsOf);
  const byName = new Map<string, Declaration[]>();
  for (const declaration of declarations)
    byName.set(lower(declaration.name), [...(byName.get(lower(declaration.name)) ?? []), declaration]);
  const uses = [...readsOf(calls), ...operationsOf(model)];
  return [...[...byName.values()].flatMap(duplicateFindings), ...uses.flatMap((use) => checkUse(use, byName.get(lower(use.name)) ?? []))];
}

function declarationsOf(action: ActionNode): Declaration[] {
  const variables = isObject(action.json?.inputs) ? action.json.inputs.variables : undefined;
  if (!Array.isArray(variables)) return [];
  return variables.flatMap((variable, index) =>
    isObject(variable) && isNonEmptyString(variable.name)
      ? [
          {
            name: variable.name,
            type: typeof variable.type === 'string' ? lower(variable.type) : undefined,
            action,
            path: jsonPath(action.path, 'inputs', 'variables', index, 'name'),
          },
        ]
      : [],
  );
}

function duplicateFindings(declarations: readonly Declaration[]): RuleFinding[] {
  const [first, ...others] = declarations;
  return others.map((declaration) =>
    ruleFinding(
      'variable-duplicate',
      declaration.path,
      `action ${actionLabel(declaration.action)} initializes the variable ${declaration.name}, which action ${actionLabel(first!.action)} already initializes`,
      'initialize each variable once; use SetVariable to change it',
    ),
  );
}

function readsOf(calls: readonly SiteCall[]): Use[] {
  return calls
    .filter((use) => use.name === 'variables' && use.literalArg !== undefined)
    .map((use) => ({ name: use.literalArg!, owner: use.site.owner, path: use.site.path, what: `variables('${use.literalArg!}')` }));
}

function operationsOf(model: FlowModel): Use[] {
  return model.actions.flatMap((node) => {
    if (!node.type || !(node.type in VARIABLE_OPERATIONS)) return [];
    const name = isObject(node.json?.inputs) ? node.json.inputs.name : undefined;
    // A computed name cannot be checked statically; a missing one is a structure finding.
    if (!isNonEmptyString(name) || isTemplateExpression(name)) return [];
    return [
      {
        name,
        owner: { kind: 'action', node } as const,
        path: jsonPath(node.path, 'inputs', 'name'),
        what: `${String(node.json?.type)} of ${name}`,
        operation: { node, accepted: VARIABLE_OPERATIONS[node.type] },
      },
    ];
  });
}

function checkUse(use: Use, declarations: readonly Declaration[]): RuleFinding[] {
  const label = ownerLabel(use.owner);
  if (declarations.length === 0) {
    return [
      ruleFinding(
        'variable-unknown',
        use.path,
        `${label}: ${use.what} uses the variable ${use.name}, which no InitializeVariable action initializes`,
        `add a top-level InitializeVariable for ${use.name} before this action, or correct the name`,
      ),
    ];
  }
  const declaration = declarations.find((candidate) => initializedBefore(candidate, use.owner));
  if (!declaration) {
    const first = declarations[0]!;
    return [
      ruleFinding(
        'variable-before-init',
        use.path,
        `${label}: ${use.what} uses the variable ${use.name} before it is surely initialized by action ${actionLabel(first.action)}`,
        `make this action (or its top-level scope) run after ${first.action.name}`,
      ),
    ];
  }
  return typeFindings(use, declaration);
}

function initializedBefore(declaration: Declaration, owner: SiteOwner): boolean {
  if (owner.kind === 'definition') return true;
  if (owner.kind === 'trigger') return false;
  return relationOf(declaration.action, owner.node).kind === 'before';
}

function typeFindings(use: Use, declaration: Declaration): RuleFinding[] {
  const accepted = use.operation?.accepted;
  if (!use.operation || !accepted || declaration.type === undefined || accepted.includes(declaration.type)) return [];
  return [
    ruleFinding(
      'variable-operation-type',
      use.path,
      `action ${actionLabel(use.operation.node)} (${use.what}) needs a variable of type ${accepted.join(' or ')}, but ${use.name} is initialized as ${declaration.type}`,
      `change the variable's type in ${declaration.action.name}, or use SetVariable`,
    ),
  ];
}
