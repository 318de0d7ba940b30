/** Faults the emulator injects on demand: API errors/latency per call, and webhook delivery faults. */

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
  private drops = 0;
  private duplicates = 0;
  private reorders = 0;

  /** Makes the next `times` matching API calls fail with `status` (and/or be slow by `latencyMs`). */
  add(fault: ApiFault): this {
    if (!(fault.times > 0)) throw new Error('faults.add: times must be positive');
    this.api.push({ ...fault });
    return this;
  }

  /** Drops the next `count` webhook deliveries: never sent, never retried (a lost notification). */
  dropDeliveries(count: number): this {
    this.drops += count;
    return this;
  }

  /** Sends each of the next `count` webhook deliveries twice. */
  duplicateDeliveries(count: number): this {
    this.duplicates += count;
    return this;
  }

  /** The next `flushes` flushes that have two or more deliveries due send them in reverse order. */
  deliverOutOfOrder(flushes = 1): this {
    this.reorders += flushes;
    return this;
  }

  /** Removes every pending fault. */
  clear(): void {
    this.api = [];
    this.drops = 0;
    this.duplicates = 0;
    this.reorders = 0;
  }

  /** Pending API faults and delivery fault counters. */
  get pending(): { api: readonly ApiFault[]; drops: number; duplicates: number; reorders: number } {
    return { api: this.api.map((fault) => ({ ...fault })), drops: this.drops, duplicates: this.duplicates, reorders: this.reorders };
  }

  /** @internal The first pending fault that matches the call (its count is consumed). */
  take(method: string, path: string, operation: EmulatorOperation): ApiFault | undefined {
    const index = this.api.findIndex(
      (fault) =>
        (fault.method === undefined || fault.method.toUpperCase() === method.toUpperCase()) &&
        (fault.operation === undefined || fault.operation === operation) &&
        (fault.pathPattern === undefined || pathMatches(fault.pathPattern, path)),
    );
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
