/**
 * A Partner Center stand-in for the offline rehearsal: the Referrals API, the webhook registration API and signed
 * webhook deliveries, over real HTTP on 127.0.0.1, on a virtual clock, with switchable faults. What it implements
 * and from which public page is in CONTRACT.md beside this file.
 *
 * The pieces: referral-store.ts keeps the referrals, http-api.ts routes a request to referrals-api.ts or
 * webhooks-api.ts, webhook-dispatch.ts delivers the events, validation-events.ts keeps validation results.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../contracts.js';
import { Faults, type DeliveryMode } from './faults.js';
import { CERTIFICATE_PATH, handle, type ApiCall, type ApiContext } from './http-api.js';
import { microsoftReferral, sharedReferral, type Partner, type SharedReferralInput } from './referral-documents.js';
import {
  ApiError,
  applyJsonPatch,
  checkTransition,
  clone,
  isObject,
  validateReferralBody,
  type JsonObject,
  type PatchOperation,
} from './referral-model.js';
import { ReferralStore, render, type StoredReferral } from './referral-store.js';
import { publicRegistration } from './registration.js';
import { ValidationEvents } from './validation-events.js';
import { WebhookDispatch, type Delivery, type RaisedEvent, type WebhookRegistration } from './webhook-dispatch.js';
import { signatureHeaders } from './webhook-signature.js';
import { emulatorDispatchCertificate, type SelfSignedCertificate } from './x509.js';

/** Where webhook payloads say the referral is (the webhook host's shape, not the Referrals API's). */
const RESOURCE_URI_BASE = 'https://api.partnercenter.microsoft.com/engagements/v1/referrals/';

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
  /** How webhooks go out at first (later: `faults.deliveries(...)`). Default: prompt and concurrent. */
  delivery?: Partial<DeliveryMode>;
}

type MicrosoftResponse = 'Accepted' | 'Declined';
type StatusPair = { status: unknown; substatus: unknown };

export class PartnerCenterEmulator {
  /** The public fault API (CONTRACT.md, "Faults"). */
  readonly faults: Faults;
  /** Every API call, in order. */
  readonly calls: ApiCall[] = [];
  /** Every webhook delivery attempt, in order. */
  readonly deliveries: Delivery[];
  /** Every event raised. */
  readonly events: RaisedEvent[];
  /** Events whose every attempt failed: Partner Center's "offline queue". */
  readonly undelivered: Delivery[];
  private readonly clock: Clock;
  private readonly options: Required<Omit<PartnerCenterEmulatorOptions, 'clock' | 'port' | 'delivery'>> & { port: number };
  private readonly store: ReferralStore;
  private readonly dispatch: WebhookDispatch;
  private readonly validation = new ValidationEvents();
  private readonly certificate: SelfSignedCertificate = emulatorDispatchCertificate();
  private server: Server | undefined;
  private url: string | undefined;
  private flushing: Promise<void> | undefined;

  constructor(options: PartnerCenterEmulatorOptions) {
    this.clock = options.clock;
    this.faults = new Faults(options.clock, options.delivery);
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
    this.store = new ReferralStore(this.clock, (kind, stored) => this.raise(kind, stored));
    this.dispatch = new WebhookDispatch({
      clock: this.clock,
      faults: this.faults,
      maxDeliveryAttempts: this.options.maxDeliveryAttempts,
      deliveryRetryIntervalMs: this.options.deliveryRetryIntervalMs,
      sign: (body, toMs) => signatureHeaders(body, this.certificate.privateKey, this.certificateUrl, toMs),
      onValidationAttempt: (correlationId, delivery, finallyFailed) => this.validation.record(correlationId, delivery, finallyFailed),
      beforeSend: () => this.expireDue(),
    });
    this.deliveries = this.dispatch.deliveries;
    this.events = this.dispatch.events;
    this.undelivered = this.dispatch.undelivered;
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) => {
      void handle(this.apiContext(), request, response);
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
    return this.store.all().map((stored) => render(stored, this.url));
  }

  referral(id: string): JsonObject | undefined {
    const stored = this.store.find(id);
    return stored ? render(stored, this.url) : undefined;
  }

  /** The registration, if any. */
  webhookRegistration(): WebhookRegistration | undefined {
    return this.dispatch.registration ? publicRegistration(this.dispatch.registration) : undefined;
  }

  /** Webhook deliveries waiting (due now or later, e.g. retries) or on their way. */
  get pendingDeliveries(): number {
    return this.dispatch.pending;
  }

  /** The virtual instant the next queued webhook delivery falls due (a retry of a failed one), if any is queued. */
  get nextDeliveryAt(): Date | undefined {
    const at = this.dispatch.nextDueAt;
    return at === undefined ? undefined : new Date(at);
  }

