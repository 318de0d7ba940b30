/** The webhook registration API (`/webhooks/v1/registration`): view, register, update, the event list, validation events. */
import type { Clock } from '../contracts.js';
import { ApiError } from './referral-model.js';
import { publicRegistration, registrationFrom, SUPPORTED_EVENTS } from './registration.js';
import { errorReply, type Reply } from './reply.js';
import type { ValidationEvents } from './validation-events.js';
import type { WebhookDispatch } from './webhook-dispatch.js';

export interface WebhooksContext {
  readonly dispatch: WebhookDispatch;
  readonly validation: ValidationEvents;
  readonly clock: Clock;
  readonly partnerOrganizationId: string;
}

const VALIDATION_RESOURCE = 'https://api.partnercenter.microsoft.com/webhooks/v1/registration/validationEvents/';

export function viewRegistration({ dispatch }: WebhooksContext): Reply {
  if (!dispatch.registration) throw new ApiError(404, 'itemNotFound', 'No webhook registration exists for this tenant', 'registration');
  return { status: 200, body: publicRegistration(dispatch.registration) };
}

export function register({ dispatch }: WebhooksContext, body: unknown, update: boolean): Reply {
  dispatch.registration = registrationFrom(body, dispatch.registration, update);
  return { status: 200, body: publicRegistration(dispatch.registration) };
}

export const registrationEvents = (): Reply => ({ status: 200, body: [...SUPPORTED_EVENTS] });

/** Sends a `test-created` event to the registered URL (at most 2 a minute); its results are read with the correlation id. */
export function postValidationEvent(context: WebhooksContext): Reply {
  const registration = context.dispatch.registration;
  if (!registration || !registration.WebhookEvents.includes('test-created')) {
    throw new ApiError(400, 'invalidRequest', 'Register for the "test-created" event before sending a validation event', 'registration');
  }
  const now = context.clock.now().getTime();
  const retryAfter = context.validation.retryAfter(now);
  if (retryAfter !== undefined) {
    return {
      ...errorReply(new ApiError(429, 'tooManyRequests', 'At most 2 validation events a minute')),
      headers: { 'Retry-After': String(retryAfter) },
    };
  }
  const correlationId = context.validation.open(context.partnerOrganizationId, registration.WebhookUrl, now);
  const event = { eventName: 'test-created', resourceUri: `${VALIDATION_RESOURCE}${correlationId}`, resourceName: 'test', correlationId };
  context.dispatch.raise(event);
  return { status: 200, body: { correlationId } };
}

export function getValidationEvent(context: WebhooksContext, correlationId: string): Reply {
  return { status: 200, body: context.validation.read(correlationId, context.clock.now().getTime()) };
}
