/**
 * Trigger concurrency control: a trigger's `runtimeConfiguration.concurrency.runs` lets at most that many runs of the
 * flow go at once (25 when the setting names no number); the others wait, in arrival order, up to
 * `maximumWaitingRuns`. Without the setting, runs are not limited (learn: Logic Apps "Limits and configuration", concurrency limits; "Change trigger concurrency").
 */
import { DefinitionError } from './errors.js';
import { isObject } from './functions/support.js';
import type { ActionDefinition } from './model.js';

/** Documented: 25 runs at once when concurrency control is on and no limit is given. */
const DEFAULT_RUNS = 25;
/** Documented range of `runs` (1–100; the 2021 text said 1–50). */
const MAX_RUNS = 100;
/** Documented: at least 10 + runs may wait; at most 100 can be asked for. */
const MIN_EXTRA_WAITING = 10;
const MAX_WAITING = 100;

export interface ConcurrencyLimit {
  runs: number;
  maximumWaitingRuns: number;
}

/** The trigger's limit, or undefined when concurrency control is off; a value out of range is a definition error. */
export function triggerConcurrency(flowName: string, trigger: ActionDefinition): ConcurrencyLimit | undefined {
  const configuration = (trigger as { runtimeConfiguration?: unknown }).runtimeConfiguration;
  const concurrency = isObject(configuration) && isObject(configuration.concurrency) ? configuration.concurrency : undefined;
  if (!concurrency) return undefined;
  const runs = concurrency.runs ?? DEFAULT_RUNS;
  if (typeof runs !== 'number' || !Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) {
    throw new DefinitionError(
      `${flowName}: trigger concurrency runs must be an integer from 1 to ${MAX_RUNS}, not ${JSON.stringify(runs)}`,
    );
  }
  const asked = concurrency.maximumWaitingRuns;
  if (asked !== undefined && (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 0 || asked > MAX_WAITING)) {
    throw new DefinitionError(`${flowName}: maximumWaitingRuns must be an integer up to ${MAX_WAITING}, not ${JSON.stringify(asked)}`);
  }
  return { runs, maximumWaitingRuns: Math.max(asked ?? MAX_WAITING, MIN_EXTRA_WAITING + runs) };
}

/** Admits runs up to the limit; the rest queue in order. `enter` resolves with a release, or undefined when the queue is full. */
export class RunGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: ConcurrencyLimit) {}

  /** Runs in progress and waiting. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  async enter(): Promise<(() => void) | undefined> {
    if (this.running < this.limit.runs) {
      this.running += 1;
      return () => this.leave();
    }
    if (this.waiting.length >= this.limit.maximumWaitingRuns) return undefined;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return () => this.leave();
  }

  private leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}
