/**
 * Retry policies of Http and connector actions, as learn.microsoft.com/azure/logic-apps/error-exception-handling
 * ("Retry policies") and logic-apps-limits-and-config ("Retry policy") document them:
 * - retries on 408, 429, 5xx and connectivity errors;
 * - Default (no `retryPolicy`, or type `default`): exponential, up to 4 retries, intervals scaling by 7.5 s, capped
 *   between 5 and 45 s;
 * - `none`; `fixed` and `exponential` with a required `count` (1–90) and `interval` (ISO 8601, PT5S–P1D, Consumption);
 *   `exponential` also `minimumInterval` (default PT5S) and `maximumInterval` (default P1D).
 * Logic Apps draws retry n of an exponential policy uniformly from [max(2^(n-2)·interval, min), min(2^(n-1)·interval,
 * max)] (retry 1 from [max(0, min), min(interval, max)]); the simulator takes the upper end, deterministically.
 * A `Retry-After` header (seconds or HTTP date) on the failed answer replaces the computed wait: not documented for
 * Logic Apps, assumed because the services we call (Dataverse, Partner Center) send it to be honoured.
 */
import { display } from '../display.js';
import { parseDuration } from './durations.js';
import { ActionError } from './errors.js';

interface RetryPolicy {
  readonly type: 'none' | 'fixed' | 'exponential';
  /** Number of retries after the first attempt. */
  readonly count: number;
  /** Wait before retry `n` (1-based), in milliseconds. */
  delay(retry: number): number;
}

const DEFAULT_INTERVAL = 7500;
const DEFAULT_MINIMUM = 5000;
const DEFAULT_MAXIMUM = 45000;
/** Documented bounds of an explicit policy's intervals (Consumption): 5 s to 1 day. */
const SHORTEST_INTERVAL = 5000;
const LONGEST_INTERVAL = 86400000;
const MAX_RETRIES = 90;

function duration(value: unknown, what: string, fallback?: number): number {
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw new ActionError('InvalidRetryPolicy', `The retry policy needs an ${what} (an ISO 8601 duration).`);
  }
  const parsed = typeof value === 'string' ? parseDuration(value) : undefined;
  if (parsed === undefined || parsed < 0)
    throw new ActionError('InvalidRetryPolicy', `The retry policy ${what} '${display(value)}' is not an ISO 8601 duration.`);
  if (parsed < SHORTEST_INTERVAL || parsed > LONGEST_INTERVAL)
    throw new ActionError('InvalidRetryPolicy', `The retry policy ${what} '${display(value)}' must be from PT5S to P1D.`);
  return parsed;
}

function count(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_RETRIES) {
    throw new ActionError('InvalidRetryPolicy', `The retry policy count '${display(value)}' must be an integer from 1 to ${MAX_RETRIES}.`);
  }
  return value;
}

const exponential = (retries: number, interval: number, minimum: number, maximum: number): RetryPolicy => ({
  type: 'exponential',
  count: retries,
  delay: (retry) => Math.max(minimum, Math.min(2 ** (retry - 1) * interval, maximum)),
});

export function retryPolicyOf(definition: unknown): RetryPolicy {
  if (definition === undefined || definition === null) return exponential(4, DEFAULT_INTERVAL, DEFAULT_MINIMUM, DEFAULT_MAXIMUM);
  const policy = definition as Record<string, unknown>;
  const type = display(policy.type ?? 'default').toLowerCase();
  switch (type) {
    case 'none':
      return { type: 'none', count: 0, delay: () => 0 };
    case 'default':
      return exponential(4, DEFAULT_INTERVAL, DEFAULT_MINIMUM, DEFAULT_MAXIMUM);
    case 'fixed': {
      const retries = count(policy.count);
      const interval = duration(policy.interval, 'interval');
      return { type: 'fixed', count: retries, delay: () => interval };
    }
    case 'exponential':
      return exponential(
        count(policy.count),
        duration(policy.interval, 'interval'),
        duration(policy.minimumInterval, 'minimumInterval', DEFAULT_MINIMUM),
        duration(policy.maximumInterval, 'maximumInterval', LONGEST_INTERVAL),
      );
    default:
      throw new ActionError('InvalidRetryPolicy', `The retry policy type '${String(policy.type)}' is not one of none, fixed, exponential.`);
  }
}

export const isRetriableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/** The Retry-After header in milliseconds (delta seconds or an HTTP date relative to `now`). */
export function retryAfterMs(headers: Record<string, string> | undefined, now: Date): number | undefined {
  if (!headers) return undefined;
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after');
  if (!entry) return undefined;
  const value = entry[1].trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}
