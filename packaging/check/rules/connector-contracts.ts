import {
  contractOf,
  operationOf,
  parameterFor,
  requiredParameters,
  type ConnectorContract,
  type ContractOperation,
  type ContractParameter,
  type ParameterType,
} from '../../../contracts/index.js';
import { readFlowModel } from '../../../flows/validate/model.js';
import { jsonPath } from '../../../flows/validate/json-path.js';
import { isObject, valueAt, type JsonObject } from '../../../flows/validate/types.js';
import type { Finding, Severity } from '../types.js';
import { finding, type RuleContext } from './common.js';
import { cloudFlowDocuments } from './flow-definitions.js';

/**
 * Every connector call of every cloud flow held against the connector's published contract
 * (contracts/connectors/*.json): a known operation, only declared parameters, every required one, enum
 * values and literal types that exist, and an upsert body without its alternate-key columns. Only the
 * connectors we have a contract for are checked; the others are left alone.
 */

const CONNECTOR_TYPES: ReadonlySet<string> = new Set(['openapiconnection', 'openapiconnectionwebhook', 'openapiconnectionnotification']);
const HOST = ['inputs', 'host'];
const PARAMETERS = ['inputs', 'parameters'];
/** The Dataverse upsert: with an alternate key as recordId, the key's columns must not be in the body. */
const UPSERT = { apiName: 'shared_commondataserviceforapps', operationId: 'UpdateRecord', recordId: 'recordId', item: 'item' } as const;

export const CONTRACT_RULES = {
  operationUnknown: 'connector-operation-unknown',
  operationUnlisted: 'connector-operation-unlisted',
  parameterUndeclared: 'connector-parameter-undeclared',
  parameterMissing: 'connector-parameter-missing',
  parameterEnum: 'connector-parameter-enum',
  parameterType: 'connector-parameter-type',
  upsertKeyInBody: 'connector-upsert-key-in-body',
  retryNotIdempotent: 'connector-retry-not-idempotent',
} as const;

interface ConnectorCall {
  readonly label: string;
  readonly path: string;
  readonly json: JsonObject;
}

interface Place {
  readonly entry: string;
  readonly flowName: string;
}

export function checkConnectorContracts({ pkg }: RuleContext): Finding[] {
  return cloudFlowDocuments(pkg).flatMap(({ entry, flowName, document }) => {
    const model = readFlowModel(document);
    if (!model) return [];
    const calls: ConnectorCall[] = [
      ...model.triggers.map((trigger) => ({
        label: `trigger ${trigger.name}`,
        path: trigger.path,
        type: trigger.type,
        json: trigger.json,
      })),
      ...model.actions.map((action) => ({ label: `action ${action.name}`, path: action.path, type: action.type, json: action.json })),
    ].flatMap(({ type, json, ...rest }) => (json && CONNECTOR_TYPES.has(type ?? '') ? [{ ...rest, json }] : []));
    return calls.flatMap((call) => checkCall(call, apiNameOf(call.json, model.connectionReferences), { entry, flowName }));
  });
}

/** The connector's api name: from `host.apiId` (…/apis/shared_x), else from the connection reference the call names. */
function apiNameOf(json: JsonObject, connectionReferences: JsonObject): string | undefined {
  const apiId = valueAt(json, [...HOST, 'apiId']);
  if (typeof apiId === 'string' && apiId.includes('/apis/')) return apiId.slice(apiId.lastIndexOf('/') + 1);
  const connectionName = valueAt(json, [...HOST, 'connectionName']);
  if (typeof connectionName !== 'string') return undefined;
  const name = valueAt(connectionReferences[connectionName], ['api', 'name']);
  return typeof name === 'string' ? name : undefined;
}

