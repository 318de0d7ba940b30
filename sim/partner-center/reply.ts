/** What an API handler answers, and the error bodies Partner Center writes. */
import { ApiError } from './referral-model.js';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: { contentType: string; data: string | Buffer };
}

export function errorReply(error: ApiError): Reply {
  return {
    status: error.status,
    body: { error: { code: error.code, message: error.message.slice(0, 1024), ...(error.target ? { target: error.target } : {}) } },
  };
}

/** The answer of an injected fault: 429 and 503 as Partner Center words them, anything else as a general exception. */
export function faultReply(status: number, retryAfterSeconds: number | undefined): Reply {
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
