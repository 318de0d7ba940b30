/** The webhook registration API's body: `{ WebhookUrl, WebhookEvents, SignatureTokenToMsSignatureHeader }` (names case-insensitive). */
import { randomUUID } from 'node:crypto';
import { ApiError, isObject } from './referral-model.js';
import type { WebhookRegistration } from './webhook-dispatch.js';

export const REGISTRATION_PATH = '/webhooks/v1/registration';

const REFERRAL_EVENTS = ['referral-created', 'referral-updated', 'related-referral-created', 'related-referral-updated'] as const;
/** What GET /webhooks/v1/registration/events lists: the referral events, the test event, and others the emulator never raises. */
export const SUPPORTED_EVENTS = [
  ...REFERRAL_EVENTS,
  'test-created',
  'subscription-updated',
  'usagerecords-thresholdExceeded',
  'invoice-ready',
] as const;

const invalid = (message: string, target: string): ApiError => new ApiError(400, 'invalidRequest', message, target);

/** The registration a POST (`update` false) or PUT body makes; the subscriber id stays across updates. */
export function registrationFrom(body: unknown, existing: WebhookRegistration | undefined, update: boolean): WebhookRegistration {
  if (update && !existing)
    throw new ApiError(404, 'itemNotFound', 'No webhook registration exists for this tenant: register with POST first', 'registration');
  if (!update && existing)
    throw new ApiError(409, 'invalidRequest', 'A webhook registration already exists for this tenant: update it with PUT', 'registration');
  if (!isObject(body)) throw invalid('The body must be {WebhookUrl, WebhookEvents}', 'body');
  const field = (name: string): unknown => {
    const key = Object.keys(body).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : body[key];
  };
  const webhookUrl = field('WebhookUrl');
  if (typeof webhookUrl !== 'string' || !/^https?:\/\/[^\s]+$/i.test(webhookUrl) || !URL.canParse(webhookUrl)) {
    throw invalid(`WebhookUrl must be an absolute http(s) URL; got ${JSON.stringify(webhookUrl)}`, 'WebhookUrl');
  }
  const events = webhookEvents(field('WebhookEvents'));
  const toMs = field('SignatureTokenToMsSignatureHeader');
  return {
    SubscriberId: existing?.SubscriberId ?? randomUUID(),
    WebhookUrl: webhookUrl,
    WebhookEvents: [...new Set(events)],
    SignatureTokenToMsSignatureHeader: toMs === true || (typeof toMs === 'string' && toMs.toLowerCase() === 'true'),
  };
}

function webhookEvents(events: unknown): string[] {
  if (!Array.isArray(events) || events.length === 0 || events.some((event) => typeof event !== 'string')) {
    throw invalid('WebhookEvents must be a non-empty array of event names', 'WebhookEvents');
  }
  const unknown = (events as string[]).filter((event) => !(SUPPORTED_EVENTS as readonly string[]).includes(event));
  if (unknown.length > 0) {
    throw invalid(`Unsupported webhook event(s): ${unknown.map((event) => JSON.stringify(event)).join(', ')}`, 'WebhookEvents');
  }
  return events as string[];
}

/** A copy of the registration as the API and `webhookRegistration()` show it. */
export const publicRegistration = (registration: WebhookRegistration): WebhookRegistration => ({
  SubscriberId: registration.SubscriberId,
  WebhookUrl: registration.WebhookUrl,
  WebhookEvents: [...registration.WebhookEvents],
  SignatureTokenToMsSignatureHeader: registration.SignatureTokenToMsSignatureHeader,
});
