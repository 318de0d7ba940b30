/**
 * The two Partner Center connectors as the flow runtime calls them (`shared_partnercenterref`,
 * `shared_partnercenterevents`): each operation becomes the real HTTP request to the emulator, and the response
 * comes back as an action's outputs ({ statusCode, headers, body }).
 */
import { randomUUID } from 'node:crypto';
import type { ConnectorRequest, ConnectorResponse } from '../contracts.js';
import { display } from '../display.js';
import { EventsOperation, EventsParameter, ReferralsOperation, ReferralsParameter } from '../../flows/connectors.js';
import { ConnectorApi } from '../../solution/cosell.js';
import type { PartnerCenterEmulator } from './emulator.js';
import { REFERRALS_PATH } from './referral-store.js';
import { REGISTRATION_PATH } from './registration.js';
import { sendHttp, type HttpResult } from './http.js';

interface PartnerCenterConnectorOptions {
  /**
   * Send `Prefer: return=representation` on PatchReferralById, so the patched referral comes back (200) instead of
   * 204 No Content. Whether the real connector does is not documented (its swagger has no Prefer parameter); off by
   * default, so a flow that relies on a PATCH body is caught.
   */
  preferRepresentation?: boolean;
  /** The bearer token sent (the emulator checks it only with requireAuthorization). */
  bearerToken?: string;
}

/** The parameter key of UpdateReferralById's body in the connector's swagger (§4 of the docs), besides `Referral`. */
const UPDATE_BODY_KEYS = ['odataReferral', ReferralsParameter.Body] as const;
const QUERY_KEYS = [
  ReferralsParameter.Filter,
  ReferralsParameter.Top,
  ReferralsParameter.Skip,
  ReferralsParameter.OrderBy,
  '$select',
  '$expand',
  '$count',
] as const;

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
};

const canonical = (name: string): string =>
  CANONICAL_HEADERS[name] ??
  name
    .split('-')
    .map((part) => (part === '' ? part : part[0]?.toUpperCase() + part.slice(1)))
    .join('-');

function requireParameter(request: ConnectorRequest, key: string): string | ConnectorResponse {
  const value = request.parameters[key];
  if (value === undefined || value === null || value === '') {
    return {
      statusCode: 400,
      headers: {},
      body: { error: { code: 'invalidRequest', message: `${request.operationId}: the required parameter '${key}' is missing` } },
    };
  }
  return display(value);
}

/** The HTTP request an operation becomes. */
interface ApiRequest {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

const unknownOperation = (request: ConnectorRequest): Error =>
  new Error(`partnerCenterConnector: ${request.apiName} has no operation ${request.operationId}`);

/** `shared_partnercenterref`; a ConnectorResponse (400) when a required parameter is missing. */
function referralsRequest(request: ConnectorRequest, options: PartnerCenterConnectorOptions): ApiRequest | ConnectorResponse {
  const parameters = request.parameters;
  switch (request.operationId) {
    case ReferralsOperation.GetAllReferrals: {
      const query = new URLSearchParams();
      for (const key of QUERY_KEYS) {
        const value = parameters[key];
        if (value !== undefined && value !== null && value !== '') query.set(key, display(value));
      }
      const search = query.toString();
      return { method: 'GET', path: `${REFERRALS_PATH}${search ? `?${search}` : ''}` };
    }
    case ReferralsOperation.CreateReferral:
      return { method: 'POST', path: REFERRALS_PATH, body: parameters[ReferralsParameter.Body] };
    case ReferralsOperation.GetReferralById:
    case ReferralsOperation.UpdateReferralById:
    case ReferralsOperation.PatchReferralById:
      return referralRequest(request, options);
    default:
      throw unknownOperation(request);
  }
}

/** The operations on one referral: GET, PUT (If-Match required), PATCH (If-Match when given). */
function referralRequest(request: ConnectorRequest, options: PartnerCenterConnectorOptions): ApiRequest | ConnectorResponse {
  const id = requireParameter(request, ReferralsParameter.Id);
  if (typeof id !== 'string') return id;
  const path = `${REFERRALS_PATH}/${encodeURIComponent(id)}`;
  if (request.operationId === ReferralsOperation.GetReferralById) return { method: 'GET', path };
  if (request.operationId === ReferralsOperation.UpdateReferralById) {
    const ifMatch = requireParameter(request, ReferralsParameter.IfMatch);
    if (typeof ifMatch !== 'string') return ifMatch;
    const body = UPDATE_BODY_KEYS.map((key) => request.parameters[key]).find((value) => value !== undefined);
    return { method: 'PUT', path, body, headers: { 'If-Match': ifMatch } };
  }
  const ifMatch = request.parameters[ReferralsParameter.IfMatch];
  const headers: Record<string, string> = {};
  if (ifMatch !== undefined && ifMatch !== null && ifMatch !== '') headers['If-Match'] = display(ifMatch);
  if (options.preferRepresentation) headers.Prefer = 'return=representation';
  return { method: 'PATCH', path, body: request.parameters[ReferralsParameter.Body], headers };
}

/** `shared_partnercenterevents`: the webhook registration. */
function eventsRequest(request: ConnectorRequest): ApiRequest {
  const body = request.parameters[EventsParameter.Body];
  switch (request.operationId) {
    case EventsOperation.ViewRegistration:
      return { method: 'GET', path: REGISTRATION_PATH };
    case EventsOperation.EventRegistration:
      return { method: 'POST', path: REGISTRATION_PATH, body };
    case EventsOperation.UpdateRegistration:
      return { method: 'PUT', path: REGISTRATION_PATH, body };
    default:
      throw unknownOperation(request);
  }
}

/**
 * A connector function for the flow runtime: `shared_partnercenterref` (GetAllReferrals, CreateReferral,
 * GetReferralById, UpdateReferralById, PatchReferralById) and `shared_partnercenterevents` (ViewRegistration,
 * EventRegistration, UpdateRegistration). A missing required parameter answers 400 without calling the API (as
 * the platform does); an unknown api or operation throws.
 */
export function partnerCenterConnector(
  emulator: PartnerCenterEmulator,
  options: PartnerCenterConnectorOptions = {},
): (request: ConnectorRequest) => Promise<ConnectorResponse> {
  return async (request) => {
    const apiRequest =
      request.apiName === ConnectorApi.PartnerCenterReferrals
        ? referralsRequest(request, options)
        : request.apiName === ConnectorApi.PartnerCenterEvents
          ? eventsRequest(request)
          : undefined;
    if (!apiRequest) throw new Error(`partnerCenterConnector: not a Partner Center connector: ${request.apiName}`);
    if ('statusCode' in apiRequest) return apiRequest;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${options.bearerToken ?? 'emulated-token'}`,
      'client-request-id': randomUUID(),
    };
    const correlationId = request.parameters['MS-CorrelationId'];
    if (typeof correlationId === 'string' && correlationId !== '') headers['MS-CorrelationId'] = correlationId;
    Object.assign(headers, apiRequest.headers);
    const body = apiRequest.body;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await sendHttp(`${emulator.baseUrl}${apiRequest.path}`, {
      method: apiRequest.method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
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
