import type { Clock, ConnectorResponse } from '../../sim/contracts.js';
import { DataverseEmulator, type DataverseEmulatorOptions } from '../../sim/dataverse/emulator.js';
import { dataverseConnector, type DataverseConnector } from '../../sim/dataverse/connector.js';
import type { Json } from '../support/json.js';
import { defaultModel } from '../support/model.js';

/** Virtual time for the emulator's createdon/modifiedon. */
export class VirtualClock implements Clock {
  private time: number;
  constructor(start = '2025-03-01T09:00:00Z') {
    this.time = Date.parse(start);
  }
  now(): Date {
    return new Date(this.time);
  }
  sleep(ms: number): Promise<void> {
    this.time += ms;
    return Promise.resolve();
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export const model = defaultModel();

export interface Harness {
  dv: DataverseEmulator;
  clock: VirtualClock;
  connector: DataverseConnector;
}

/** A started emulator on the shipped model; stop it in afterEach. */
export async function startEmulator(options: Partial<DataverseEmulatorOptions> = {}): Promise<Harness> {
  const clock = new VirtualClock();
  const dv = new DataverseEmulator({ model, clock, ...options });
  await dv.start();
  return { dv, clock, connector: dataverseConnector(dv) };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Json;
}

/** A raw Web API request, as any HTTP client would send it. */
export async function api(
  dv: DataverseEmulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const response = await fetch(`${dv.apiUrl}${path}`, {
    method,
    headers: {
      Accept: 'application/json',
      'OData-Version': '4.0',
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** `?$filter=…` with the value percent-encoded as an HTTP client does. */
export const q = (options: Record<string, string | number>): string =>
  `?${Object.entries(options)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&')}`;

export const DATAVERSE = 'shared_commondataserviceforapps';

/** One connector call as the flow runtime makes it. */
export function connectorCall(
  connector: DataverseConnector,
  operationId: string,
  parameters: Record<string, unknown>,
): Promise<ConnectorResponse> {
  return connector({ apiName: DATAVERSE, connectionReferenceLogicalName: 'pcs_Dataverse', operationId, parameters });
}

export const body = (response: ConnectorResponse): Json => response.body;

export const USD = 'a1b2c3d4-0001-4000-8000-000000000840';
export const EUR = 'a1b2c3d4-0001-4000-8000-000000000978';
