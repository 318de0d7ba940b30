/**
 * A Partner Center stand-in for the offline rehearsal: the Referrals API, the webhook registration API and signed
 * webhook deliveries, over real HTTP on 127.0.0.1, on a virtual clock, with switchable faults. What it implements
 * and from which public page is in CONTRACT.md beside this file.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../contracts.js';
import { Faults, type EmulatorOperation } from './faults.js';
import { sendHttp } from './http.js';
import { compileFilter, compileOrderBy } from './odata.js';
import {
  ApiError,
  READ_ONLY_PROPERTIES,
  applyJsonPatch,
  checkStatusPair,
  checkTransition,
  clone,
  formatDateTime,
  isObject,
  parseDateTime,
  validateReferralBody,
  type JsonObject,
  type PatchOperation,
} from './referral-model.js';
import { signatureHeaders } from './webhook-signature.js';
import { emulatorDispatchCertificate, type SelfSignedCertificate } from './x509.js';

/** Where webhook payloads say the referral is (the webhook host's shape, not the Referrals API's). */
export const RESOURCE_URI_BASE = 'https://api.partnercenter.microsoft.com/engagements/v1/referrals/';
export const REFERRALS_PATH = '/v1.0/engagements/referrals';
export const REGISTRATION_PATH = '/webhooks/v1/registration';
export const CERTIFICATE_PATH = '/certificates/pcnotifications-dispatch.microsoft.com.cer';

export const REFERRAL_EVENTS = ['referral-created', 'referral-updated', 'related-referral-created', 'related-referral-updated'] as const;
/** What GET /webhooks/v1/registration/events lists: the referral events, the test event, and others the emulator never raises. */
export const SUPPORTED_EVENTS = [
  ...REFERRAL_EVENTS,
  'test-created',
  'subscription-updated',
  'usagerecords-thresholdExceeded',
  'invoice-ready',
] as const;

const DAY = 24 * 60 * 60 * 1000;
const MICROSOFT_ORGANIZATION_ID = 'msft';

export interface PartnerCenterEmulatorOptions {
  clock: Clock;
  /** Our (the partner's) organization, as referrals name it. */
  partnerOrganizationId?: string;
  partnerOrganizationName?: string;
  /** Server-driven page size of the list (a page ends with @odata.nextLink when more remain). Default 100. */
  pageSize?: number;
  /** Days an unanswered inbound referral stays New before it expires. Default 14. */
  expiryDays?: number;
  /** Delivery attempts per event before it goes to the offline queue. Default 10. */
  maxDeliveryAttempts?: number;
  /** Virtual time between two attempts of a failed delivery. Default one minute. */
  deliveryRetryIntervalMs?: number;
  /** Refuse API calls without `Authorization: Bearer …` (401). Default false. */
  requireAuthorization?: boolean;
  /** Port to listen on (127.0.0.1). Default: a free one. */
  port?: number;
}

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
  fault?: { status?: number; latencyMs?: number };
  requestHeaders: Record<string, string>;
}

/** A change the emulator raised as a webhook event (whether or not a registration wanted it). */
export interface RaisedEvent {
  eventName: string;
  resourceUri: string;
  referralId?: string;
  at: string;
  /** Whether the registration at the time asked for it (so a delivery was queued). */
  queued: boolean;
}

/** One delivery attempt (or a dropped one). */
export interface Delivery {
  sequence: number;
  eventName: string;
  resourceUri: string;
  url: string;
  /** The exact bytes sent (UTF-8 JSON). */
  body: string;
  headers: Record<string, string>;
  attempt: number;
  /** Virtual time of the attempt. */
  at: string;
  outcome: 'delivered' | 'failed' | 'dropped';
  /** The receiver's HTTP status. */
  status?: number;
  /** A network error, when the receiver could not be reached. */
  error?: string;
  /** The second copy of a duplicated delivery. */
  duplicate?: boolean;
}

export interface WebhookRegistration {
  SubscriberId: string;
  WebhookUrl: string;
  WebhookEvents: string[];
  SignatureTokenToMsSignatureHeader: boolean;
}

interface StoredReferral {
  doc: JsonObject;
  owner: 'partner' | 'microsoft';
  sequence: number;
}

interface QueuedDelivery {
  eventName: string;
  resourceUri: string;
  url: string;
  body: string;
  toMsSignatureHeader: boolean;
  attempt: number;
  dueAt: number;
  correlationId?: string;
}

interface ValidationEvent {
  correlationId: string;
  partnerId: string;
  status: 'queued' | 'completed' | 'failed';
  callbackUrl: string;
  createdAt: number;
  results: Array<{ responseCode: string; responseMessage: string; systemError: boolean; dateTimeUtc: string }>;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: { contentType: string; data: string | Buffer };
}

export type MicrosoftResponse = 'Accepted' | 'Declined';

/** What `shareReferralFromMicrosoft` accepts: any referral properties, over sensible defaults. */
export type SharedReferralInput = JsonObject & { expirationDateTime?: string };

const MAX_FLUSH_ROUNDS = 100;