function checkCall(call: ConnectorCall, apiName: string | undefined, place: Place): Finding[] {
  const contract = apiName ? contractOf(apiName) : undefined;
  const operationId = valueAt(call.json, [...HOST, 'operationId']);
  if (!contract || typeof operationId !== 'string') return [];
  const operation = operationOf(contract, operationId);
  const operationPath = jsonPath(call.path, ...HOST, 'operationId');
  if (!operation) {
    const known = contract.operations.map((candidate) => candidate.operationId).join(', ');
    return contract.complete
      ? [
          report(
            place,
            'High',
            CONTRACT_RULES.operationUnknown,
            operationPath,
            `${call.label} calls ${operationId}, which ${contract.title} (${contract.apiName}) does not have`,
            `use one of its operations: ${known}`,
          ),
        ]
      : [
          report(
            place,
            'Informational',
            CONTRACT_RULES.operationUnlisted,
            operationPath,
            `${call.label} calls ${contract.apiName} ${operationId}, which contracts/connectors lists no contract for; its parameters are not checked`,
            `add the operation to contracts/connectors/${contract.apiName.replace(/^shared_/, '')}.json with its public source`,
          ),
        ];
  }
  const parameters = valueAt(call.json, PARAMETERS);
  const given = isObject(parameters) ? parameters : {};
  const parametersPath = jsonPath(call.path, ...PARAMETERS);
  return [
    ...undeclaredParameters(call, contract, operation, given, parametersPath, place),
    ...missingParameters(call, contract, operation, given, parametersPath, place),
    ...literalValues(call, operation, given, parametersPath, place),
    ...upsertKeyInBody(call, contract, operation, given, parametersPath, place),
    ...retriedWrite(call, contract, operation, place),
  ];
}

/**
 * An operation its contract marks not idempotent (CreateReferral) must carry `retryPolicy: {type: none}`:
 * without one the platform's default policy retries it (Logic Apps: 4 exponential retries on 408/429/5xx),
 * and a time-out after the service committed it makes a second record.
 */
function retriedWrite(call: ConnectorCall, contract: ConnectorContract, operation: ContractOperation, place: Place): Finding[] {
  if (operation.idempotent !== false) return [];
  const policy = valueAt(call.json, ['inputs', 'retryPolicy', 'type']);
  if (typeof policy === 'string' && policy.toLowerCase() === 'none') return [];
  return [
    report(
      place,
      'High',
      CONTRACT_RULES.retryNotIdempotent,
      jsonPath(call.path, 'inputs', 'retryPolicy'),
      `${call.label}: ${contract.title} ${operation.operationId} is not idempotent, and ${policy === undefined ? 'the default retry policy' : `retry policy ${JSON.stringify(policy)}`} repeats it after a time-out that may have followed the commit`,
      'set inputs.retryPolicy to {"type": "none"}, and look the record up before creating it again',
    ),
  ];
}

function undeclaredParameters(
  call: ConnectorCall,
  contract: ConnectorContract,
  operation: ContractOperation,
  given: JsonObject,
  path: string,
  place: Place,
): Finding[] {
  return Object.keys(given)
    .filter((key) => !parameterFor(operation, key))
    .map((key) => {
      const elsewhere = contract.operations
        .filter((other) => other !== operation && parameterFor(other, key))
        .map((other) => other.operationId);
      const declared = operation.parameters.map((parameter) => parameter.name).join(', ') || 'none';
      const fix =
        elsewhere.length > 0
          ? `remove "${key}" (the connector drops it, so what it was meant to do does not happen), or call ${elsewhere.join(' or ')}, which declares it`
          : `remove "${key}"; ${operation.operationId} declares: ${declared}`;
      return report(
        place,
        'High',
        CONTRACT_RULES.parameterUndeclared,
        jsonPath(path, key),
        `${call.label}: ${operation.operationId} has no parameter "${key}"`,
        fix,
      );
    });
}

function missingParameters(
  call: ConnectorCall,
  contract: ConnectorContract,
  operation: ContractOperation,
  given: JsonObject,
  path: string,
  place: Place,
): Finding[] {
  return requiredParameters(operation)
    .filter((parameter) => !Object.keys(given).some((key) => parameterFor(operation, key) === parameter))
    .map((parameter) =>
      report(
        place,
        'High',
        CONTRACT_RULES.parameterMissing,
        path,
        `${call.label}: ${contract.title} ${operation.operationId} requires "${parameter.name}" (${parameter.in}, ${parameter.type}), which is not passed`,
        `add inputs.parameters["${parameter.name}"]`,
      ),
    );
}

