/**
 * The emulator's HTTP front: which operation a request is, injected faults and the bearer check before it
 * is handled, one handler per operation, and the response with Partner Center's headers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../contracts.js';
import type { EmulatorOperation, Faults } from './faults.js';
import { ApiError } from './referral-model.js';
import { createReferral, getReferral, listReferrals, patchReferral, putReferral, type ReferralsContext } from './referrals-api.js';
import { errorReply, faultReply, type Reply } from './reply.js';
import {
  getValidationEvent,
  postValidationEvent,
  register,
  registrationEvents,
  viewRegistration,
  type WebhooksContext,
} from './webhooks-api.js';

export const CERTIFICATE_PATH = '/certificates/pcnotifications-dispatch.microsoft.com.cer';

/** One API call as the emulator answered it. */
export interface ApiCall {
  method: string;
  /** Path and query as requested. */
  path: string;
  operation: EmulatorOperation;
  status: number;
  /** Virtual time the call arrived. */
  at: string;
  /** Set when an injected fault answered it (or slowed it). */
  fault?: { status?: number; latencyMs?: number; outage?: true };
  requestHeaders: Record<string, string>;
}

/** What the handlers work on (built per request: the base URL is known once the server listens). */
export interface ApiContext {
  readonly clock: Clock;
  readonly faults: Faults;
  readonly requireAuthorization: boolean;
  readonly referrals: ReferralsContext;
  readonly webhooks: WebhooksContext;
  readonly certificatePem: string;
  /** Runs before each call is handled: the 14-day expiry. */
  readonly beforeCall: () => void;
  /** Hears each call once answered, before the response is sent. */
  readonly record: (call: ApiCall) => void;
}

interface ApiRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  /** The body as JSON (undefined when empty); 400 when it is not JSON. */
  json(): unknown;
}

const REFERRALS = /^\/v1\.0\/engagements\/referrals\/?$/i;
const REFERRAL = /^\/v1\.0\/engagements\/referrals\/([^/]+)\/?$/i;
const REGISTRATION = /^\/webhooks\/v1\/registration\/?$/i;
const REGISTRATION_EVENTS = /^\/webhooks\/v1\/registration\/events\/?$/i;
const VALIDATION_EVENTS = /^\/webhooks\/v1\/registration\/validationEvents\/?$/i;
const VALIDATION_EVENT = /^\/webhooks\/v1\/registration\/validationEvents\/([^/]+)\/?$/i;
const CERTIFICATE = /^\/certificates\/pcnotifications-dispatch\.microsoft\.com\.cer$/i;

/** Each path and the operation of each method on it (connector operation ids where the flows call it). */
const OPERATIONS: ReadonlyArray<[RegExp, Readonly<Record<string, EmulatorOperation>>]> = [
  [REFERRALS, { GET: 'GetAllReferrals', POST: 'CreateReferral' }],
  [REFERRAL, { GET: 'GetReferralById', PUT: 'UpdateReferralById', PATCH: 'PatchReferralById' }],
  [REGISTRATION, { GET: 'ViewRegistration', POST: 'EventRegistration', PUT: 'UpdateRegistration' }],
  [REGISTRATION_EVENTS, { GET: 'RegistrationEvents' }],
  [VALIDATION_EVENTS, { POST: 'PostValidationEvent' }],
  [VALIDATION_EVENT, { GET: 'GetValidationEvent' }],
  [CERTIFICATE, { GET: 'GetCertificate' }],
];

/** Maps a request to the operation it is. */
function classify(method: string, path: string): EmulatorOperation {
  const methods = OPERATIONS.find(([pattern]) => pattern.test(path))?.[1];
  return methods && Object.prototype.hasOwnProperty.call(methods, method) ? methods[method]! : 'Unknown';
}

const referralIdOf = (path: string): string => decodeURIComponent(REFERRAL.exec(path)?.[1] ?? '');

