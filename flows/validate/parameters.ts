import { jsonPath } from './json-path.js';
import type { FlowModel } from './model.js';
import type { RuleInput } from './rule.js';
import { ownerLabel, type SiteCall } from './sites.js';
import { isNonEmptyString, isObject, lower, objectAt, ruleFinding, valueAt, type RuleFinding } from './types.js';

/**
 * Rule family 7, parameters (solution-format §2): `parameters('P')` names a declared parameter (or one
 * the platform supplies), declarations have a valid type, and environment-variable parameters
 * (`metadata.schemaName`) name a variable the solution defines, when that list is given.
 */

/** Supplied by Power Automate whether declared or not. */
const PLATFORM_PARAMETERS = ['$connections', '$authentication'];
const PARAMETER_TYPES = ['String', 'SecureString', 'Int', 'Float', 'Bool', 'Array', 'Object', 'SecureObject'];
const TYPE_BY_LOWER: ReadonlySet<string> = new Set(PARAMETER_TYPES.map(lower));

export function checkParameters({ model, calls, context }: RuleInput): RuleFinding[] {
  const declarations = objectAt(model.definition, ['parameters']) ?? {};
  return [
    ...checkDeclarationTypes(model, declarations),
    ...checkReads(calls, declarations),
    ...(context.environmentVariables ? checkEnvironmentVariables(model, declarations, context.environmentVariables) : []),
  ];
}

const parameterPath = (model: FlowModel, key: string, ...keys: string[]): string =>
  jsonPath(model.definitionPath, 'parameters', key, ...keys);

function checkDeclarationTypes(model: FlowModel, declarations: Record<string, unknown>): RuleFinding[] {
  return Object.entries(declarations).flatMap(([key, declaration]) => {
    const type = valueAt(declaration, ['type']);
    if (typeof type === 'string' && TYPE_BY_LOWER.has(lower(type))) return [];
    const problem = isObject(declaration) ? `has the type ${JSON.stringify(type)}` : 'is not an object';
    return [
      ruleFinding(
        'parameter-type',
        parameterPath(model, key, 'type'),
        `the flow parameter "${key}" ${problem}; allowed types: ${PARAMETER_TYPES.join(', ')}`,
        `declare it as { "type": "String", … } with one of ${PARAMETER_TYPES.join(', ')}`,
      ),
    ];
  });
}

function checkReads(calls: readonly SiteCall[], declarations: Record<string, unknown>): RuleFinding[] {
  const known = new Set([...PLATFORM_PARAMETERS, ...Object.keys(declarations)].map(lower));
  return calls
    .filter((use) => use.name === 'parameters' && use.literalArg !== undefined && !known.has(lower(use.literalArg)))
    .map((use) =>
      ruleFinding(
        'parameter-undefined',
        use.site.path,
        `${ownerLabel(use.site.owner)}: parameters('${use.literalArg!}') reads a parameter the definition does not declare`,
        `declare "${use.literalArg!}" in definition.parameters (environment variables: "<Display name> (<schema name>)" with metadata.schemaName), or correct the name`,
      ),
    );
}

function checkEnvironmentVariables(model: FlowModel, declarations: Record<string, unknown>, defined: ReadonlySet<string>): RuleFinding[] {
  const definedLower = new Set([...defined].map(lower));
  return Object.entries(declarations).flatMap(([key, declaration]) => {
    const schemaName = valueAt(declaration, ['metadata', 'schemaName']);
    if (!isNonEmptyString(schemaName) || definedLower.has(lower(schemaName))) return [];
    return [
      ruleFinding(
        'parameter-envvar-undefined',
        parameterPath(model, key, 'metadata', 'schemaName'),
        `the flow parameter "${key}" reads the environment variable ${schemaName}, which the solution does not define`,
        `add the environment variable ${schemaName} to the solution, or correct metadata.schemaName`,
      ),
    ];
  });
}
