/**
 * Webhook events and their deliveries: an event the registration asks for is queued and, by default, sent promptly
 * (scheduled on the clock right after the change commits) and concurrently with whatever else is due; a failed attempt
 * is retried after an interval, and after the last attempt the event goes to the "offline queue". The fault API may
 * drop, duplicate (both copies at once) or reorder deliveries, hold them up during a delivery outage, or switch to
 * sending only on flush, one at a time. Each attempt holds a scheduler clock until the receiver has started its run.
 */
import { CLOCK_HOLD_HEADER, type Clock } from '../contracts.js';
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
  /** Runs before each send of what is due (the 14-day expiry, which may raise events). */
  readonly beforeSend: () => void;
}

const MAX_FLUSH_ROUNDS = 100;

export class WebhookDispatch {
  readonly events: RaisedEvent[] = [];
  readonly deliveries: Delivery[] = [];
  readonly undelivered: Delivery[] = [];
  /** What deliveries go to, once registered. */
  registration: WebhookRegistration | undefined;
  private queue: QueuedDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private deliverySequence = 0;

  constructor(private readonly options: DispatchOptions) {}

  /** Deliveries queued (due now or later, e.g. retries) or on their way. */
  get pending(): number {
    return this.queue.length + this.inFlight.size;
  }

  /** When the next queued delivery falls due (a retry after a failed one, the end of a delivery outage), if any is queued. */
  get nextDueAt(): number | undefined {
    const times = this.queue.map((item) => this.options.faults.deliverableAt(item.dueAt));
    return times.length === 0 ? undefined : Math.min(...times);
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
    this.wake(0);
  }

  /**
   * Sends what is due and waits for every delivery on its way, round after round until nothing is due (events raised
   * meanwhile, e.g. by a flow the receiver runs, go out in a later round; at most 100 rounds).
   */
  async flush(): Promise<void> {
    for (let round = 0; round < MAX_FLUSH_ROUNDS; round++) {
      await this.sendDue();
      if (this.inFlight.size > 0) {
        await Promise.allSettled([...this.inFlight]);
        continue;
      }
      if (!this.queue.some((item) => this.deliverable(item))) return;
    }
  }

  /** In prompt mode, arranges a send of what is due `ms` of virtual time from now. */
  private wake(ms: number): void {
    if (this.options.faults.deliveryMode.timing !== 'prompt') return;
    const clock = this.options.clock;
    if (clock.schedule) clock.schedule(ms, () => void this.sendDue());
    // Without a scheduler clock only what is due now goes out by itself; a retry waits for a flush.
    else if (ms === 0) setImmediate(() => void this.sendDue());
  }

  private deliverable(item: QueuedDelivery): boolean {
    return this.options.faults.deliverableAt(item.dueAt) <= this.options.clock.now().getTime();
  }

  /** Sends every delivery that is due, all at once or one by one (the delivery mode); resolves when they are done. */
  private async sendDue(): Promise<void> {
    this.options.beforeSend();
    let due = this.queue.filter((item) => this.deliverable(item));
    const now = this.options.clock.now().getTime();
    for (const item of this.queue)
      if (item.dueAt <= now && !due.includes(item)) this.wake(this.options.faults.deliverableAt(item.dueAt) - now);
    if (due.length === 0) return;
    this.queue = this.queue.filter((item) => !due.includes(item));
    if (due.length > 1 && this.options.faults.takeReorder()) due = [...due].reverse();
    const concurrent = this.options.faults.deliveryMode.order === 'concurrent';
    const batch = concurrent
      ? Promise.all(due.map((item) => this.send(item, true))).then(() => undefined)
      : due.reduce<Promise<void>>((previous, item) => previous.then(() => this.send(item, false)), Promise.resolve());
    this.inFlight.add(batch);
    try {
      await batch;
    } finally {
      this.inFlight.delete(batch);
    }
  }

  private async send(item: QueuedDelivery, concurrent: boolean): Promise<void> {
    if (this.options.faults.takeDrop()) {
      this.deliveries.push({ ...this.deliveryBase(item, {}), outcome: 'dropped' });
      return;
    }
    if (!this.options.faults.takeDuplicate()) return this.deliver(item, true);
    if (concurrent) {
      await Promise.all([this.deliver(item, true), this.deliver(item, false)]);
      return;
    }
    await this.deliver(item, true);
    await this.deliver(item, false);
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
    const hold = this.options.clock.hold?.();
    try {
      const response = await sendHttp(item.url, {
        method: 'POST',
        headers: hold ? { ...headers, [CLOCK_HOLD_HEADER]: hold.id } : headers,
        body,
      });
      record.status = response.status;
      record.outcome = response.status >= 200 && response.status < 300 ? 'delivered' : 'failed';
    } catch (error) {
      record.error = (error as Error).message;
    } finally {
      hold?.release();
    }
    this.deliveries.push(record);
    if (item.correlationId) this.options.onValidationAttempt(item.correlationId, record, false);
    if (record.outcome !== 'failed' || !primary) return;
    if (item.attempt < this.options.maxDeliveryAttempts) {
      const dueAt = this.options.clock.now().getTime() + this.options.deliveryRetryIntervalMs;
      this.queue.push({ ...item, attempt: item.attempt + 1, dueAt });
      this.wake(this.options.deliveryRetryIntervalMs);
    } else {
      this.undelivered.push(record);
      if (item.correlationId) this.options.onValidationAttempt(item.correlationId, record, true);
    }
  }
}
