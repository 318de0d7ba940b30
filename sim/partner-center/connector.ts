/**
 * The two Partner Center connectors as the flow runtime calls them (`shared_partnercenterref`,
 * `shared_partnercenterevents`): each operation becomes the HTTP request its published contract describes
 * (contracts/connectors/*.json: method, path, where each parameter goes), and the response comes back as an
 * action's outputs ({ statusCode, headers, body }). The adapter knows nothing of the flows' own constants.
 */
import { randomUUID } from 'node:crypto';
import { contractOf, operationOf, parameterFor, type ConnectorContract, type ContractOperation } from '../../contracts/index.js';
import type { ConnectorRequest, ConnectorResponse } from '../contracts.js';
import { display } from '../display.js';
import type { PartnerCenterEmulator } from './emulator.js';
import { sendHttp, type HttpResult } from './http.js';

/** The connectors this adapter serves, by their published api names. */
const PARTNER_CENTER_APIS: ReadonlySet<string> = new Set(['shared_partnercenterref', 'shared_partnercenterevents']);

interface PartnerCenterConnectorOptions {
  /**
   * Send `Prefer: return=representation` on PATCH, so the patched referral comes back (200) instead of 204 No
   * Content. The connector declares no Prefer parameter; off by default, so a flow that relies on a PATCH body
   * is caught.
   */
  preferRepresentation?: boolean;
  /** The bearer token sent (the emulator checks it only with requireAuthorization). */
  bearerToken?: string;
  /**
   * Told of every parameter a flow passed that the operation does not declare. The platform does not send
   * such a parameter (there is nowhere in the request for it to go), so it is dropped, silently as far as the
   * service is concerned: a flow passing `if-match` to PatchReferralById gets no concurrency check.
   */
  onUndeclaredParameter?: (apiName: string, operationId: string, key: string) => void;
}

const CANONICAL_HEADERS: Record<string, string> = {
  etag: 'ETag',
  'retry-after': 'Retry-After',
  'content-type': 'Content-Type',
  'content-length': 'Content-Length',
  location: 'Location',
  'request-id': 'request-id',
  'client-request-id': 'client-request-id',
  'ms-correlationid': 'MS-CorrelationId',
  timestamp: 'timestamp',
  'preference-applied': 'Preference-Applied',
  date: 'Date',
  connection: 'Connection',
  'if-match': 'If-Match',
  'x-caller-id': 'X-Caller-Id',
};

const canonical = (name: string): string =>
  CANONICAL_HEADERS[name.toLowerCase()] ??
  name
    .split('-')
    .map((part) => (part === '' ? part : part[0]?.toUpperCase() + part.slice(1)))
    .join('-');

const isAbsent = (value: unknown): boolean => value === undefined || value === null || value === '';

/** The HTTP request an operation becomes. */
interface ApiRequest {
  method: string;
  path: string;
  body?: unknown;
  headers: Record<string, string>;
}

const refused = (operationId: string, message: string): ConnectorResponse => ({
  statusCode: 400,
  headers: {},
  body: { error: { code: 'invalidRequest', message: `${operationId}: ${message}` } },
});

/**
 * The request an operation's parameters make, per its contract; a 400 answer (no call made) when a required
 * parameter without a default is missing, as the platform refuses to run such an action.
 */
function apiRequest(
  contract: ConnectorContract,
  operation: ContractOperation,
  request: ConnectorRequest,
  options: PartnerCenterConnectorOptions,
): ApiRequest | ConnectorResponse {
  const given = request.parameters;
  for (const key of Object.keys(given)) {
    if (!parameterFor(operation, key)) options.onUndeclaredParameter?.(contract.apiName, operation.operationId, key);
  }
  let path = `${contract.basePath}${operation.path}`;
  const query = new URLSearchParams();
  const headers: Record<string, string> = { ...operation.headers };
  let body: unknown;
  for (const parameter of operation.parameters) {
    const value = isAbsent(given[parameter.name]) ? parameter.default : given[parameter.name];
    if (isAbsent(value)) {
      if (parameter.required) return refused(operation.operationId, `the required parameter '${parameter.name}' is missing`);
      continue;
    }
    switch (parameter.in) {
      case 'path':
        path = path.replace(`{${parameter.name}}`, encodeURIComponent(display(value)));
        break;
      case 'query':
        query.set(parameter.name, display(value));
        break;
      case 'header':
        headers[canonical(parameter.name)] = display(value);
        break;
      case 'body':
        body = value;
        break;
    }
  }
  if (operation.method === 'PATCH' && options.preferRepresentation) headers.Prefer = 'return=representation';
  const search = query.toString();
  return { method: operation.method, path: `${path}${search ? `?${search}` : ''}`, body, headers };
}

/**
 * A connector function for the flow runtime, for the operations contracts/connectors lists for
 * `shared_partnercenterref` and `shared_partnercenterevents`. An undeclared parameter is dropped (see
 * onUndeclaredParameter), a missing required one answers 400 without calling the API; an operation the
 * connector does not have throws, as a flow naming it could not be saved.
 */
export function partnerCenterConnector(
  emulator: PartnerCenterEmulator,
  options: PartnerCenterConnectorOptions = {},
): (request: ConnectorRequest) => Promise<ConnectorResponse> {
  return async (request) => {
    const contract = PARTNER_CENTER_APIS.has(request.apiName) ? contractOf(request.apiName) : undefined;
    if (!contract) throw new Error(`partnerCenterConnector: not a Partner Center connector: ${request.apiName}`);
    const operation = operationOf(contract, request.operationId);
    if (!operation) throw new Error(`partnerCenterConnector: ${request.apiName} has no operation ${request.operationId}`);
    const call = apiRequest(contract, operation, request, options);
    if ('statusCode' in call) return call;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${options.bearerToken ?? 'emulated-token'}`,
      'client-request-id': randomUUID(),
      ...call.headers,
    };
    if (call.body === undefined) delete headers['Content-Type'];
    else headers['Content-Type'] ??= 'application/json';
    const response = await sendHttp(`${emulator.baseUrl}${call.path}`, {
      method: call.method,
      headers,
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
    });
    return connectorResponse(response);
  };
}

/** The answer as an action's outputs: headers in their usual spelling, a JSON body parsed. */
function connectorResponse(response: HttpResult): ConnectorResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) headers[canonical(name)] = value;
  const text = response.body.toString('utf8');
  let parsed: unknown = null;
  if (text !== '') {
    const isJson = /json/i.test(response.headers['content-type'] ?? '');
    try {
      parsed = isJson ? JSON.parse(text) : text;
    } catch {
      parsed = text;
    }
  }
  return { statusCode: response.status, headers, body: parsed };
}
