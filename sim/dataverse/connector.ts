/**
 * The Dataverse connector as the flow runtime calls it (`shared_commondataserviceforapps`): each operation becomes the
 * Web API request its published contract describes (contracts/connectors/commondataserviceforapps.json: method, path
 * with {entityName}/{recordId}/{actionName}, query parameters, the item body, the connector's own Prefer / If-Match
 * headers), sent over real HTTP to the emulator. The action's outputs are the Web API's status, headers and JSON body.
 * The adapter knows nothing of the flows' own constants.
 */
import { contractOf, operationOf, parameterFor, type ConnectorContract, type ContractOperation } from '../../contracts/index.js';
import type { ConnectorRequest, ConnectorResponse } from '../contracts.js';
import { display } from '../display.js';
import type { DataverseEmulator } from './emulator.js';

const DATAVERSE_API = 'shared_commondataserviceforapps';
/** The body parameter whose `item/<name>` keys are the row's columns (or an action's parameters). */
const ITEM = 'item';
const RECORD_ID = 'recordId';
/** Every call asks for the formatted values and lookup annotations the connector's outputs carry. */
const ANNOTATIONS = 'odata.include-annotations="*"';

export type DataverseConnector = (request: ConnectorRequest) => Promise<ConnectorResponse>;

interface DataverseConnectorOptions {
  /**
   * Told of every parameter a flow passed that the operation does not declare. The platform has nowhere to put it,
   * so it is dropped: the request goes out without it.
   */
  onUndeclaredParameter?: (apiName: string, operationId: string, key: string) => void;
}

const failure = (statusCode: number, message: string): ConnectorResponse => ({
  statusCode,
  headers: {},
  body: { error: { code: 'InvalidConnectorRequest', message } },
});

const isAbsent = (value: unknown): boolean => value === undefined || value === null || value === '';

/** The row a write sends: a whole `item` object, overlaid with flattened `item/<column>` parameters. */
export function itemOf(parameters: Record<string, unknown>): Record<string, unknown> | string {
  const item: Record<string, unknown> = {};
  const whole = parameters[ITEM];
  if (whole !== undefined && whole !== null) {
    if (typeof whole !== 'object' || Array.isArray(whole)) return "The 'item' parameter must be an object.";
    Object.assign(item, whole);
  }
  for (const [key, value] of Object.entries(parameters)) {
    if (key.startsWith(`${ITEM}/`) && value !== undefined) item[key.slice(ITEM.length + 1)] = value;
  }
  return item;
}

/** A path parameter as its URL segment: `recordId` a GUID (braces dropped) or an alternate key `col='value'`. */
function segment(name: string, value: unknown): string {
  const text = display(value).trim();
  return encodeURIComponent(name === RECORD_ID ? text.replace(/^\{(.*)\}$/, '$1') : text);
}

/** The HTTP request an operation becomes. */
interface ApiRequest {
  method: string;
  path: string;
  body?: unknown;
  headers: Record<string, string>;
}

/**
 * The request an operation's parameters make, per its contract; a 400 answer (no call made) when a required
 * parameter is missing, as the platform refuses to run such an action.
 */
function apiRequest(
  contract: ConnectorContract,
  operation: ContractOperation,
  request: ConnectorRequest,
  options: DataverseConnectorOptions,
): ApiRequest | ConnectorResponse {
  const given = request.parameters;
  const declared: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (parameterFor(operation, key)) declared[key] = value;
    else options.onUndeclaredParameter?.(contract.apiName, operation.operationId, key);
  }
  let path = operation.path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = { Prefer: ANNOTATIONS };
  for (const [name, value] of Object.entries(operation.headers ?? {})) {
    headers[name] = name.toLowerCase() === 'prefer' ? `${value},${ANNOTATIONS}` : value;
  }
  let body: unknown;
  for (const parameter of operation.parameters) {
    if (parameter.in === 'body' && parameter.name === ITEM) {
      const item = itemOf(declared);
      if (typeof item === 'string') return failure(400, item);
      body = item;
      continue;
    }
    const value = isAbsent(declared[parameter.name]) ? parameter.default : declared[parameter.name];
    if (isAbsent(value)) {
      if (parameter.required) return failure(400, `${operation.operationId}: the required parameter '${parameter.name}' is missing.`);
      continue;
    }
    switch (parameter.in) {
      case 'path':
        path = path.replace(`{${parameter.name}}`, segment(parameter.name, value));
        break;
      case 'query':
        query.set(parameter.name, display(value));
        break;
      case 'header':
        headers[parameter.name] = display(value);
        break;
      case 'body':
        body = value;
        break;
    }
  }
  const search = query.toString().replace(/\+/g, '%20');
  return { method: operation.method, path: `${path}${search ? `?${search}` : ''}`, ...(body !== undefined ? { body } : {}), headers };
}

/**
 * A connector function for the flow runtime, for the operations contracts/connectors lists for
 * `shared_commondataserviceforapps`. An undeclared parameter is dropped (see onUndeclaredParameter), a missing
 * required one answers 400 without calling the API; an operation the contract does not list, or a trigger, answers
 * 501; another connector is a routing bug and throws.
 */
export function dataverseConnector(emulator: DataverseEmulator, options: DataverseConnectorOptions = {}): DataverseConnector {
  return async (request) => {
    if (request.apiName !== DATAVERSE_API) {
      throw new Error(`dataverseConnector handles ${DATAVERSE_API}, not ${request.apiName}`);
    }
    const contract = contractOf(DATAVERSE_API)!;
    const operation = operationOf(contract, request.operationId);
    if (!operation || operation.kind === 'trigger') {
      return failure(501, `The Dataverse emulator's connector does not implement the operation ${request.operationId}.`);
    }
    const call = apiRequest(contract, operation, request, options);
    if ('statusCode' in call) return call;
    return send(`${emulator.baseUrl}${contract.basePath}`, call);
  };
}

async function send(root: string, call: ApiRequest): Promise<ConnectorResponse> {
  const response = await fetch(`${root}${call.path}`, {
    method: call.method,
    headers: {
      Accept: 'application/json',
      'OData-MaxVersion': '4.0',
      'OData-Version': '4.0',
      ...(call.body !== undefined ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
      ...call.headers,
    },
    ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
  });
  const text = await response.text();
  let parsed: unknown = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { statusCode: response.status, headers, body: parsed };
}
