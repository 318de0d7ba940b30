/**
 * Row triggers: the subscriptions flows register (table, message, filtering attributes, filter expression)
 * and their callbacks, called asynchronously after each write, as Dataverse runs the flows registered on a
 * table. Also the work in flight that settle() waits for (callbacks, and requests that may fire more).
 */
import type { RowChange, RowSubscription } from '../contracts.js';
import { DataverseError } from './errors.js';
import { compileFilter, type RowPredicate } from './filter.js';
import type { EntityDef, Metadata } from './metadata.js';
import type { Change } from './store.js';
import { ALL_ANNOTATIONS, formatRow, type FormatContext } from './values.js';

export type RowCallback = (change: RowChange) => void | Promise<void>;

interface Subscription {
  entity: EntityDef;
  messages: ReadonlySet<number>;
  filtering?: ReadonlySet<string>;
  predicate?: RowPredicate;
  callback: RowCallback;
}

/** The row-trigger messages: 1 Added, 2 Deleted, 3 Modified, and their combinations 4–7. */
const MESSAGES: Record<number, readonly number[]> = { 1: [1], 2: [2], 3: [3], 4: [1, 3], 5: [1, 2], 6: [2, 3], 7: [1, 2, 3] };

const registrationError = (message: string): DataverseError => new DataverseError(400, '0x80040203', message);

export class RowTriggers {
  private readonly subscriptions: Subscription[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly callbackErrors: unknown[] = [];

  constructor(private readonly context: () => FormatContext) {}

  /** Registers a subscription; returns the function that removes it. */
  subscribe(metadata: Metadata, subscription: RowSubscription, callback: RowCallback): () => void {
    const entry = registration(metadata, subscription, callback);
    this.subscriptions.push(entry);
    return () => {
      const index = this.subscriptions.indexOf(entry);
      if (index >= 0) this.subscriptions.splice(index, 1);
    };
  }

  /** Calls, once `start` resolves (the HTTP response is sent), the callbacks the changes trigger. */
  fire(changes: readonly Change[], start: Promise<void>): void {
    for (const change of changes) {
      for (const subscription of this.subscriptions) {
        if (!triggers(subscription, change)) continue;
        const rowChange: RowChange = {
          message: change.message,
          entity: change.entity.logicalName,
          id: change.id,
          attributes: [...change.attributes],
          row: formatRow(this.context(), change.entity, change.row, { annotations: ALL_ANNOTATIONS }),
        };
        this.track(this.call(subscription.callback, rowChange, start));
      }
    }
  }

  private async call(callback: RowCallback, change: RowChange, start: Promise<void>): Promise<void> {
    await start;
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      await callback(change);
    } catch (error) {
      this.callbackErrors.push(error);
    }
  }

  /** Work settle() waits for. */
  track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Resolves once nothing is in flight; rejects with an AggregateError when callbacks threw. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    if (this.callbackErrors.length === 0) return;
    const errors = this.callbackErrors.splice(0);
    throw new AggregateError(
      errors,
      `${errors.length} row-trigger callback(s) failed: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`,
    );
  }
}

/** Whether a change fires a subscription: its table and message, a filtering attribute present (updates), the filter. */
function triggers(subscription: Subscription, change: Change): boolean {
  if (subscription.entity !== change.entity || !subscription.messages.has(change.message)) return false;
  const filtering = subscription.filtering;
  if (change.message === 3 && filtering && !change.attributes.some((a) => filtering.has(a))) return false;
  return !subscription.predicate || subscription.predicate(change.row);
}

/** Checks a registration as Dataverse does: an unknown table, message, filtering attribute or an invalid filter is refused. */
function registration(metadata: Metadata, subscription: RowSubscription, callback: RowCallback): Subscription {
  const entity = metadata.entities.get(subscription.entity.toLowerCase());
  if (!entity) throw registrationError(`Entity '${subscription.entity}' does not exist in the Dataverse emulator's metadata`);
  const messages = MESSAGES[subscription.message];
  if (!messages) throw registrationError(`Invalid message ${subscription.message}: expected 1 (Added) … 7 (Added, Modified or Deleted)`);
  const filtering = (subscription.filteringAttributes ?? []).map((a) => a.trim().toLowerCase()).filter((a) => a !== '');
  const unknown = filtering.find((attribute) => !entity.attributes.has(attribute));
  if (unknown) throw registrationError(`The filtering attribute '${unknown}' does not exist on entity '${entity.logicalName}'`);
  const predicate = filterPredicate(entity, subscription.filterExpression?.trim());
  return {
    entity,
    messages: new Set(messages),
    callback,
    ...(filtering.length > 0 ? { filtering: new Set(filtering) } : {}),
    ...(predicate ? { predicate } : {}),
  };
}

function filterPredicate(entity: EntityDef, expression: string | undefined): RowPredicate | undefined {
  if (!expression) return undefined;
  try {
    return compileFilter(entity, expression);
  } catch (error) {
    const inner = error instanceof Error ? error.message : String(error);
    throw registrationError(
      `Exception parsing ${expression} submitted for attribute filterexpression of callback registration. ` +
        `Target entity: ${entity.logicalName}. Exception: Microsoft.OData.ODataException: ${inner}`,
    );
  }
}
