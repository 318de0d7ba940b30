/**
 * The public fault API of the emulator (CONTRACT.md, "Faults"): API errors and latency per call, outages over a span
 * of virtual time, and how webhooks are delivered (prompt or on flush, concurrent or one by one, dropped, duplicated,
 * reordered, held up by a delivery outage). Scenarios use only this; the `@internal` methods are the emulator's.
 */
import type { Clock } from '../contracts.js';

/**
 * The operation a request maps to: the connector operation ids (flows/connectors.ts) for the calls the flows make,
 * plus the API's other endpoints.
 */
export type EmulatorOperation =
  | 'GetAllReferrals'
  | 'CreateReferral'
  | 'GetReferralById'
  | 'UpdateReferralById'
  | 'PatchReferralById'
  | 'ViewRegistration'
  | 'EventRegistration'
  | 'UpdateRegistration'
  | 'RegistrationEvents'
  | 'PostValidationEvent'
  | 'GetValidationEvent'
  | 'GetCertificate'
  | 'Unknown';

interface ApiFault {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Path to match (without the query): a RegExp, or a string matched as a substring (`*` is a wildcard). */
  pathPattern?: string | RegExp;
  /** Operation to match (see EmulatorOperation). */
  operation?: EmulatorOperation;
  /** The status to answer instead of handling the call; absent for a latency-only fault. */
  status?: 429 | 500 | 503 | 504;
  /** Sets `Retry-After` (seconds) on the fault's response. */
  retryAfterSeconds?: number;
  /** Virtual latency: the clock is advanced by this much before the call is answered. */
  latencyMs?: number;
  /**
   * With `status`: the call is carried out first (its change commits), and only the answer is the fault, as when a
   * gateway times out after the write. A client that retries such a call repeats a write that already happened.
   */
  afterCommit?: boolean;
  /** How many matching calls it affects (Infinity for all). */
  times: number;
}

/** Which calls a fault or an outage concerns (all when nothing is given). */
type CallFilter = Pick<ApiFault, 'method' | 'pathPattern' | 'operation'>;

interface OutageSpec extends CallFilter {
  /** Start of the outage (default: now on the emulator's clock). */
  from?: Date | string | number;
  /** Its length in virtual milliseconds: every matching call in [from, from + durationMs) gets `status`. */
  durationMs: number;
  /** 503 serviceNotAvailable (default) or 429 tooManyRequests. */
  status?: 429 | 503;
  /** Retry-After seconds; default: the seconds left until the outage ends (rounded up). */
  retryAfterSeconds?: number;
}

interface Outage extends CallFilter {
  from: number;
  until: number;
  status: 429 | 503;
  retryAfterSeconds?: number;
}

/** A span of virtual time during which Partner Center sends no webhook: what falls due in it goes out when it ends. */
interface DeliveryOutage {
  from: number;
  until: number;
}

/** How deliveries go out. */
export interface DeliveryMode {
  /** `prompt`: scheduled on the clock right after the change commits; `on-flush`: only by flushDeliveries()/advance(). */
  timing: 'prompt' | 'on-flush';
  /** `concurrent`: everything due is sent at once; `sequential`: one after the other. */
  order: 'concurrent' | 'sequential';
}

export const DEFAULT_DELIVERY_MODE: DeliveryMode = { timing: 'prompt', order: 'concurrent' };

function instant(value: Date | string | number, what: string): number {
  const time = new Date(value).getTime();
  if (Number.isNaN(time)) throw new Error(`faults.${what}: invalid time ${String(value)}`);
  return time;
}

function matches(filter: CallFilter, method: string, path: string, operation: EmulatorOperation): boolean {
  return (
    (filter.method === undefined || filter.method.toUpperCase() === method.toUpperCase()) &&
    (filter.operation === undefined || filter.operation === operation) &&
    (filter.pathPattern === undefined || pathMatches(filter.pathPattern, path))
  );
}

function pathMatches(pattern: string | RegExp, path: string): boolean {
  if (pattern instanceof RegExp) return pattern.test(path);
  if (!pattern.includes('*')) return path.toLowerCase().includes(pattern.toLowerCase());
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return regex.test(path);
}

export class Faults {
  private api: ApiFault[] = [];
  private outages: Outage[] = [];
  private deliveryOutages: DeliveryOutage[] = [];
  private drops = 0;
  private duplicates = 0;
  private reorders = 0;
  private mode: DeliveryMode;

  constructor(
    private readonly clock: Clock,
    mode: Partial<DeliveryMode> = {},
  ) {
    this.mode = { ...DEFAULT_DELIVERY_MODE, ...mode };
  }

  /** Makes the next `times` matching API calls fail with `status` (and/or be slow by `latencyMs`). */
  add(fault: ApiFault): this {
    if (!(fault.times > 0)) throw new Error('faults.add: times must be positive');
    this.api.push({ ...fault });
    return this;
  }

