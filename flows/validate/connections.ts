import { templateExpressions, type Expression } from '../expressions/index.js';
import { jsonPath, ROOT_PATH } from './json-path.js';
import { actionLabel, type FlowModel } from './model.js';
import type { RuleInput } from './rule.js';
import { ownerLabel, type ExpressionSite } from './sites.js';
import { isNonEmptyString, lower, objectAt, ruleFinding, valueAt, type RuleFinding } from './types.js';

/**
 * Rule family 6, connections (solution-format §2): each connector operation names a key of
 * `properties.connectionReferences`, and (when the solution's list is given) each of those entries
 * points at a connection reference the solution defines.
 */

const CONNECTOR_TYPES: ReadonlySet<string> = new Set(['openapiconnection', 'openapiconnectionwebhook', 'openapiconnectionnotification']);
const CONNECTION_NAME = ['inputs', 'host', 'connectionName'];
const CONNECTIONS_PARAMETER = '$connections';

export function checkConnections({ model, sites, context }: RuleInput): RuleFinding[] {
  const declared = new Set(Object.keys(model.connectionReferences).map(lower));
  return [
    ...checkConnectorOperations(model, declared),
    ...checkLegacyConnectionParameters(sites, declared),
    ...(context.connectionReferences ? checkLogicalNames(model, context.connectionReferences) : []),
  ];
}

function checkConnectorOperations(model: FlowModel, declared: ReadonlySet<string>): RuleFinding[] {
  const operations = [
    ...model.triggers.map((trigger) => ({ label: `trigger ${trigger.name}`, type: trigger.type, json: trigger.json, path: trigger.path })),
    ...model.actions.map((action) => ({ label: `action ${actionLabel(action)}`, type: action.type, json: action.json, path: action.path })),
  ];
  return operations.flatMap(({ label, type, json, path }) => {
    const connectionName = valueAt(json, CONNECTION_NAME);
    if (!CONNECTOR_TYPES.has(type ?? '') || !isNonEmptyString(connectionName) || declared.has(lower(connectionName))) return [];
    return [undeclared(jsonPath(path, ...CONNECTION_NAME), `${label} uses the connection ${connectionName}`, connectionName, declared)];
  });
}

function undeclared(path: string, subject: string, key: string, declared: ReadonlySet<string>): RuleFinding {
  const known = declared.size > 0 ? ` (it has: ${[...declared].join(', ')})` : ' (it has none)';
  return ruleFinding(
    'connection-undeclared',
    path,
    `${subject}, which is not a key of properties.connectionReferences${known}`,
    `add properties.connectionReferences.${key} { runtimeSource, connection: { connectionReferenceLogicalName }, api: { name } }, or use a declared key`,
  );
}

/** Older ApiConnection actions name their connection as `@parameters('$connections')['<key>']['connectionId']`. */
function checkLegacyConnectionParameters(sites: readonly ExpressionSite[], declared: ReadonlySet<string>): RuleFinding[] {
  return sites.flatMap((site) =>
    (site.template ? templateExpressions(site.template) : [])
      .flatMap(connectionKeysIn)
      .filter((key) => !declared.has(lower(key)))
      .map((key) =>
        undeclared(site.path, `${ownerLabel(site.owner)} reads parameters('${CONNECTIONS_PARAMETER}')['${key}']`, key, declared),
      ),
  );
}

function connectionKeysIn(expression: Expression): string[] {
  switch (expression.kind) {
    case 'member': {
      const { target, property } = expression;
      const isConnections =
        target.kind === 'call' &&
        lower(target.name) === 'parameters' &&
        target.args[0]?.kind === 'string' &&
        target.args[0].value === CONNECTIONS_PARAMETER;
      const own = isConnections && property.kind === 'string' ? [property.value] : [];
      return [...own, ...connectionKeysIn(target), ...connectionKeysIn(property)];
    }
    case 'call':
      return expression.args.flatMap(connectionKeysIn);
    default:
      return [];
  }
}

function checkLogicalNames(model: FlowModel, defined: ReadonlySet<string>): RuleFinding[] {
  const definedLower = new Set([...defined].map(lower));
  return Object.entries(model.connectionReferences).flatMap(([key, reference]) => {
    const path = jsonPath(ROOT_PATH, 'properties', 'connectionReferences', key, 'connection', 'connectionReferenceLogicalName');
    const logicalName = valueAt(objectAt(reference, ['connection']), ['connectionReferenceLogicalName']);
    if (!isNonEmptyString(logicalName)) {
      return [
        ruleFinding(
          'connection-reference-unknown',
          path,
          `properties.connectionReferences.${key} has no connection.connectionReferenceLogicalName, so it binds to no connection reference of the solution`,
          'set connection.connectionReferenceLogicalName to a connection reference of the solution',
        ),
      ];
    }
    if (definedLower.has(lower(logicalName))) return [];
    return [
      ruleFinding(
        'connection-reference-unknown',
        path,
        `properties.connectionReferences.${key} uses the connection reference ${logicalName}, which the solution does not define`,
        `add the connection reference ${logicalName} to the solution, or point to one it defines`,
      ),
    ];
  });
}
