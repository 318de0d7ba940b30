/**
 * What one run remembers while it goes: variables, the result record of every action (what actions(),
 * outputs() and result() read), the loop frames item() reads, the action history, and whether the run
 * was stopped or has answered its caller.
 */
import type { ActionRun, Clock } from '../contracts.js';
import { isObject, type EvaluationHost, type JsonObject, type Value } from './functions/support.js';
import {
  childContainers,
  type ActionDefinition,
  type Actions,
  type HttpAnswer,
  type RegisteredFlow,
  type RunError,
  type Stop,
} from './model.js';

interface LoopFrame {
  readonly kind: 'foreach' | 'until' | 'item';
  readonly name?: string;
  readonly item?: Value;
  readonly hasItem: boolean;
  readonly index: number;
}

export class RunState {
  readonly variables = new Map<string, { type: string; value: Value }>();
  readonly results = new Map<string, JsonObject>();
  readonly scopeResults = new Map<string, Value[]>();
  readonly actions: ActionRun[] = [];
  stop: Stop | undefined;
  response: HttpAnswer | undefined;
  currentAction: JsonObject | undefined;
  private readonly frames: LoopFrame[] = [];

  constructor(
    private readonly flow: RegisteredFlow,
    private readonly clock: Clock,
  ) {}

  timestamp(): string {
    return this.clock.now().toISOString();
  }

  /** Runs a loop body inside its frame (Foreach item, Until iteration index). */
  async inLoop<T>(frame: LoopFrame, body: () => Promise<T>): Promise<T> {
    this.frames.push(frame);
    try {
      return await body();
    } finally {
      this.frames.pop();
    }
  }

  /** Runs `body` with `item()` bound to `item` (Query, Select). */
  withItem<T>(item: Value, index: number, body: () => T): T {
    this.frames.push({ kind: 'item', item, hasItem: true, index });
    try {
      return body();
    } finally {
      this.frames.pop();
    }
  }

  private innermost(test: (frame: LoopFrame) => boolean): LoopFrame | undefined {
    for (let index = this.frames.length - 1; index >= 0; index -= 1) if (test(this.frames[index]!)) return this.frames[index];
    return undefined;
  }

  item(): { value: Value } | undefined {
    const frame = this.innermost((candidate) => candidate.hasItem);
    return frame ? { value: frame.item } : undefined;
  }

  items(loop: string): { value: Value } | undefined {
    const frame = this.innermost((candidate) => candidate.kind === 'foreach' && candidate.name === loop);
    return frame ? { value: frame.item } : undefined;
  }

  iterationIndex(loop: string): number | undefined {
    return this.innermost((candidate) => candidate.kind !== 'item' && candidate.name === loop)?.index;
  }

  /** A skipped action and, recursively, everything inside it. */
  recordSkipped(name: string, definition: ActionDefinition, path: string, iteration: number | undefined, reason?: RunError): void {
    const now = this.timestamp();
    const entry: ActionRun = { name, path, status: 'Skipped', startTime: now, endTime: now };
    if (iteration !== undefined) entry.iteration = iteration;
    this.actions.push(entry);
    this.results.set(name, {
      name,
      startTime: now,
      endTime: now,
      status: 'Skipped',
      code: 'ActionSkipped',
      ...(reason ? { error: reason } : {}),
    });
    if (isObject(definition)) {
      for (const container of childContainers(definition)) this.skipAll(container, path, iteration);
    }
  }

  /** Records every action of a container not taken (an If branch, the other Switch cases) as skipped. */
  skipAll(actions: Actions | undefined, path: string, iteration: number | undefined): void {
    for (const [child, childDefinition] of Object.entries(actions ?? {}))
      this.recordSkipped(child, childDefinition, `${path}/${child}`, iteration);
  }

  /** Forgets the records of the actions inside a loop, before its next iteration. */
  clearNested(name: string): void {
    for (const nested of this.flow.index.get(name)?.nested ?? []) {
      this.results.delete(nested);
      this.scopeResults.delete(nested);
    }
  }

  /** result(): the first-level actions of a container, in the order they ran. */
  firstLevelResults(actions: Actions | undefined): JsonObject[] {
    return Object.keys(actions ?? {})
      .map((name) => this.results.get(name))
      .filter((record): record is JsonObject => record !== undefined);
  }

  /** result() of a loop: one entry per first-level action, its `outputs` the records of every iteration. */
  collectIterations(collected: Map<string, JsonObject[]>, actions: Actions | undefined): void {
    for (const child of Object.keys(actions ?? {})) {
      const record = this.results.get(child);
      if (!record) continue;
      const list = collected.get(child) ?? [];
      list.push(record);
      collected.set(child, list);
    }
  }
}

export function loopResults(collected: Map<string, JsonObject[]>): Value[] {
  return [...collected.entries()].map(([child, records]) => ({
    name: child,
    outputs: records,
    status: records.at(-1)?.status ?? 'Skipped',
  }));
}

/** The expression host of a run: what trigger(), actions(), variables(), item(), result() and workflow() read. */
export function runHost(
  flow: RegisteredFlow,
  runId: string,
  clock: Clock,
  state: RunState,
  triggerRecord: JsonObject,
  parameters: Map<string, Value>,
): EvaluationHost {
  return {
    now: () => clock.now(),
    trigger: () => triggerRecord,
    action: (name) => (flow.index.has(name) ? { record: state.results.get(name) } : undefined),
    currentAction: () => state.currentAction ?? null,
    variable: (name) => {
      const variable = state.variables.get(name);
      return variable ? { value: variable.value } : undefined;
    },
    parameter: (name) => (parameters.has(name) ? { value: parameters.get(name) } : undefined),
    item: () => state.item(),
    items: (loop) => state.items(loop),
    iterationIndex: (loop) => state.iterationIndex(loop),
    result: (scope) => {
      const entry = flow.index.get(scope);
      if (!entry || !['scope', 'foreach', 'until'].includes(entry.type)) return undefined;
      return state.scopeResults.get(scope) ?? [];
    },
    workflow: () => ({
      id: `/workflows/${flow.id}`,
      name: flow.id,
      type: 'Microsoft.Logic/workflows',
      location: 'simulator',
      run: { id: `/workflows/${flow.id}/runs/${runId}`, name: runId, type: 'Microsoft.Logic/workflows/runs' },
      tags: { flowDisplayName: flow.name, environmentName: 'simulator', logicAppName: flow.id },
    }),
    listCallbackUrl: () => undefined,
  };
}
