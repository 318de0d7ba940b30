/**
 * Validation events (POST/GET /webhooks/v1/registration/validationEvents): a test event sent to the
 * registered URL, at most 2 a minute, whose delivery results are kept 7 days under a correlation id.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { DAY } from './referral-documents.js';
import { ApiError, clone } from './referral-model.js';
import type { Delivery } from './webhook-dispatch.js';

interface ValidationEvent {
  correlationId: string;
  partnerId: string;
  status: 'queued' | 'completed' | 'failed';
  callbackUrl: string;
  createdAt: number;
  results: Array<{ responseCode: string; responseMessage: string; systemError: boolean; dateTimeUtc: string }>;
}

const PER_MINUTE = 2;
const MINUTE = 60_000;

export class ValidationEvents {
  private readonly events = new Map<string, ValidationEvent>();
  private posts: number[] = [];

  /** Seconds to wait before another post is accepted, or undefined when one is accepted now. */
  retryAfter(now: number): number | undefined {
    this.posts = this.posts.filter((at) => at > now - MINUTE);
    if (this.posts.length < PER_MINUTE) return undefined;
    return Math.max(1, Math.ceil((this.posts[0]! + MINUTE - now) / 1000));
  }

  /** Starts a validation event; returns its correlation id. */
  open(partnerId: string, callbackUrl: string, now: number): string {
    this.posts.push(now);
    const correlationId = randomUUID();
    this.events.set(correlationId, { correlationId, partnerId, status: 'queued', callbackUrl, createdAt: now, results: [] });
    return correlationId;
  }

  /** What GET answers: the event and its delivery results (events older than 7 days are gone). */
  read(correlationId: string, now: number): Omit<ValidationEvent, 'createdAt'> {
    for (const [id, event] of this.events) if (event.createdAt < now - 7 * DAY) this.events.delete(id);
    const event = this.events.get(correlationId);
    if (!event)
      throw new ApiError(404, 'itemNotFound', `Validation event ${correlationId} was not found (data is kept 7 days)`, 'correlationId');
    const { correlationId: id, partnerId, status, callbackUrl, results } = event;
    return clone({ correlationId: id, partnerId, status, callbackUrl, results });
  }

  /** Keeps a delivery attempt's result; a delivered attempt completes the event, the last failed one fails it. */
  record(correlationId: string, delivery: Delivery, finallyFailed: boolean): void {
    const event = this.events.get(correlationId);
    if (!event) return;
    if (finallyFailed) {
      event.status = 'failed';
      return;
    }
    const status = delivery.status;
    event.results.push({
      responseCode: status === undefined ? 'ServiceUnavailable' : (STATUS_CODES[status] ?? String(status)).replace(/[^A-Za-z]/g, ''),
      responseMessage: delivery.error ?? '',
      systemError: status === undefined,
      dateTimeUtc: delivery.at.replace(/Z$/, ''),
    });
    if (delivery.outcome === 'delivered') event.status = 'completed';
  }
}
