/**
 * Hash indexes on a table's columns, so key lookups, the alternate-key uniqueness check and `$filter` equality
 * conditions find their rows without scanning the table (the emulator's cost per request stays flat as the
 * table grows, as Dataverse's does on indexed columns). An index only narrows the candidates: every caller
 * still applies its exact condition (case-insensitive key match, the compiled filter) to them, so answers are
 * the same as a scan's. Alternate-key columns are indexed from the start; any other column the first time an
 * equality filter names it. Every write maintains the indexes that exist.
 */
import type { StoredRow, StoredValue } from './odata.js';

/**
 * The value an index files a row under: text lowercased (Dataverse compares keys and filter strings
 * case-insensitively), lookups by their id, multi-select values as their Web API string; empty values are not
 * indexed. Two values a filter or key check finds equal always get the same index value; date and time columns
 * compare by instant, so they are never indexed (see `indexable`).
 */
export function indexValue(value: StoredValue | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.join(',').toLowerCase();
  if (typeof value === 'object') return (value as { id: string }).id.toLowerCase();
  return String(value).toLowerCase();
}

export class TableIndexes {
  private readonly columns = new Map<string, Map<string, Set<string>>>();
  /** Creation order of the rows, so candidates come back in the table's order (a scan's order). */
  private readonly order = new Map<string, number>();
  private sequence = 0;

  constructor(private readonly rows: ReadonlyMap<string, StoredRow>) {}

  has(column: string): boolean {
    return this.columns.has(column);
  }

  /** Creates the index of a column from the rows already stored (no-op when it exists). */
  ensure(column: string): void {
    if (this.columns.has(column)) return;
    const index = new Map<string, Set<string>>();
    this.columns.set(column, index);
    for (const [id, row] of this.rows) add(index, indexValue(row[column]), id);
  }

  /** Ids of the rows whose column may equal `value` (a superset of the matches), unordered; undefined without an index. */
  candidates(column: string, value: StoredValue): ReadonlySet<string> | undefined {
    const index = this.columns.get(column);
    if (!index) return undefined;
    const key = indexValue(value);
    return (key === undefined ? undefined : index.get(key)) ?? NONE;
  }

  /** Ids in the table's order (creation order), the order a scan returns rows in. */
  inTableOrder(ids: Iterable<string>): string[] {
    return [...ids].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }

  /** Call before a row is stored (`before` undefined for a new row) or removed (`after` undefined). */
  write(id: string, before: StoredRow | undefined, after: StoredRow | undefined): void {
    if (!before && after) this.order.set(id, (this.sequence += 1));
    if (!after) this.order.delete(id);
    for (const [column, index] of this.columns) {
      const old = before ? indexValue(before[column]) : undefined;
      const next = after ? indexValue(after[column]) : undefined;
      if (old === next) continue;
      remove(index, old, id);
      add(index, next, id);
    }
  }
}

const NONE: ReadonlySet<string> = new Set();

function add(index: Map<string, Set<string>>, key: string | undefined, id: string): void {
  if (key === undefined) return;
  const ids = index.get(key);
  if (ids) ids.add(id);
  else index.set(key, new Set([id]));
}

function remove(index: Map<string, Set<string>>, key: string | undefined, id: string): void {
  if (key === undefined) return;
  const ids = index.get(key);
  ids?.delete(id);
  if (ids?.size === 0) index.delete(key);
}
