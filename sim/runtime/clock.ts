import type { Clock } from '../contracts.js';

/**
 * Virtual time for the rehearsal: `sleep` advances the clock at once, so retries, Wait actions and
 * recurrences take no wall-clock time. `now()` returns a fresh Date each call (callers may mutate it).
 */
export class VirtualClock implements Clock {
  private current: number;

  constructor(start: Date | string | number = '2024-01-01T00:00:00.000Z') {
    const time = new Date(start).getTime();
    if (Number.isNaN(time)) throw new Error(`VirtualClock: invalid start time ${String(start)}`);
    this.current = time;
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Advances virtual time by `ms` and yields to the event loop once (so concurrent runs interleave like timers would). */
  async sleep(ms: number): Promise<void> {
    this.advance(ms);
    await Promise.resolve();
  }

  /** Moves the clock forward by `ms` (negative or non-finite amounts are refused). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`VirtualClock: cannot advance by ${ms} ms`);
    this.current += ms;
  }

  /** Sets the clock to a later instant. */
  set(to: Date | string | number): void {
    const time = new Date(to).getTime();
    if (Number.isNaN(time) || time < this.current) throw new Error(`VirtualClock: cannot move to ${String(to)}`);
    this.current = time;
  }
}

/** Real time: `sleep` really waits. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }
}