const ROUTES: Readonly<Record<EmulatorOperation, (api: ApiContext, request: ApiRequest) => Reply>> = {
  GetAllReferrals: (api, request) => listReferrals(api.referrals, request.url),
  CreateReferral: (api, request) => createReferral(api.referrals, request.json()),
  GetReferralById: (api, request) => getReferral(api.referrals, referralIdOf(request.url.pathname)),
  UpdateReferralById: (api, request) =>
    putReferral(api.referrals, referralIdOf(request.url.pathname), request.json(), request.headers['if-match']),
  PatchReferralById: (api, request) =>
    patchReferral(api.referrals, referralIdOf(request.url.pathname), request.json(), request.headers['if-match'], request.headers.prefer),
  ViewRegistration: (api) => viewRegistration(api.webhooks),
  EventRegistration: (api, request) => register(api.webhooks, request.json(), false),
  UpdateRegistration: (api, request) => register(api.webhooks, request.json(), true),
  RegistrationEvents: () => registrationEvents(),
  PostValidationEvent: (api) => postValidationEvent(api.webhooks),
  GetValidationEvent: (api, request) => getValidationEvent(api.webhooks, decodeURIComponent(request.url.pathname.split('/').pop() ?? '')),
  GetCertificate: (api) => ({ status: 200, raw: { contentType: 'application/x-x509-ca-cert', data: api.certificatePem } }),
  Unknown: (_api, request) => {
    const path = request.url.pathname;
    if (OPERATIONS.some(([pattern]) => pattern.test(path)))
      throw new ApiError(405, 'invalidRequest', `${request.method} is not allowed on ${path}`);
    throw new ApiError(404, 'itemNotFound', `No resource at ${path}`);
  },
};

/** Answers one request. */
export async function handle(api: ApiContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const method = (request.method ?? 'GET').toUpperCase();
  const rawPath = request.url ?? '/';
  const url = new URL(rawPath, 'http://127.0.0.1');
  const operation = classify(method, url.pathname);
  const requestHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) requestHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const call: ApiCall = { method, path: rawPath, operation, status: 0, at: api.clock.now().toISOString(), requestHeaders };
  let reply: Reply;
  try {
    const body = await readBody(request);
    api.beforeCall();
    reply = await answer(api, call, { method, url, headers: requestHeaders, json: () => parseJson(body) });
  } catch (error) {
    reply = errorReply(error instanceof ApiError ? error : new ApiError(500, 'generalException', (error as Error).message));
  }
  call.status = reply.status;
  api.record(call);
  send(response, reply, api.clock, requestHeaders);
}

/** An injected fault (and its latency), the bearer check, then the operation's handler. */
async function answer(api: ApiContext, call: ApiCall, request: ApiRequest): Promise<Reply> {
  const outage = api.faults.outageAt(request.method, request.url.pathname, call.operation, api.clock.now().getTime());
  if (outage) {
    call.fault = { status: outage.status, outage: true };
    return faultReply(outage.status, outage.retryAfterSeconds);
  }
  const fault = api.faults.take(request.method, request.url.pathname, call.operation);
  if (fault) call.fault = { ...(fault.status ? { status: fault.status } : {}), ...(fault.latencyMs ? { latencyMs: fault.latencyMs } : {}) };
  if (fault?.latencyMs) await api.clock.sleep(fault.latencyMs);
  if (fault?.status && !fault.afterCommit) return faultReply(fault.status, fault.retryAfterSeconds);
  if (api.requireAuthorization && call.operation !== 'GetCertificate' && !/^Bearer\s+\S+/i.test(request.headers.authorization ?? '')) {
    return errorReply(new ApiError(401, 'unauthenticated', 'A bearer token is required'));
  }
  const reply = ROUTES[call.operation](api, request);
  return fault?.status ? faultReply(fault.status, fault.retryAfterSeconds) : reply;
}

function send(response: ServerResponse, reply: Reply, clock: Clock, requestHeaders: Record<string, string>): void {
  const headers: Record<string, string> = {
    'request-id': randomUUID(),
    'client-request-id': requestHeaders['client-request-id'] ?? randomUUID(),
    'MS-CorrelationId': requestHeaders['ms-correlationid'] ?? randomUUID(),
    timestamp: clock.now().toISOString(),
    ...(reply.headers ?? {}),
  };
  let payload: Buffer | undefined;
  if (reply.raw) {
    headers['Content-Type'] = reply.raw.contentType;
    payload = Buffer.isBuffer(reply.raw.data) ? reply.raw.data : Buffer.from(reply.raw.data, 'utf8');
  } else if (reply.body !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    payload = Buffer.from(JSON.stringify(reply.body), 'utf8');
  }
  headers['Content-Length'] = String(payload?.length ?? 0);
  response.writeHead(reply.status, headers);
  response.end(payload);
}

function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalidRequest', 'The request body is not valid JSON', 'body');
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
