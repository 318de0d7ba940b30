/**
 * Webhook events and their deliveries: an event the registration asks for is queued, then POSTed signed
 * to the registered URL; a failed attempt is retried after an interval, and after the last attempt the
 * event goes to the "offline queue". Injected faults may drop, duplicate or reorder deliveries.
 */
import type { Clock } from '../contracts.js';
import type { Faults } from './faults.js';
import { sendHttp } from './http.js';

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

/** An event to raise: its resource, and for a validation event the correlation id its results are kept under. */
interface EventSpec {
  eventName: string;
  resourceUri: string;
  resourceName: string;
  referralId?: string;
  correlationId?: string;
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

interface DispatchOptions {
  readonly clock: Clock;
  readonly faults: Faults;
  readonly maxDeliveryAttempts: number;
  readonly deliveryRetryIntervalMs: number;
  /** Signs a delivery body (the emulator's dispatch certificate). */
  readonly sign: (body: Buffer, toMsSignatureHeader: boolean) => Record<string, string>;
  /** Hears every attempt of a validation event's delivery, and its final failure. */
  readonly onValidationAttempt: (correlationId: string, delivery: Delivery, finallyFailed: boolean) => void;
}

const MAX_FLUSH_ROUNDS = 100;

export class WebhookDispatch {
  readonly events: RaisedEvent[] = [];
  readonly deliveries: Delivery[] = [];
  readonly undelivered: Delivery[] = [];
  /** What deliveries go to, once registered. */
  registration: WebhookRegistration | undefined;
  private queue: QueuedDelivery[] = [];
  private deliverySequence = 0;

  constructor(private readonly options: DispatchOptions) {}

  get pending(): number {
    return this.queue.length;
  }

  /** Records the event, and queues its delivery when the registration asks for it. */
  raise(event: EventSpec): void {
    const now = this.options.clock.now();
    const registration = this.registration;
    const queued = registration !== undefined && registration.WebhookEvents.includes(event.eventName);
    const { eventName, resourceUri, referralId, correlationId } = event;
    this.events.push({ eventName, resourceUri, ...(referralId ? { referralId } : {}), at: now.toISOString(), queued });
    if (!queued) return;
    const payload = {
      EventName: eventName,
      ResourceUri: resourceUri,
      ResourceName: event.resourceName,
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

  /** Sends what is due, round after round until nothing is (`beforeRound` runs first each time: the expiry). */
  async flush(beforeRound: () => void): Promise<void> {
    for (let round = 0; round < MAX_FLUSH_ROUNDS; round++) {
      beforeRound();
      const now = this.options.clock.now().getTime();
      let due = this.queue.filter((item) => item.dueAt <= now);
      if (due.length === 0) return;
      this.queue = this.queue.filter((item) => item.dueAt > now);
      if (due.length > 1 && this.options.faults.takeReorder()) due = [...due].reverse();
      for (const item of due) await this.send(item);
    }
  }

  private async send(item: QueuedDelivery): Promise<void> {
    if (this.options.faults.takeDrop()) {
      this.deliveries.push({ ...this.deliveryBase(item, {}), outcome: 'dropped' });
      return;
    }
    await this.deliver(item, true);
    if (this.options.faults.takeDuplicate()) await this.deliver(item, false);
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
      at: this.options.clock.now().toISOString(),
    };
  }

  private async deliver(item: QueuedDelivery, primary: boolean): Promise<void> {
    const body = Buffer.from(item.body, 'utf8');
    const headers = { 'Content-Type': 'application/json; charset=utf-8', ...this.options.sign(body, item.toMsSignatureHeader) };
    const record: Delivery = { ...this.deliveryBase(item, headers), outcome: 'failed', ...(primary ? {} : { duplicate: true }) };
    try {
      const response = await sendHttp(item.url, { method: 'POST', headers, body });
      record.status = response.status;
      record.outcome = response.status >= 200 && response.status < 300 ? 'delivered' : 'failed';
    } catch (error) {
      record.error = (error as Error).message;
    }
    this.deliveries.push(record);
    if (item.correlationId) this.options.onValidationAttempt(item.correlationId, record, false);
    if (record.outcome !== 'failed' || !primary) return;
    if (item.attempt < this.options.maxDeliveryAttempts) {
      const dueAt = this.options.clock.now().getTime() + this.options.deliveryRetryIntervalMs;
      this.queue.push({ ...item, attempt: item.attempt + 1, dueAt });
    } else {
      this.undelivered.push(record);
      if (item.correlationId) this.options.onValidationAttempt(item.correlationId, record, true);
    }
  }
}
