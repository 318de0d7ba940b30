import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../sim/contracts.js';
import { PartnerCenterEmulator, type PartnerCenterEmulatorOptions } from '../../sim/partner-center/index.js';
import { sendHttp } from '../../sim/partner-center/http.js';
import type { Json } from '../support/json.js';

/** Virtual time: sleep moves it at once. */
export class VirtualClock implements Clock {
  private time: number;
  constructor(start = '2024-03-01T09:00:00.000Z') {
    this.time = Date.parse(start);
  }
  now(): Date {
    return new Date(this.time);
  }
  sleep(ms: number): Promise<void> {
    this.time += ms;
    return Promise.resolve();
  }
}

export const DAY = 24 * 60 * 60 * 1000;

export interface Harness {
  clock: VirtualClock;
  emulator: PartnerCenterEmulator;
}

export async function startEmulator(options: Omit<PartnerCenterEmulatorOptions, 'clock'> = {}, start?: string): Promise<Harness> {
  const clock = new VirtualClock(start);
  // The queue's own tests send on flush, one at a time; the prompt and concurrent modes have tests of their own.
  const emulator = new PartnerCenterEmulator({ clock, delivery: { timing: 'on-flush', order: 'sequential' }, ...options });
  await emulator.start();
  return { clock, emulator };
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  json: Json;
  text: string;
}

/** A real HTTP call to the emulator. */
export async function api(
  emulator: PartnerCenterEmulator,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { Authorization: 'Bearer test', ...(options.headers ?? {}) };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await sendHttp(`${emulator.baseUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
  });
  const text = response.body.toString('utf8');
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

export const REFERRALS = '/v1.0/engagements/referrals';

/** A minimal valid co-sell referral body, as the Create Co-sell Referral flow sends one. */
export function referralBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Contoso expansion',
    externalReferenceId: '7f3c1b2a-0000-0000-0000-000000000001',
    type: 'Shared',
    qualification: 'SalesQualified',
    customerProfile: {
      name: 'Contoso Customer Inc',
      address: { addressLine1: 'One Microsoft Way', city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US' },
      team: [{ firstName: 'Sue', lastName: 'Smith', email: 'sue@contoso.example', phoneNumber: '1234567890' }],
    },
    consent: { consentToShareReferralWithMicrosoftSellers: true, consentToContact: true },
    details: {
      notes: 'Needs a Dynamics 365 roll-out',
      dealValue: 50000,
      currency: 'USD',
      closingDateTime: '2024-06-30T00:00:00Z',
      requirements: { solutions: [{ id: 'SOL-15974-MQF', name: 'Contoso Sales', type: 'Name' }] },
    },
    target: [],
    ...overrides,
  };
}

export async function createReferral(emulator: PartnerCenterEmulator, overrides: Record<string, unknown> = {}): Promise<Json> {
  const response = await api(emulator, 'POST', REFERRALS, { body: referralBody(overrides) });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${response.text}`);
  return response.json;
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
  json: Json;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The status the next requests get (200 by default). */
  status: number;
  close(): Promise<void>;
}

/** A tiny webhook receiver on 127.0.0.1 that records each POST with its exact bytes. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = { url: '', received, status: 200, close: () => Promise.resolve() };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ headers: request.headers, body, json: JSON.parse(body.toString('utf8')) });
      response.writeHead(receiver.status, { 'Content-Type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/partner-center-webhook`;
  receiver.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}

/** Registers the receiver for the four referral events. */
export async function register(emulator: PartnerCenterEmulator, url: string, extra: Record<string, unknown> = {}): Promise<ApiResponse> {
  return api(emulator, 'POST', '/webhooks/v1/registration', {
    body: {
      WebhookUrl: url,
      WebhookEvents: ['referral-created', 'referral-updated', 'related-referral-created', 'related-referral-updated'],
      ...extra,
    },
  });
}
