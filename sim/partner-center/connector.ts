/**
 * The two Partner Center connectors as the flow runtime calls them (`shared_partnercenterref`,
 * `shared_partnercenterevents`): each operation becomes the real HTTP request to the emulator, and the response
 * comes back as an action's outputs ({ statusCode, headers, body }).
 */
import { randomUUID } from 'node:crypto';
import type { ConnectorRequest, ConnectorResponse } from '../contracts.js';
import { EventsOperation, EventsParameter, ReferralsOperation, ReferralsParameter } from '../../flows/connectors.js';
import { ConnectorApi } from '../../solution/cosell.js';
import { REFERRALS_PATH, REGISTRATION_PATH, type PartnerCenterEmulator } from './emulator.js';
import { sendHttp } from './http.js';

export interface PartnerCenterConnectorOptions {
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
  return String(value);
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
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${options.bearerToken ?? 'emulated-token'}`,
      'client-request-id': randomUUID(),
    };
    const correlationId = request.parameters['MS-CorrelationId'];
    if (typeof correlationId === 'string' && correlationId !== '') headers['MS-CorrelationId'] = correlationId;
    let method: string;
    let path: string;
    let body: unknown;

    if (request.apiName === ConnectorApi.PartnerCenterReferrals) {
      switch (request.operationId) {
        case ReferralsOperation.GetAllReferrals: {
          method = 'GET';
          const query = new URLSearchParams();
          for (const key of QUERY_KEYS) {
            const value = request.parameters[key];
            if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
          }
          const search = query.toString();
          path = `${REFERRALS_PATH}${search ? `?${search}` : ''}`;
          break;
        }
        case ReferralsOperation.CreateReferral:
          method = 'POST';
          path = REFERRALS_PATH;
          body = request.parameters[ReferralsParameter.Body];
          break;
        case ReferralsOperation.GetReferralById:
        case ReferralsOperation.UpdateReferralById:
        case ReferralsOperation.PatchReferralById: {
          const id = requireParameter(request, ReferralsParameter.Id);
          if (typeof id !== 'string') return id;
          path = `${REFERRALS_PATH}/${encodeURIComponent(id)}`;
          const ifMatch = request.parameters[ReferralsParameter.IfMatch];
          if (request.operationId === ReferralsOperation.GetReferralById) {
            method = 'GET';
          } else if (request.operationId === ReferralsOperation.UpdateReferralById) {
            method = 'PUT';
            const required = requireParameter(request, ReferralsParameter.IfMatch);
            if (typeof required !== 'string') return required;
            headers['If-Match'] = required;
            body = UPDATE_BODY_KEYS.map((key) => request.parameters[key]).find((value) => value !== undefined);
          } else {
            method = 'PATCH';
            if (ifMatch !== undefined && ifMatch !== null && ifMatch !== '') headers['If-Match'] = String(ifMatch);
            if (options.preferRepresentation) headers.Prefer = 'return=representation';
            body = request.parameters[ReferralsParameter.Body];
          }
          break;
        }
        default:
          throw new Error(`partnerCenterConnector: ${request.apiName} has no operation ${request.operationId}`);
      }
    } else if (request.apiName === ConnectorApi.PartnerCenterEvents) {
      path = REGISTRATION_PATH;
      switch (request.operationId) {
        case EventsOperation.ViewRegistration:
          method = 'GET';
          break;
        case EventsOperation.EventRegistration:
          method = 'POST';
          body = request.parameters[EventsParameter.Body];
          break;
        case EventsOperation.UpdateRegistration:
          method = 'PUT';
          body = request.parameters[EventsParameter.Body];
          break;
        default:
          throw new Error(`partnerCenterConnector: ${request.apiName} has no operation ${request.operationId}`);
      }
    } else {
      throw new Error(`partnerCenterConnector: not a Partner Center connector: ${request.apiName}`);
    }

    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await sendHttp(`${emulator.baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const outHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) outHeaders[canonical(name)] = value;
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
    return { statusCode: response.status, headers: outHeaders, body: parsed };
  };
}