  /**
   * A Microsoft seller shares a co-sell referral with us: Incoming, Shared, New/Pending, expiring after 14 days;
   * raises `referral-created`. `input` properties replace the defaults (top level).
   */
  shareReferralFromMicrosoft(input: SharedReferralInput = {}): JsonObject {
    const doc = sharedReferral(this.partner, this.clock.now(), this.options.expiryDays, input);
    return render(this.store.insert(doc, 'partner'), this.url);
  }

  /**
   * Microsoft's seller answers our shared referral: Microsoft's referral in the same engagement is created (first
   * answer) or updated, carrying Microsoft's CRM id in externalReferenceId and trackingInfo.microsoftMsxId; raises
   * `related-referral-created` / `related-referral-updated` with Microsoft's referral as the resource.
   */
  microsoftResponds(ourReferralId: string, response: MicrosoftResponse, options: { crmId?: string } = {}): JsonObject {
    const ours = this.store.find(ourReferralId);
    if (!ours || ours.owner !== 'partner') throw new Error(`microsoftResponds: no referral ${ourReferralId} of ours`);
    const [status, substatus] = response === 'Accepted' ? ['Active', 'Accepted'] : ['Closed', 'Declined'];
    const existing = this.store.microsoftReferralOf(ours.doc.engagementId);
    if (!existing) {
      const doc = microsoftReferral(this.partner, ours.doc, { status, substatus, crmId: options.crmId ?? null }, this.clock.now());
      return render(this.store.insert(doc, 'microsoft'), this.url);
    }
    const next = clone(existing.doc);
    next.status = status;
    next.substatus = substatus;
    if (options.crmId !== undefined) {
      next.externalReferenceId = options.crmId;
      next.trackingInfo = { ...(isObject(next.trackingInfo) ? next.trackingInfo : {}), microsoftMsxId: options.crmId };
    }
    checkTransition(existing.doc as StatusPair, next as StatusPair);
    return render(this.store.commit(existing, next), this.url);
  }

  /** A change made in the Partner Center UI: JSON Patch ops, new eTag, `referral-updated`. Throws ApiError when refused. */
  editAsPartnerUser(id: string, operations: PatchOperation[]): JsonObject {
    const stored = this.store.find(id);
    if (!stored) throw new ApiError(404, 'itemNotFound', `Referral ${id} was not found`, 'id');
    if (stored.owner !== 'partner') throw new ApiError(403, 'accessDenied', `Referral ${id} belongs to Microsoft`, 'id');
    const next = applyJsonPatch(stored.doc, operations);
    validateReferralBody(next, { partial: true });
    checkTransition(stored.doc as StatusPair, next as StatusPair);
    return render(this.store.commit(stored, next), this.url);
  }

  /** Moves the clock, expires unanswered inbound referrals, and sends what is due. */
  async advance(ms: number): Promise<void> {
    await this.clock.sleep(ms);
    this.expireDue();
    await this.flushDeliveries();
  }

  /**
   * Sends every queued delivery that is due and waits for those on their way, in rounds, until none is due (events
   * raised while delivering — e.g. by a flow the receiver runs — go out in the next round; at most 100 rounds). A
   * call made while a flush is running returns at once: the running flush picks up whatever becomes due.
   */
  async flushDeliveries(): Promise<void> {
    if (this.flushing) return;
    this.flushing = this.dispatch.flush();
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  /** Runs the 14-day expiry now (also done on every API call, flush and advance). */
  expireDue(): void {
    this.store.expireDue(this.options.expiryDays);
  }

  private get partner(): Partner {
    return this.options;
  }

  /** A referral's event: `referral-…` for ours, `related-referral-…` for Microsoft's. */
  private raise(kind: 'created' | 'updated', stored: StoredReferral): void {
    const id = String(stored.doc.id);
    const eventName = `${stored.owner === 'microsoft' ? 'related-referral' : 'referral'}-${kind}`;
    this.dispatch.raise({ eventName, resourceUri: `${RESOURCE_URI_BASE}${id}`, resourceName: 'referral', referralId: id });
  }

  private apiContext(): ApiContext {
    const webhooks = {
      dispatch: this.dispatch,
      validation: this.validation,
      clock: this.clock,
      partnerOrganizationId: this.options.partnerOrganizationId,
    };
    return {
      clock: this.clock,
      faults: this.faults,
      requireAuthorization: this.options.requireAuthorization,
      referrals: { store: this.store, clock: this.clock, partner: this.partner, pageSize: this.options.pageSize, baseUrl: this.baseUrl },
      webhooks,
      certificatePem: this.certificate.pem,
      beforeCall: () => this.expireDue(),
      record: (call) => this.calls.push(call),
    };
  }
}
