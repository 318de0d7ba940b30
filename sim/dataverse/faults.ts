/**
 * The Dataverse emulator's public fault switches (`dv.faults`): service protection throttling (429 with
 * Retry-After), server errors and latency, each for a span of virtual time and/or a number of Web API requests.
 * Only Web API requests (the flows' connector calls) are affected, never the user hooks. See CONTRACT.md section F.
 */
import type { Clock } from '../contracts.js';
import { DataverseError } from './errors.js';

/** The three service protection limits, with the code and message the Web API answers (Microsoft's "Service protection API limits"). */
export const THROTTLE_REASONS = {
  requests: { code: '0x80072322', message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.' },
  executionTime: {
    code: '0x80072321',
    message:
      'Combined execution time of incoming requests exceeded limit of 1,200,000 milliseconds over time window of 300 seconds. ' +
      'Decrease number of concurrent requests or reduce the duration of requests and try again later.',
  },
  concurrency: { code: '0x80072326', message: 'Number of concurrent requests exceeded the limit of 52.' },
} as const;
type ThrottleReason = keyof typeof THROTTLE_REASONS;

/** Which requests a fault applies to, and for how long. */
interface FaultScope {
  /** HTTP method (any when absent). */
  method?: string;
  /** A substring of the decoded path and query, or a RegExp (any when absent). */
  path?: string | RegExp;
  /** Virtual time it starts (ISO text or Date; default: now). */
  from?: string | Date;
  /** How long it lasts in virtual time (default: until `times` runs out, or for ever). */
  forMs?: number;
  /** How many matching requests it affects (default: every one within the span). */
  times?: number;
}

interface Fault extends FaultScope {
  kind: 'throttle' | 'error' | 'latency';
  status?: number;
  retryAfterSeconds?: number;
  reason?: ThrottleReason;
  latencyMs?: number;
  afterCommit?: boolean;
}

/** What the emulator does with one request, per the faults that apply to it. */
export interface FaultOutcome {
  latencyMs: number;
  /** The error to answer instead (before the request is carried out, or after it with `afterCommit`). */
  failure?: { error: DataverseError; headers: Record<string, string>; afterCommit: boolean };
}

const SERVER_ERROR = { code: '0x80040216', message: 'An unexpected error occurred.' } as const;

export class DataverseFaults {
  private faults: Array<Fault & { startsAt: number; endsAt: number; left: number }> = [];

  constructor(private readonly clock: Clock) {}

  /**
   * Service protection: matching requests answer 429 with `Retry-After: <retryAfterSeconds>` (default 5) and the
   * limit's error code and message (`reason`, default `requests`: 0x80072322).
   */
  throttle(options: FaultScope & { retryAfterSeconds?: number; reason?: ThrottleReason } = {}): this {
    return this.add({ ...options, kind: 'throttle', status: 429 });
  }

  /** Matching requests answer `status` (500, 502, 503 or 504); with `afterCommit`, only after their write committed. */
  serverError(options: FaultScope & { status?: 500 | 502 | 503 | 504; afterCommit?: boolean; retryAfterSeconds?: number } = {}): this {
    return this.add({ ...options, kind: 'error', status: options.status ?? 503 });
  }

  /** Matching requests are answered `ms` of virtual time later. */
  latency(ms: number, options: FaultScope = {}): this {
    if (!(ms >= 0)) throw new Error('faults.latency: ms must be zero or more');
    return this.add({ ...options, kind: 'latency', latencyMs: ms });
  }

  /** Removes every fault. */
  clear(): void {
    this.faults = [];
  }

  /** The faults not yet over: their kind, span (ISO) and requests left. */
  get pending(): Array<{ kind: Fault['kind']; from: string; until: string | null; left: number | null }> {
    const now = this.clock.now().getTime();
    return this.faults
      .filter((fault) => fault.endsAt > now && fault.left > 0)
      .map((fault) => ({
        kind: fault.kind,
        from: new Date(fault.startsAt).toISOString(),
        until: Number.isFinite(fault.endsAt) ? new Date(fault.endsAt).toISOString() : null,
        left: Number.isFinite(fault.left) ? fault.left : null,
      }));
  }

  /** @internal What the faults do to a request arriving now (counts are consumed). */
  apply(method: string, path: string): FaultOutcome {
    const now = this.clock.now().getTime();
    const outcome: FaultOutcome = { latencyMs: 0 };
    for (const fault of this.faults) {
      if (now < fault.startsAt || now >= fault.endsAt || fault.left <= 0 || !matches(fault, method, path)) continue;
      if (fault.kind === 'latency') {
        fault.left -= 1;
        outcome.latencyMs += fault.latencyMs ?? 0;
      } else if (!outcome.failure) {
        fault.left -= 1;
        outcome.failure = failureOf(fault);
      }
    }
    this.faults = this.faults.filter((fault) => fault.left > 0 && fault.endsAt > now);
    return outcome;
  }

  private add(fault: Fault): this {
    if (fault.times !== undefined && !(fault.times > 0)) throw new Error('faults: times must be positive');
    if (fault.forMs !== undefined && !(fault.forMs > 0)) throw new Error('faults: forMs must be positive');
    const startsAt = fault.from === undefined ? this.clock.now().getTime() : new Date(fault.from).getTime();
    if (Number.isNaN(startsAt)) throw new Error(`faults: from is not a time: ${String(fault.from)}`);
    this.faults.push({
      ...fault,
      startsAt,
      endsAt: fault.forMs === undefined ? Infinity : startsAt + fault.forMs,
      left: fault.times ?? Infinity,
    });
    return this;
  }
}

function matches(fault: FaultScope, method: string, path: string): boolean {
  if (fault.method !== undefined && fault.method.toUpperCase() !== method.toUpperCase()) return false;
  if (fault.path === undefined) return true;
  return fault.path instanceof RegExp ? fault.path.test(path) : path.toLowerCase().includes(fault.path.toLowerCase());
}

function failureOf(fault: Fault): NonNullable<FaultOutcome['failure']> {
  const retryAfter = fault.retryAfterSeconds ?? (fault.kind === 'throttle' ? 5 : undefined);
  const headers: Record<string, string> = retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {};
  if (fault.kind === 'throttle') {
    const limit = THROTTLE_REASONS[fault.reason ?? 'requests'];
    return { error: new DataverseError(429, limit.code, limit.message), headers, afterCommit: false };
  }
  return {
    error: new DataverseError(fault.status ?? 503, SERVER_ERROR.code, SERVER_ERROR.message),
    headers,
    afterCommit: fault.afterCommit === true,
  };
}
