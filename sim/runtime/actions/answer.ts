/** Calls out of a run (connectors, HTTP, child flows): retries, and the HTTP answer as the action's outcome. */
import type { Clock, ConnectorResponse } from '../../contracts.js';
import { display } from '../../display.js';
import { ActionError } from '../errors.js';
import { isObject } from '../functions/support.js';
import type { Outcome, Step } from '../model.js';
import { isRetriableStatus, retryAfterMs, retryPolicyOf } from '../retry.js';

const HTTP_REASONS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  408: 'RequestTimeout',
  409: 'Conflict',
  410: 'Gone',
  412: 'PreconditionFailed',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableEntity',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  501: 'NotImplemented',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export const httpReason = (status: number): string =>
  HTTP_REASONS[status] ?? (status >= 500 ? 'ServerError' : status >= 400 ? 'ClientError' : 'OK');

/** The message a failed HTTP answer carries (OData/Graph `error.message`, `message`, or the body itself). */
function errorMessage(body: unknown, status: number): string {
  if (isObject(body)) {
    const error = body.error;
    if (isObject(error) && typeof error.message === 'string') return error.message;
    if (typeof error === 'string') return error;
    if (typeof body.message === 'string') return body.message;
    if (typeof body.Message === 'string') return body.Message;
    return JSON.stringify(body);
  }
  if (typeof body === 'string' && body !== '') return body;
  return `The request failed with status code ${status} (${httpReason(status)}).`;
}

/** Fails the action with the answer's status and message when it is 4xx/5xx. */
export function failedAnswer(statusCode: number, body: unknown, step: Step): Outcome | undefined {
  if (statusCode < 400) return undefined;
  step.error = { code: httpReason(statusCode), message: errorMessage(body, statusCode) };
  return { status: 'Failed', cause: { path: '', error: step.error } };
}

/** outputs = { statusCode, headers, body }; 4xx/5xx fail the action with the body's message. */
export function answered(response: ConnectorResponse, step: Step): Outcome {
  step.outputs = { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body ?? null };
  step.code = httpReason(response.statusCode);
  return failedAnswer(response.statusCode, response.body, step) ?? { status: 'Succeeded' };
}

/** Calls with the action's retry policy; connectivity errors retry too, then fail the action. */
export async function withRetry(
  clock: Clock,
  policyDefinition: unknown,
  call: () => Promise<ConnectorResponse>,
): Promise<ConnectorResponse> {
  const policy = retryPolicyOf(policyDefinition);
  for (let retry = 0; ; retry += 1) {
    let response: ConnectorResponse | undefined;
    let thrown: unknown;
    try {
      response = await call();
    } catch (error) {
      thrown = error;
    }
    const retriable = thrown !== undefined || isRetriableStatus(response!.statusCode);
    if (!retriable || retry >= policy.count) {
      if (thrown !== undefined) throw new ActionError('ServiceUnavailable', `The call failed: ${thrownMessage(thrown)}`);
      return response!;
    }
    await clock.sleep(retryAfterMs(response?.headers, clock.now()) ?? policy.delay(retry + 1));
  }
}

const thrownMessage = (thrown: unknown): string =>
  isObject(thrown) && typeof thrown.message === 'string' ? thrown.message : display(thrown);