/** Enum and type checks on literal values; an expression (`@…`) is only known at run time. */
function literalValues(call: ConnectorCall, operation: ContractOperation, given: JsonObject, path: string, place: Place): Finding[] {
  return Object.entries(given).flatMap(([key, value]) => {
    const parameter = operation.parameters.find((candidate) => candidate.name === key);
    if (!parameter || isExpression(value)) return [];
    const where = jsonPath(path, key);
    if (!hasType(value, parameter.type)) {
      return [
        report(
          place,
          'High',
          CONTRACT_RULES.parameterType,
          where,
          `${call.label}: "${key}" of ${operation.operationId} is ${parameter.type}, not ${JSON.stringify(value)}`,
          `pass a ${parameter.type}`,
        ),
      ];
    }
    return [...enumProblems(parameter, value, key), ...itemProblems(parameter, value, key)].map(({ problem, allowed }) =>
      report(
        place,
        'High',
        CONTRACT_RULES.parameterEnum,
        where,
        `${call.label}: ${operation.operationId} ${problem}`,
        `use one of: ${allowed.join(', ')}`,
      ),
    );
  });
}

interface EnumProblem {
  readonly problem: string;
  readonly allowed: readonly (string | number)[];
}

function enumProblems(parameter: ContractParameter, value: unknown, key: string): EnumProblem[] {
  const allowed = parameter.enum;
  if (!allowed || allowed.includes(value as string | number)) return [];
  return [{ problem: `"${key}" has no value ${JSON.stringify(value)}`, allowed }];
}

/** An array of objects whose properties have enums (PatchReferralById's `op`). */
function itemProblems(parameter: ContractParameter, value: unknown, key: string): EnumProblem[] {
  const items = parameter.items;
  if (!items || !Array.isArray(value)) return [];
  return value.flatMap((element, index) =>
    Object.entries(items).flatMap(([property, { enum: allowed }]) => {
      const actual = isObject(element) ? element[property] : undefined;
      if (!allowed || actual === undefined || isExpression(actual) || allowed.includes(actual as string | number)) return [];
      return [{ problem: `"${key}"[${index}].${property} has no value ${JSON.stringify(actual)}`, allowed }];
    }),
  );
}

/**
 * `recordId` as an alternate key, `col='value'` or `col1='a',col2='b'`, also when built by an expression
 * (`@concat('col', '=', …)` or `@{…}` inside the text): the key columns.
 */
export function alternateKeyColumns(recordId: unknown): string[] {
  if (typeof recordId !== 'string') return [];
  return [...recordId.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:'\s*,\s*')?\s*=/g)].map((match) => match[1]!.toLowerCase());
}

function upsertKeyInBody(
  call: ConnectorCall,
  contract: ConnectorContract,
  operation: ContractOperation,
  given: JsonObject,
  path: string,
  place: Place,
): Finding[] {
  if (contract.apiName !== UPSERT.apiName || operation.operationId !== UPSERT.operationId) return [];
  const keys = alternateKeyColumns(given[UPSERT.recordId]);
  const item = given[UPSERT.item];
  const bodyColumns = [
    ...Object.keys(given)
      .filter((key) => key.startsWith(`${UPSERT.item}/`))
      .map((key) => key.slice(UPSERT.item.length + 1)),
    ...(isObject(item) ? Object.keys(item) : []),
    // An item built by an expression: a key column named as a property in it (setProperty(…, 'col', …)).
    ...(typeof item === 'string' ? keys.filter((key) => item.toLowerCase().includes(`'${key}'`)) : []),
  ];
  return bodyColumns
    .filter((column) => keys.includes(column.toLowerCase()))
    .map((column) =>
      report(
        place,
        'High',
        CONTRACT_RULES.upsertKeyInBody,
        jsonPath(path, `${UPSERT.item}/${column}`),
        `${call.label}: the upsert by alternate key also sends the key column "${column}" in the body`,
        `remove item/${column}: "do not include the alternate key data in the body" (Use upsert, Microsoft Learn); the key in recordId sets it on create`,
      ),
    );
}

const isExpression = (value: unknown): boolean => typeof value === 'string' && value.startsWith('@') && !value.startsWith('@@');

function hasType(value: unknown, type: ParameterType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
  }
}

function report(place: Place, severity: Severity, rule: string, where: string, message: string, fix: string): Finding {
  return finding(severity, rule, `flow "${place.flowName}": ${message}`, { entry: place.entry, where, fix });
}
