/**
 * Retry policies of Http and connector actions (flows-and-pcf §3.5, Logic Apps "Handle errors and
 * exceptions"): retries on 408, 429, 5xx and connectivity errors. The default policy (no `retryPolicy`) is
 * exponential with 4 retries at 7.5 s steps capped between 5 and 45 s. Logic Apps draws each exponential
 * wait at random from [max(2^(n-2)·interval, min), min(2^(n-1)·interval, max)]; the simulator takes the
 * upper end of that range, deterministically. A `Retry-After` header (seconds or HTTP date) overrides the
 * computed wait.
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
const EXPLICIT_MAXIMUM = 86400000;

function duration(value: unknown, fallback: number, what: string): number {
  if (value === undefined || value === null) return fallback;
  const parsed = typeof value === 'string' ? parseDuration(value) : undefined;
  if (parsed === undefined || parsed < 0)
    throw new ActionError('InvalidRetryPolicy', `The retry policy ${what} '${display(value)}' is not an ISO 8601 duration.`);
  return parsed;
}

function count(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 90) {
    throw new ActionError('InvalidRetryPolicy', `The retry policy count '${display(value)}' must be an integer from 1 to 90.`);
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
      const interval = duration(policy.interval, 20000, 'interval');
      return { type: 'fixed', count: count(policy.count, 4), delay: () => interval };
    }
    case 'exponential':
      return exponential(
        count(policy.count, 4),
        duration(policy.interval, DEFAULT_INTERVAL, 'interval'),
        duration(policy.minimumInterval, DEFAULT_MINIMUM, 'minimumInterval'),
        duration(policy.maximumInterval, EXPLICIT_MAXIMUM, 'maximumInterval'),
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
