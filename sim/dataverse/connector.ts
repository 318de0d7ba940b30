import type { ConnectorRequest, ConnectorResponse } from '../contracts.js';
import type { DataverseEmulator } from './emulator.js';
import { display } from '../display.js';

/**
 * The Dataverse connector (`shared_commondataserviceforapps`) as the flow runtime sees it: each
 * operation our flows use becomes a real Web API request to the emulator, with the parameters the
 * designer writes (`entityName`, `recordId`, `$select`…, `item/<column>` or a whole `item` object).
 * The action's outputs are the Web API's status, headers and JSON body.
 */

const DATAVERSE_API = 'shared_commondataserviceforapps';

export type DataverseConnector = (request: ConnectorRequest) => Promise<ConnectorResponse>;

const QUERY_PARAMETERS = ['$select', '$filter', '$orderby', '$expand', '$top', '$count', 'fetchXml', '$skiptoken', '$apply'] as const;

const failure = (statusCode: number, message: string): ConnectorResponse => ({
  statusCode,
  headers: {},
  body: { error: { code: 'InvalidConnectorRequest', message } },
});

/** The row a write sends: a whole `item` object, overlaid with flattened `item/<column>` parameters. */
export function itemOf(parameters: Record<string, unknown>): Record<string, unknown> | string {
  const item: Record<string, unknown> = {};
  const whole = parameters.item;
  if (whole !== undefined && whole !== null) {
    if (typeof whole !== 'object' || Array.isArray(whole)) return "The 'item' parameter must be an object.";
    Object.assign(item, whole);
  }
  for (const [key, value] of Object.entries(parameters)) {
    if (key.startsWith('item/') && value !== undefined) item[key.slice('item/'.length)] = value;
  }
  return item;
}

/** `recordId` as the URL key segment: a GUID (braces dropped) or an alternate key `col='value'`. */
const keySegment = (recordId: unknown): string =>
  encodeURIComponent(
    display(recordId ?? '')
      .trim()
      .replace(/^\{(.*)\}$/, '$1'),
  );

export function dataverseConnector(emulator: DataverseEmulator): DataverseConnector {
  return async (request) => {
    if (request.apiName !== DATAVERSE_API) {
      throw new Error(`dataverseConnector handles ${DATAVERSE_API}, not ${request.apiName}`);
    }
    const parameters = request.parameters;
    const entitySet = parameters.entityName;
    if (typeof entitySet !== 'string' || entitySet.trim() === '') return failure(400, "The 'entityName' parameter is required.");
    const collection = `/${encodeURIComponent(entitySet.trim())}`;
    const record = `${collection}(${keySegment(parameters.recordId)})`;
    const query = (names: readonly string[]): string => {
      const search = new URLSearchParams();
      for (const name of names) {
        const value = parameters[name];
        if (value !== undefined && value !== null && value !== '') search.set(name, display(value));
      }
      const text = search.toString();
      return text ? `?${text}` : '';
    };

    switch (request.operationId) {
      case 'ListRecords':
        return send(emulator, 'GET', `${collection}${query(QUERY_PARAMETERS)}`);
      case 'GetItem':
        return send(emulator, 'GET', `${record}${query(['$select', '$expand'])}`);
      case 'CreateRecord': {
        const item = itemOf(parameters);
        if (typeof item === 'string') return failure(400, item);
        return send(emulator, 'POST', collection, item, { Prefer: 'return=representation,odata.include-annotations="*"' });
      }
      case 'UpdateRecord': {
        const item = itemOf(parameters);
        if (typeof item === 'string') return failure(400, item);
        return send(emulator, 'PATCH', record, item, { Prefer: 'return=representation,odata.include-annotations="*"' });
      }
      case 'UpdateOnlyRecord': {
        const item = itemOf(parameters);
        if (typeof item === 'string') return failure(400, item);
        return send(emulator, 'PATCH', record, item, { Prefer: 'return=representation,odata.include-annotations="*"', 'If-Match': '*' });
      }
      case 'DeleteRecord':
        return send(emulator, 'DELETE', record);
      default:
        return failure(501, `The Dataverse emulator's connector does not implement the operation ${request.operationId}.`);
    }
  };
}

async function send(
  emulator: DataverseEmulator,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<ConnectorResponse> {
  const response = await fetch(`${emulator.apiUrl}${path}`, {
    method,
    headers: {
      Accept: 'application/json',
      'OData-MaxVersion': '4.0',
      'OData-Version': '4.0',
      Prefer: 'odata.include-annotations="*"',
      ...(body !== undefined ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
      ...extraHeaders,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
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