export class PartnerCenterEmulator {
  readonly faults = new Faults();
  /** Every API call, in order. */
  readonly calls: ApiCall[] = [];
  /** Every webhook delivery attempt, in order. */
  readonly deliveries: Delivery[] = [];
  /** Every event raised. */
  readonly events: RaisedEvent[] = [];
  /** Events whose every attempt failed: Partner Center's "offline queue". */
  readonly undelivered: Delivery[] = [];

  private readonly clock: Clock;
  private readonly options: Required<Omit<PartnerCenterEmulatorOptions, 'clock' | 'port'>> & { port: number };
  private readonly store = new Map<string, StoredReferral>();
  private registration: (WebhookRegistration & { lastModified: string }) | undefined;
  private readonly validationEvents = new Map<string, ValidationEvent>();
  private validationPosts: number[] = [];
  private queue: QueuedDelivery[] = [];
  private server: Server | undefined;
  private url: string | undefined;
  private sequence = 0;
  private eTagCounter = 0;
  private deliverySequence = 0;
  private flushing: Promise<void> | undefined;
  private readonly certificate: SelfSignedCertificate;

  constructor(options: PartnerCenterEmulatorOptions) {
    this.clock = options.clock;
    this.options = {
      partnerOrganizationId: options.partnerOrganizationId ?? '7d23e5ca-19dc-4eaa-aac8-5e6b559f0d1d',
      partnerOrganizationName: options.partnerOrganizationName ?? 'Contoso Partner',
      pageSize: options.pageSize ?? 100,
      expiryDays: options.expiryDays ?? 14,
      maxDeliveryAttempts: options.maxDeliveryAttempts ?? 10,
      deliveryRetryIntervalMs: options.deliveryRetryIntervalMs ?? 60_000,
      requireAuthorization: options.requireAuthorization ?? false,
      port: options.port ?? 0,
    };
    this.certificate = emulatorDispatchCertificate();
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) => {
      void this.handle(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** `http://127.0.0.1:<port>`; the Referrals API is under /v1.0/engagements/referrals, webhooks under /webhooks/v1. */
  get baseUrl(): string {
    if (!this.url) throw new Error('PartnerCenterEmulator: call start() first');
    return this.url;
  }

  /** The dispatch certificate (PEM) deliveries are signed with: a receiver can pin it as its trust anchor. */
  get certificatePem(): string {
    return this.certificate.pem;
  }

  /** Where deliveries say the certificate is (served by the emulator). */
  get certificateUrl(): string {
    return `${this.baseUrl}${CERTIFICATE_PATH}`;
  }

  // ---------------------------------------------------------------- scenario hooks

  /** Every referral the tenant can see (ours and Microsoft's related ones), as the API returns them. */
  referrals(): JsonObject[] {
    return [...this.store.values()].sort((a, b) => a.sequence - b.sequence).map((stored) => this.render(stored));
  }

  referral(id: string): JsonObject | undefined {
    const stored = this.find(id);
    return stored ? this.render(stored) : undefined;
  }

  /** The registration, if any. */
  webhookRegistration(): WebhookRegistration | undefined {
    return this.registration ? this.publicRegistration() : undefined;
  }

  /** Webhook deliveries waiting (due now or later, e.g. retries). */
  get pendingDeliveries(): number {
    return this.queue.length;
  }

  /**
   * A Microsoft seller shares a co-sell referral with us: Incoming, Shared, New/Pending, expiring after 14 days;
   * raises `referral-created`. `input` properties replace the defaults (top level).
   */
  shareReferralFromMicrosoft(input: SharedReferralInput = {}): JsonObject {
    const now = this.clock.now();
    const { expirationDateTime, ...rest } = clone(input);
    const doc: JsonObject = {
      id: randomUUID(),
      engagementId: randomUUID(),
      organizationId: this.options.partnerOrganizationId,
      organizationName: this.options.partnerOrganizationName,
      name: 'Fabrikam co-sell opportunity',
      externalReferenceId: null,
      createdDateTime: formatDateTime(now),
      updatedDateTime: formatDateTime(now),
      expirationDateTime: expirationDateTime ?? formatDateTime(new Date(now.getTime() + this.options.expiryDays * DAY)),
      status: 'New',
      substatus: 'Pending',
      statusReason: null,
      type: 'Shared',
      qualification: 'SalesQualified',
      direction: 'Incoming',
      customerProfile: {
        name: 'Fabrikam Customer Inc',
        address: { addressLine1: 'One Microsoft Way', addressLine2: '', city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US' },
        size: '51to250employees',
        team: [
          {
            firstName: 'Sue',
            lastName: 'Smith',
            phoneNumber: '1234567890',
            email: 'sue.smith@fabrikam.example',
            contactPreference: { locale: 'en-US', disableNotifications: false },
          },
        ],
        ids: {},
      },
      consent: { consentToToShareInfoWithOthers: true, consentToContact: true },
      details: {
        notes: 'Customer needs help deploying Dynamics 365.',
        dealValue: 50000,
        currency: 'USD',
        closingDateTime: formatDateTime(new Date(now.getTime() + 90 * DAY)),
        requirements: { industries: [], products: [], services: [], solutions: [] },
      },
      team: [],
      inviteContext: {
        notes: 'Microsoft invites you to co-sell.',
        invitedBy: { organizationId: MICROSOFT_ORGANIZATION_ID, organizationName: 'Microsoft' },
      },
      target: [],
      ...rest,
    };
    const stored = this.insert(doc, 'partner');
    return this.render(stored);
  }

  /**
   * Microsoft's seller answers our shared referral: Microsoft's referral in the same engagement is created (first
   * answer) or updated, carrying Microsoft's CRM id in externalReferenceId and trackingInfo.microsoftMsxId; raises
   * `related-referral-created` / `related-referral-updated` with Microsoft's referral as the resource.
   */
  microsoftResponds(ourReferralId: string, response: MicrosoftResponse, options: { crmId?: string } = {}): JsonObject {
    const ours = this.find(ourReferralId);
    if (!ours || ours.owner !== 'partner') throw new Error(`microsoftResponds: no referral ${ourReferralId} of ours`);
    const [status, substatus] = response === 'Accepted' ? ['Active', 'Accepted'] : ['Closed', 'Declined'];
    const engagementId = ours.doc.engagementId;
    const existing = [...this.store.values()].find((stored) => stored.owner === 'microsoft' && stored.doc.engagementId === engagementId);
    const now = this.clock.now();
    if (!existing) {
      const crmId = options.crmId ?? null;
      const doc: JsonObject = {
        id: randomUUID(),
        engagementId,
        organizationId: MICROSOFT_ORGANIZATION_ID,
        organizationName: 'Microsoft',
        name: ours.doc.name ?? null,
        externalReferenceId: crmId,
        createdDateTime: formatDateTime(now),
        updatedDateTime: formatDateTime(now),
        acceptedDateTime: status === 'Active' ? formatDateTime(now) : null,
        expirationDateTime: null,
        status,
        substatus,
        statusReason: null,
        type: 'Shared',
        qualification: 'SalesQualified',
        direction: 'Incoming',
        customerProfile: clone(ours.doc.customerProfile ?? null),
        consent: clone(ours.doc.consent ?? null),
        details: clone(ours.doc.details ?? null),
        team: [],
        inviteContext: {
          invitedBy: { organizationId: this.options.partnerOrganizationId, organizationName: this.options.partnerOrganizationName },
        },
        target: [{ type: 'BusinessProfileLocation', id: MICROSOFT_ORGANIZATION_ID }],
        trackingInfo: { microsoftMsxId: crmId },
      };
      return this.render(this.insert(doc, 'microsoft'));
    }
    const next = clone(existing.doc);
    next.status = status;
    next.substatus = substatus;
    if (options.crmId !== undefined) {
      next.externalReferenceId = options.crmId;
      next.trackingInfo = { ...(isObject(next.trackingInfo) ? next.trackingInfo : {}), microsoftMsxId: options.crmId };
    }
    checkTransition(existing.doc as { status: unknown; substatus: unknown }, next as { status: unknown; substatus: unknown });
    return this.render(this.commit(existing, next));
  }

  /** A change made in the Partner Center UI: JSON Patch ops, new eTag, `referral-updated`. Throws ApiError when refused. */
  editAsPartnerUser(id: string, operations: PatchOperation[]): JsonObject {
    const stored = this.find(id);
    if (!stored) throw new ApiError(404, 'itemNotFound', `Referral ${id} was not found`, 'id');
    if (stored.owner !== 'partner') throw new ApiError(403, 'accessDenied', `Referral ${id} belongs to Microsoft`, 'id');
    const next = applyJsonPatch(stored.doc, operations);
    validateReferralBody(next, { partial: true });
    checkTransition(stored.doc as { status: unknown; substatus: unknown }, next as { status: unknown; substatus: unknown });
    return this.render(this.commit(stored, next));
  }

  /** Moves the clock, expires unanswered inbound referrals, and sends what is due. */
  async advance(ms: number): Promise<void> {
    await this.clock.sleep(ms);
    this.expireDue();
    await this.flushDeliveries();
  }

  /**
   * Sends every queued delivery that is due, in rounds, until none is due (events raised while delivering — e.g. by
   * a flow the receiver runs — go out in the next round; at most 100 rounds). A call made while a flush is running
   * returns at once: the running flush picks up whatever becomes due.
   */
  async flushDeliveries(): Promise<void> {
    if (this.flushing) return;
    this.flushing = this.flushRounds();
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  /** Runs the 14-day expiry now (also done on every API call, flush and advance). */
  expireDue(): void {
    const now = this.clock.now().getTime();
    for (const stored of [...this.store.values()]) {
      const doc = stored.doc;
      if (stored.owner !== 'partner' || doc.direction !== 'Incoming' || doc.status !== 'New') continue;
      const expires = typeof doc.expirationDateTime === 'string' ? parseDateTime(doc.expirationDateTime) : Number.NaN;
      if (Number.isNaN(expires) || expires > now) continue;
      const next = clone(doc);
      next.status = 'Closed';
      next.substatus = 'Expired';
      next.statusReason = `Not responded to within ${this.options.expiryDays} days`;
      this.commit(stored, next);
    }
  }

  // ---------------------------------------------------------------- store

  private find(id: string): StoredReferral | undefined {
    return this.store.get(id.toLowerCase());
  }

  private nextETag(): string {
    this.eTagCounter += 1;
    const seconds = Math.floor(this.clock.now().getTime() / 1000);
    return `"${this.eTagCounter.toString(16).padStart(8, '0')}-0000-0000-0000-${seconds.toString(16).padStart(12, '0')}"`;
  }

  private insert(doc: JsonObject, owner: StoredReferral['owner']): StoredReferral {
    doc.eTag = this.nextETag();
    doc.attributes = { objectType: 'Referral' };
    const stored: StoredReferral = { doc, owner, sequence: ++this.sequence };
    this.store.set(String(doc.id).toLowerCase(), stored);
    this.raise(owner === 'microsoft' ? 'related-referral-created' : 'referral-created', String(doc.id));
    return stored;
  }

  /** Stores a change: new eTag and updatedDateTime, acceptedDateTime on acceptance, and the event. */
  private commit(stored: StoredReferral, next: JsonObject): StoredReferral {
    const now = this.clock.now();
    for (const key of READ_ONLY_PROPERTIES) {
      if (key in stored.doc) next[key] = clone(stored.doc[key]);
      else delete next[key];
    }
    if (stored.doc.status !== 'Active' && next.status === 'Active') next.acceptedDateTime = formatDateTime(now);
    next.updatedDateTime = formatDateTime(now);
    next.eTag = this.nextETag();
    stored.doc = next;
    this.raise(stored.owner === 'microsoft' ? 'related-referral-updated' : 'referral-updated', String(next.id));
    return stored;
  }

  private render(stored: StoredReferral): JsonObject {
    const doc = clone(stored.doc);
    const base = this.url ?? 'https://api.partner.microsoft.com';
    doc.links = {
      relatedReferrals: {
        uri: `${base}${REFERRALS_PATH}?$filter=engagementId eq '${String(doc.engagementId)}'`,
        method: 'GET',
        headers: [],
      },
      self: { uri: `${base}${REFERRALS_PATH}/${String(doc.id)}`, method: 'GET', headers: [] },
    };
    return doc;
  }

  // ---------------------------------------------------------------- events and deliveries

  private raise(
    eventName: string,
    referralId: string | undefined,
    resourceUri = `${RESOURCE_URI_BASE}${referralId ?? ''}`,
    resourceName = 'referral',
    correlationId?: string,
  ): void {
    const now = this.clock.now();
    const registration = this.registration;
    const queued = registration !== undefined && registration.WebhookEvents.includes(eventName);
    this.events.push({ eventName, resourceUri, ...(referralId ? { referralId } : {}), at: now.toISOString(), queued });
    if (!queued) return;
    const payload = {
      EventName: eventName,
      ResourceUri: resourceUri,
      ResourceName: resourceName,
      AuditUri: null,
      ResourceChangeUtcDate: now.toISOString().replace(/\.(\d{3})Z$/, '.$10000+00:00'),
    };
    this.queue.push({
      eventName,
      resourceUri,
      url: registration.WebhookUrl,
      body: JSON.stringify(payload),
      toMsSignatureHeader: registration.SignatureTokenToMsSignatureHeader,
      attempt: 1,
      dueAt: now.getTime(),
      ...(correlationId ? { correlationId } : {}),
    });
  }

  private async flushRounds(): Promise<void> {
    for (let round = 0; round < MAX_FLUSH_ROUNDS; round++) {
      this.expireDue();
      const now = this.clock.now().getTime();
      let due = this.queue.filter((item) => item.dueAt <= now);
      if (due.length === 0) return;
      this.queue = this.queue.filter((item) => item.dueAt > now);
      if (due.length > 1 && this.faults.takeReorder()) due = [...due].reverse();
      for (const item of due) {
        if (this.faults.takeDrop()) {
          this.deliveries.push({ ...this.deliveryBase(item, {}), outcome: 'dropped' });
          continue;
        }
        await this.deliver(item, true);
        if (this.faults.takeDuplicate()) await this.deliver(item, false);
      }
    }
  }

  private deliveryBase(item: QueuedDelivery, headers: Record<string, string>): Omit<Delivery, 'outcome'> {
    return {
      sequence: ++this.deliverySequence,
      eventName: item.eventName,
      resourceUri: item.resourceUri,
      url: item.url,
      body: item.body,
      headers,
      attempt: item.attempt,
      at: this.clock.now().toISOString(),
    };
  }

  private async deliver(item: QueuedDelivery, primary: boolean): Promise<void> {
    const body = Buffer.from(item.body, 'utf8');
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      ...signatureHeaders(body, this.certificate.privateKey, this.certificateUrl, item.toMsSignatureHeader),
    };
    const record: Delivery = { ...this.deliveryBase(item, headers), outcome: 'failed', ...(primary ? {} : { duplicate: true }) };
    try {
      const response = await sendHttp(item.url, { method: 'POST', headers, body });
      record.status = response.status;
      record.outcome = response.status >= 200 && response.status < 300 ? 'delivered' : 'failed';
    } catch (error) {
      record.error = (error as Error).message;
    }
    this.deliveries.push(record);
    if (item.correlationId) this.recordValidation(item.correlationId, record);
    if (record.outcome === 'failed' && primary) {
      if (item.attempt < this.options.maxDeliveryAttempts) {
        this.queue.push({ ...item, attempt: item.attempt + 1, dueAt: this.clock.now().getTime() + this.options.deliveryRetryIntervalMs });
      } else {
        this.undelivered.push(record);
        const validation = item.correlationId ? this.validationEvents.get(item.correlationId) : undefined;
        if (validation) validation.status = 'failed';
      }
    }
  }

  private recordValidation(correlationId: string, record: Delivery): void {
    const validation = this.validationEvents.get(correlationId);
    if (!validation) return;
    const status = record.status;
    validation.results.push({
      responseCode: status === undefined ? 'ServiceUnavailable' : (STATUS_CODES[status] ?? String(status)).replace(/[^A-Za-z]/g, ''),
      responseMessage: record.error ?? '',
      systemError: status === undefined,
      dateTimeUtc: record.at.replace(/Z$/, ''),
    });
    if (record.outcome === 'delivered') validation.status = 'completed';
  }

  private publicRegistration(): WebhookRegistration {
    const registration = this.registration as WebhookRegistration;
    return {
      SubscriberId: registration.SubscriberId,
      WebhookUrl: registration.WebhookUrl,
      WebhookEvents: [...registration.WebhookEvents],
      SignatureTokenToMsSignatureHeader: registration.SignatureTokenToMsSignatureHeader,
    };
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrived = this.clock.now();
    const method = (request.method ?? 'GET').toUpperCase();
    const rawPath = request.url ?? '/';
    const url = new URL(rawPath, 'http://127.0.0.1');
    const operation = classify(method, url.pathname);
    const requestHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) requestHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const call: ApiCall = { method, path: rawPath, operation, status: 0, at: arrived.toISOString(), requestHeaders };
    let reply: Reply;
    try {
      const body = await readBody(request);
      this.expireDue();
      const fault = this.faults.take(method, url.pathname, operation);
      if (fault)
        call.fault = { ...(fault.status ? { status: fault.status } : {}), ...(fault.latencyMs ? { latencyMs: fault.latencyMs } : {}) };
      if (fault?.latencyMs) await this.clock.sleep(fault.latencyMs);
      if (fault?.status) {
        reply = faultReply(fault.status, fault.retryAfterSeconds);
      } else if (
        this.options.requireAuthorization &&
        operation !== 'GetCertificate' &&
        !/^Bearer\s+\S+/i.test(requestHeaders.authorization ?? '')
      ) {
        reply = errorReply(new ApiError(401, 'unauthenticated', 'A bearer token is required'));
      } else {
        reply = await this.route(method, url, operation, body, requestHeaders);
      }
    } catch (error) {
      reply = error instanceof ApiError ? errorReply(error) : errorReply(new ApiError(500, 'generalException', (error as Error).message));
    }
    call.status = reply.status;
    this.calls.push(call);
    const headers: Record<string, string> = {
      'request-id': randomUUID(),
      'client-request-id': requestHeaders['client-request-id'] ?? randomUUID(),
      'MS-CorrelationId': requestHeaders['ms-correlationid'] ?? randomUUID(),
      timestamp: this.clock.now().toISOString(),
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

  private async route(
    method: string,
    url: URL,
    operation: EmulatorOperation,
    rawBody: Buffer,
    headers: Record<string, string>,
  ): Promise<Reply> {
    const path = url.pathname;
    const parseJson = (): unknown => {
      const text = rawBody.toString('utf8').trim();
      if (text === '') return undefined;
      try {
        return JSON.parse(text);
      } catch {
        throw new ApiError(400, 'invalidRequest', 'The request body is not valid JSON', 'body');
      }
    };
    switch (operation) {
      case 'GetAllReferrals':
        return this.list(url);
      case 'CreateReferral':
        return this.create(parseJson());
      case 'GetReferralById':
        return this.getById(referralIdOf(path));
      case 'UpdateReferralById':
        return this.put(referralIdOf(path), parseJson(), headers['if-match']);
      case 'PatchReferralById':
        return this.patch(referralIdOf(path), parseJson(), headers['if-match'], headers.prefer);
      case 'ViewRegistration': {
        if (!this.registration) throw new ApiError(404, 'itemNotFound', 'No webhook registration exists for this tenant', 'registration');
        return { status: 200, body: this.publicRegistration() };
      }
      case 'EventRegistration':
        return this.register(parseJson(), false);
      case 'UpdateRegistration':
        return this.register(parseJson(), true);
      case 'RegistrationEvents':
        return { status: 200, body: [...SUPPORTED_EVENTS] };
      case 'PostValidationEvent':
        return this.postValidationEvent();
      case 'GetValidationEvent':
        return this.getValidationEvent(decodeURIComponent(path.split('/').pop() ?? ''));
      case 'GetCertificate':
        return { status: 200, raw: { contentType: 'application/x-x509-ca-cert', data: this.certificate.pem } };
      case 'Unknown': {
        if (KNOWN_PATHS.some((pattern) => pattern.test(path)))
          throw new ApiError(405, 'invalidRequest', `${method} is not allowed on ${path}`);
        throw new ApiError(404, 'itemNotFound', `No resource at ${path}`);
      }
    }
  }

  // ---------------------------------------------------------------- Referrals API

  private list(url: URL): Reply {
    const params = url.searchParams;
    let items = [...this.store.values()].sort((a, b) => a.sequence - b.sequence).map((stored) => ({ stored, doc: stored.doc }));
    const filter = params.get('$filter');
    if (filter !== null && filter.trim() !== '') {
      const test = compileFilter(filter);
      items = items.filter((item) => test(item.doc));
    }
    const orderBy = params.get('$orderby');
    if (orderBy !== null && orderBy.trim() !== '') {
      const compare = compileOrderBy(orderBy);
      items.sort((a, b) => compare(a.doc, b.doc) || a.stored.sequence - b.stored.sequence);
    }
    const top = nonNegativeInteger(params.get('$top'), '$top');
    const skip = nonNegativeInteger(params.get('$skip'), '$skip') ?? 0;
    const total = items.length;
    const windowEnd = top === undefined ? total : Math.min(total, skip + top);
    const token = params.get('$skiptoken');
    const offset = token === null ? skip : decodeSkipToken(token);
    const pageEnd = Math.min(windowEnd, offset + this.options.pageSize);
    const select = params.get('$select');
    const fields = select
      ? select
          .split(',')
          .map((field) => field.trim())
          .filter((field) => field !== '')
      : undefined;
    const value = items.slice(offset, Math.max(offset, pageEnd)).map((item) => {
      const rendered = this.render(item.stored);
      return fields ? Object.fromEntries(fields.filter((field) => field in rendered).map((field) => [field, rendered[field]])) : rendered;
    });
    const body: JsonObject = { '@odata.context': `${this.baseUrl}/v1.0/$metadata#Referrals`, '@odata.count': total, value };
    if (pageEnd < windowEnd) {
      const next = new URLSearchParams(params);
      next.set('$skiptoken', Buffer.from(JSON.stringify({ offset: pageEnd })).toString('base64url'));
      const query = [...next].map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
      body['@odata.nextLink'] = `${this.baseUrl}${REFERRALS_PATH}?${query}`;
    }
    return { status: 200, body };
  }

  private create(body: unknown): Reply {
    validateReferralBody(body);
    const now = this.clock.now();
    const input = stripServerProperties(body);
    let engagementId: string = randomUUID();
    if (typeof body.engagementId === 'string' && body.engagementId !== '') {
      const joined = [...this.store.values()].find(
        (stored) => stored.owner === 'partner' && String(stored.doc.engagementId).toLowerCase() === String(body.engagementId).toLowerCase(),
      );
      if (!joined) throw new ApiError(400, 'invalidRequest', `Engagement ${String(body.engagementId)} was not found`, 'engagementId');
      engagementId = String(joined.doc.engagementId);
    }
    delete input.status;
    delete input.substatus;
    const doc: JsonObject = {
      id: randomUUID(),
      engagementId,
      organizationId: this.options.partnerOrganizationId,
      organizationName: this.options.partnerOrganizationName,
      name: null,
      externalReferenceId: null,
      createdDateTime: formatDateTime(now),
      updatedDateTime: formatDateTime(now),
      acceptedDateTime: formatDateTime(now),
      expirationDateTime: null,
      status: 'Active',
      substatus: 'Accepted',
      statusReason: null,
      qualification: 'None',
      direction: 'Outgoing',
      team: [],
      target: [],
      ...input,
    };
    checkStatusPair(String(doc.status), String(doc.substatus));
    const stored = this.insert(doc, 'partner');
    const rendered = this.render(stored);
    return {
      status: 201,
      headers: { ETag: String(stored.doc.eTag), Location: String((rendered.links as JsonObject & { self: { uri: string } }).self.uri) },
      body: rendered,
    };
  }

  private existing(id: string): StoredReferral {
    const stored = this.find(id);
    if (!stored) throw new ApiError(404, 'itemNotFound', `Referral ${id} was not found`, 'id');
    return stored;
  }

  private getById(id: string): Reply {
    const stored = this.existing(id);
    return { status: 200, headers: { ETag: String(stored.doc.eTag) }, body: this.entity(stored) };
  }

  private entity(stored: StoredReferral): JsonObject {
    return { '@odata.context': `${this.baseUrl}/v1.0/engagements/referrals/$metadata#Referrals/$entity`, ...this.render(stored) };
  }

  private checkWritable(stored: StoredReferral, ifMatch: string | undefined, required: boolean): void {
    if (stored.owner !== 'partner')
      throw new ApiError(403, 'accessDenied', `Referral ${String(stored.doc.id)} belongs to Microsoft and cannot be changed`, 'id');
    if (ifMatch === undefined || ifMatch.trim() === '') {
      if (required) throw new ApiError(400, 'invalidRequest', 'The If-Match header is required (the eTag from the latest GET)', 'If-Match');
      return;
    }
    if (!eTagMatches(ifMatch, String(stored.doc.eTag))) {
      throw new ApiError(412, 'preconditionFailed', `If-Match ${ifMatch} does not match the referral's current eTag`, 'If-Match');
    }
  }

  private put(id: string, body: unknown, ifMatch: string | undefined): Reply {
    const stored = this.existing(id);
    this.checkWritable(stored, ifMatch, true);
    validateReferralBody(body);
    if (typeof body.id === 'string' && body.id.toLowerCase() !== id.toLowerCase()) {
      throw new ApiError(400, 'invalidRequest', `The body's id ${body.id} is not the referral's id ${id}`, 'id');
    }
    const next: JsonObject = { ...stripServerProperties(body) };
    next.status ??= stored.doc.status;
    next.substatus ??= stored.doc.substatus;
    checkTransition(stored.doc as { status: unknown; substatus: unknown }, next as { status: unknown; substatus: unknown });
    this.commit(stored, next);
    return { status: 200, headers: { ETag: String(stored.doc.eTag) }, body: this.render(stored) };
  }

  private patch(id: string, body: unknown, ifMatch: string | undefined, prefer: string | undefined): Reply {
    const stored = this.existing(id);
    this.checkWritable(stored, ifMatch, false);
    const next = applyJsonPatch(stored.doc, body);
    validateReferralBody(next, { partial: true });
    checkTransition(stored.doc as { status: unknown; substatus: unknown }, next as { status: unknown; substatus: unknown });
    this.commit(stored, next);
    const headers = { ETag: String(stored.doc.eTag) };
    if (prefer !== undefined && /(^|[;,\s])return\s*=\s*representation\b/i.test(prefer)) {
      return { status: 200, headers: { ...headers, 'Preference-Applied': 'return=representation' }, body: this.render(stored) };
    }
    return { status: 204, headers };
  }

  // ---------------------------------------------------------------- Webhook registration API

  private register(body: unknown, update: boolean): Reply {
    if (update && !this.registration)
      throw new ApiError(404, 'itemNotFound', 'No webhook registration exists for this tenant: register with POST first', 'registration');
    if (!update && this.registration) {
      throw new ApiError(
        409,
        'invalidRequest',
        'A webhook registration already exists for this tenant: update it with PUT',
        'registration',
      );
    }
    if (!isObject(body)) throw new ApiError(400, 'invalidRequest', 'The body must be {WebhookUrl, WebhookEvents}', 'body');
    const field = (name: string): unknown => {
      const key = Object.keys(body).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
      return key === undefined ? undefined : body[key];
    };
    const webhookUrl = field('WebhookUrl');
    if (typeof webhookUrl !== 'string' || !/^https?:\/\/[^\s]+$/i.test(webhookUrl) || !URL.canParse(webhookUrl)) {
      throw new ApiError(
        400,
        'invalidRequest',
        `WebhookUrl must be an absolute http(s) URL; got ${JSON.stringify(webhookUrl)}`,
        'WebhookUrl',
      );
    }
    const events = field('WebhookEvents');
    if (!Array.isArray(events) || events.length === 0 || events.some((event) => typeof event !== 'string')) {
      throw new ApiError(400, 'invalidRequest', 'WebhookEvents must be a non-empty array of event names', 'WebhookEvents');
    }
    const unknown = events.filter((event) => !(SUPPORTED_EVENTS as readonly string[]).includes(event as string));
    if (unknown.length > 0) {
      throw new ApiError(
        400,
        'invalidRequest',
        `Unsupported webhook event(s): ${unknown.map((event) => JSON.stringify(event)).join(', ')}`,
        'WebhookEvents',
      );
    }
    const toMs = field('SignatureTokenToMsSignatureHeader');
    this.registration = {
      SubscriberId: this.registration?.SubscriberId ?? randomUUID(),
      WebhookUrl: webhookUrl,
      WebhookEvents: [...new Set(events as string[])],
      SignatureTokenToMsSignatureHeader: toMs === true || (typeof toMs === 'string' && toMs.toLowerCase() === 'true'),
      lastModified: this.clock.now().toISOString(),
    };
    return { status: 200, body: this.publicRegistration() };
  }

  private postValidationEvent(): Reply {
    const registration = this.registration;
    if (!registration || !registration.WebhookEvents.includes('test-created')) {
      throw new ApiError(400, 'invalidRequest', 'Register for the "test-created" event before sending a validation event', 'registration');
    }
    const now = this.clock.now().getTime();
    this.validationPosts = this.validationPosts.filter((at) => at > now - 60_000);
    if (this.validationPosts.length >= 2) {
      const retryAfter = Math.max(1, Math.ceil(((this.validationPosts[0] as number) + 60_000 - now) / 1000));
      return {
        ...errorReply(new ApiError(429, 'tooManyRequests', 'At most 2 validation events a minute')),
        headers: { 'Retry-After': String(retryAfter) },
      };
    }
    this.validationPosts.push(now);
    const correlationId = randomUUID();
    this.validationEvents.set(correlationId, {
      correlationId,
      partnerId: this.options.partnerOrganizationId,
      status: 'queued',
      callbackUrl: registration.WebhookUrl,
      createdAt: now,
      results: [],
    });
    this.raise(
      'test-created',
      undefined,
      `https://api.partnercenter.microsoft.com/webhooks/v1/registration/validationEvents/${correlationId}`,
      'test',
      correlationId,
    );
    return { status: 200, body: { correlationId } };
  }

  private getValidationEvent(correlationId: string): Reply {
    const now = this.clock.now().getTime();
    for (const [id, event] of this.validationEvents) if (event.createdAt < now - 7 * DAY) this.validationEvents.delete(id);
    const event = this.validationEvents.get(correlationId);
    if (!event)
      throw new ApiError(404, 'itemNotFound', `Validation event ${correlationId} was not found (data is kept 7 days)`, 'correlationId');
    const { createdAt: _createdAt, ...body } = event;
    return { status: 200, body: clone(body) };
  }
}

// ---------------------------------------------------------------- helpers

const REFERRALS = /^\/v1\.0\/engagements\/referrals\/?$/i;
const REFERRAL = /^\/v1\.0\/engagements\/referrals\/([^/]+)\/?$/i;
const REGISTRATION = /^\/webhooks\/v1\/registration\/?$/i;
const REGISTRATION_EVENTS = /^\/webhooks\/v1\/registration\/events\/?$/i;
const VALIDATION_EVENTS = /^\/webhooks\/v1\/registration\/validationEvents\/?$/i;
const VALIDATION_EVENT = /^\/webhooks\/v1\/registration\/validationEvents\/([^/]+)\/?$/i;
const CERTIFICATE = /^\/certificates\/pcnotifications-dispatch\.microsoft\.com\.cer$/i;
const KNOWN_PATHS = [REFERRALS, REFERRAL, REGISTRATION, REGISTRATION_EVENTS, VALIDATION_EVENTS, VALIDATION_EVENT, CERTIFICATE];

/** Maps a request to the operation it is (connector operation ids where the flows call it). */
export function classify(method: string, path: string): EmulatorOperation {
  if (REFERRALS.test(path)) return method === 'GET' ? 'GetAllReferrals' : method === 'POST' ? 'CreateReferral' : 'Unknown';
  if (REFERRAL.test(path)) {
    return method === 'GET'
      ? 'GetReferralById'
      : method === 'PUT'
        ? 'UpdateReferralById'
        : method === 'PATCH'
          ? 'PatchReferralById'
          : 'Unknown';
  }
  if (REGISTRATION.test(path))
    return method === 'GET'
      ? 'ViewRegistration'
      : method === 'POST'
        ? 'EventRegistration'
        : method === 'PUT'
          ? 'UpdateRegistration'
          : 'Unknown';
  if (REGISTRATION_EVENTS.test(path)) return method === 'GET' ? 'RegistrationEvents' : 'Unknown';
  if (VALIDATION_EVENTS.test(path)) return method === 'POST' ? 'PostValidationEvent' : 'Unknown';
  if (VALIDATION_EVENT.test(path)) return method === 'GET' ? 'GetValidationEvent' : 'Unknown';
  if (CERTIFICATE.test(path)) return method === 'GET' ? 'GetCertificate' : 'Unknown';
  return 'Unknown';
}

const referralIdOf = (path: string): string => decodeURIComponent(REFERRAL.exec(path)?.[1] ?? '');

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function errorReply(error: ApiError): Reply {
  return {
    status: error.status,
    body: { error: { code: error.code, message: error.message.slice(0, 1024), ...(error.target ? { target: error.target } : {}) } },
  };
}

function faultReply(status: number, retryAfterSeconds: number | undefined): Reply {
  const code = status === 429 ? 'tooManyRequests' : status === 503 ? 'serviceNotAvailable' : 'generalException';
  const message =
    status === 429
      ? 'Too many requests: retry after a delay'
      : status === 503
        ? 'The service is temporarily unavailable'
        : 'An unspecified error has occurred';
  return {
    ...errorReply(new ApiError(status, code, `${message} (injected fault)`)),
    ...(retryAfterSeconds !== undefined ? { headers: { 'Retry-After': String(retryAfterSeconds) } } : {}),
  };
}

function nonNegativeInteger(value: string | null, name: string): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (!/^\d+$/.test(value.trim()))
    throw new ApiError(400, 'invalidRequest', `${name} must be a non-negative integer; got ${JSON.stringify(value)}`, name);
  return Number(value.trim());
}

function decodeSkipToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && Number.isInteger(parsed.offset) && parsed.offset >= 0) return parsed.offset;
  } catch {
    // falls through
  }
  throw new ApiError(400, 'invalidRequest', 'Invalid $skiptoken', '$skiptoken');
}

/** A request body without what the server owns (read-only properties and OData annotations). */
function stripServerProperties(body: JsonObject): JsonObject {
  const copy = clone(body);
  for (const key of Object.keys(copy)) {
    if ((READ_ONLY_PROPERTIES as readonly string[]).includes(key) || key.startsWith('@odata.')) delete copy[key];
  }
  return copy;
}

/** If-Match: `*`, or one of a comma-separated list of (weak or strong, quoted or not) eTags. */
export function eTagMatches(ifMatch: string, current: string): boolean {
  const normalize = (value: string): string =>
    value
      .trim()
      .replace(/^W\//i, '')
      .replace(/^"(.*)"$/, '$1');
  return ifMatch.split(',').some((candidate) => candidate.trim() === '*' || normalize(candidate) === normalize(current));
}