  /**
   * An outage over a span of virtual time: from `from` (default now) for `durationMs`, every matching API call answers
   * `status` (503 by default, or 429) with Retry-After, without touching state, however many calls come.
   */
  outage(spec: OutageSpec): this {
    if (!(spec.durationMs > 0)) throw new Error('faults.outage: durationMs must be positive');
    const from = spec.from === undefined ? this.clock.now().getTime() : instant(spec.from, 'outage');
    const { method, pathPattern, operation, retryAfterSeconds } = spec;
    this.outages.push({
      from,
      until: from + spec.durationMs,
      status: spec.status ?? 503,
      ...(method !== undefined ? { method } : {}),
      ...(pathPattern !== undefined ? { pathPattern } : {}),
      ...(operation !== undefined ? { operation } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    });
    return this;
  }

  /** Partner Center's dispatcher is down from `from` (default now) for `durationMs`: deliveries due then wait until it ends. */
  deliveryOutage(spec: { from?: Date | string | number; durationMs: number }): this {
    if (!(spec.durationMs > 0)) throw new Error('faults.deliveryOutage: durationMs must be positive');
    const from = spec.from === undefined ? this.clock.now().getTime() : instant(spec.from, 'deliveryOutage');
    this.deliveryOutages.push({ from, until: from + spec.durationMs });
    return this;
  }

  /** How deliveries go out from now on (prompt and concurrent unless told otherwise). */
  deliveries(mode: Partial<DeliveryMode>): this {
    this.mode = { ...this.mode, ...mode };
    return this;
  }

  get deliveryMode(): DeliveryMode {
    return { ...this.mode };
  }

  /** Drops the next `count` webhook deliveries: never sent, never retried (a lost notification). */
  dropDeliveries(count: number): this {
    this.drops += count;
    return this;
  }

  /** Sends each of the next `count` webhook deliveries twice, both copies at once (at-least-once delivery). */
  duplicateDeliveries(count: number): this {
    this.duplicates += count;
    return this;
  }

  /** The next `flushes` flushes that have two or more deliveries due send them in reverse order. */
  deliverOutOfOrder(flushes = 1): this {
    this.reorders += flushes;
    return this;
  }

  /** Removes every pending fault and outage (the delivery mode stays). */
  clear(): void {
    this.api = [];
    this.outages = [];
    this.deliveryOutages = [];
    this.drops = 0;
    this.duplicates = 0;
    this.reorders = 0;
  }

  /** Pending API faults, outages not yet over, and delivery fault counters. */
  get pending(): {
    api: readonly ApiFault[];
    outages: ReadonlyArray<{ from: string; until: string; status: number }>;
    deliveryOutages: ReadonlyArray<{ from: string; until: string }>;
    drops: number;
    duplicates: number;
    reorders: number;
  } {
    const now = this.clock.now().getTime();
    const span = (outage: DeliveryOutage) => ({ from: new Date(outage.from).toISOString(), until: new Date(outage.until).toISOString() });
    return {
      api: this.api.map((fault) => ({ ...fault })),
      outages: this.outages.filter((outage) => outage.until > now).map((outage) => ({ ...span(outage), status: outage.status })),
      deliveryOutages: this.deliveryOutages.filter((outage) => outage.until > now).map(span),
      drops: this.drops,
      duplicates: this.duplicates,
      reorders: this.reorders,
    };
  }

  /** @internal The outage a call at `now` falls in, with the Retry-After to send. */
  outageAt(
    method: string,
    path: string,
    operation: EmulatorOperation,
    now: number,
  ): { status: 429 | 503; retryAfterSeconds: number } | undefined {
    const outage = this.outages.find(
      (candidate) => candidate.from <= now && now < candidate.until && matches(candidate, method, path, operation),
    );
    if (!outage) return undefined;
    return { status: outage.status, retryAfterSeconds: outage.retryAfterSeconds ?? Math.ceil((outage.until - now) / 1000) };
  }

  /** @internal When a delivery due at `at` may go out (the end of the delivery outages it falls in). */
  deliverableAt(at: number): number {
    let time = at;
    for (let moved = true; moved;) {
      moved = false;
      for (const outage of this.deliveryOutages) {
        if (outage.from <= time && time < outage.until) {
          time = outage.until;
          moved = true;
        }
      }
    }
    return time;
  }

  /** @internal The first pending fault that matches the call (its count is consumed). */
  take(method: string, path: string, operation: EmulatorOperation): ApiFault | undefined {
    const index = this.api.findIndex((fault) => matches(fault, method, path, operation));
    if (index < 0) return undefined;
    const fault = this.api[index] as ApiFault;
    fault.times -= 1;
    if (fault.times <= 0) this.api.splice(index, 1);
    return fault;
  }

  /** @internal */
  takeDrop(): boolean {
    if (this.drops <= 0) return false;
    this.drops--;
    return true;
  }
  /** @internal */
  takeDuplicate(): boolean {
    if (this.duplicates <= 0) return false;
    this.duplicates--;
    return true;
  }
  /** @internal */
  takeReorder(): boolean {
    if (this.reorders <= 0) return false;
    this.reorders--;
    return true;
  }
}
