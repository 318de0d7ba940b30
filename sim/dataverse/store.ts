/** The emulated organization's rows, table by table, and the writes that change them (create, update, delete with its cascades). */
import { createHash } from 'node:crypto';
import type { Clock } from '../contracts.js';
import { compileIndexedFilter, type Narrowing } from './filter.js';
import { TableIndexes } from './indexes.js';
import { DataverseError, duplicateRecord, recordNotFound, recordNotFoundByKey, resourceNotFound } from './errors.js';
import { SEEDED_CURRENCIES, type EntityDef, type Metadata } from './metadata.js';
import { parseKey, type EntityKey, type LookupValue, type StoredRow, type StoredValue } from './odata.js';
import {
  alternateKeyValues,
  changedRow,
  checkKeys,
  checkStateChange,
  checkStatus,
  computeColumns,
  initialRow,
  sameValue,
} from './row-rules.js';
import { NO_ANNOTATIONS, formatRow, isoSeconds, parseBody, type FormatContext } from './values.js';

/** One row change, for the row triggers. */
export interface Change {
  message: 1 | 2 | 3;
  entity: EntityDef;
  id: string;
  attributes: string[];
  row: StoredRow;
}

/** Where a key points: the row (when it exists), and for an alternate key the key's column values (an upsert creates the row with them). */
interface Located {
  id?: string;
  row?: StoredRow;
  keyValues?: Map<string, StoredValue>;
}

interface StoreOptions {
  /** Id of the currency new rows of currency tables get when none is given; null for none. */
  defaultCurrency: string | null;
  /** Whether an update of a row in a closing state (a Won or Lost opportunity) is accepted; see CONTRACT.md [O4]. */
  closedRowUpdates?: 'allowed' | 'refused';
  /** Id generator for new rows (default: deterministic, so two runs of a scenario produce the same ids). */
  newId?: () => string;
}

export class RowStore {
  private readonly tables = new Map<string, Map<string, StoredRow>>();
  private readonly indexes = new Map<string, TableIndexes>();
  private readonly newId: () => string;
  private version = 1_000_000;
  private idCounter = 0;
  /** The version each row was created at, so a request can tell a row that appeared while it was in flight. */
  private readonly createdAt = new Map<string, number>();

  constructor(
    readonly metadata: Metadata,
    private readonly clock: Clock,
    private readonly options: StoreOptions,
  ) {
    this.newId = options.newId ?? (() => deterministicId((this.idCounter += 1)));
    for (const entity of metadata.entities.values()) {
      const rows = new Map<string, StoredRow>();
      const indexes = new TableIndexes(rows);
      for (const key of entity.keys) for (const column of key.columns) indexes.ensure(column);
      this.tables.set(entity.logicalName, rows);
      this.indexes.set(entity.logicalName, indexes);
    }
    for (const [code, currency] of Object.entries(SEEDED_CURRENCIES)) {
      const values = { isocurrencycode: code, currencyname: currency.name, currencysymbol: currency.symbol, exchangerate: currency.rate };
      this.insertSeed('transactioncurrency', currency.id, { ...values, currencyprecision: 2 });
    }
  }

  /** What formatting a row needs: the metadata, and related rows (names of lookups, `$expand`). */
  get context(): FormatContext {
    return { metadata: this.metadata, find: (entity, id) => this.tables.get(entity)?.get(id) };
  }

  /** A table's rows by id, in creation order. Read-only: writes go through the store, which keeps the indexes. */
  table(entity: EntityDef): ReadonlyMap<string, StoredRow> {
    return this.tables.get(entity.logicalName)!;
  }

  /** The rows a `$filter` selects, in table order; equality conditions are answered from the indexes, not a scan. */
  filter(entity: EntityDef, text: string): StoredRow[] {
    const { predicate, narrowing } = compileIndexedFilter(entity, text);
    const table = this.table(entity);
    const rows = narrowing
      ? this.index(entity)
          .inTableOrder(this.candidates(entity, narrowing))
          .map((id) => table.get(id)!)
      : [...table.values()];
    return rows.filter(predicate);
  }

  private index(entity: EntityDef): TableIndexes {
    return this.indexes.get(entity.logicalName)!;
  }

  /** Ids of the rows that may meet the narrowing (a superset of the matches); an equality's column gets an index on first use. */
  private candidates(entity: EntityDef, narrowing: Narrowing): ReadonlySet<string> {
    if (narrowing.kind === 'eq') {
      this.index(entity).ensure(narrowing.column);
      return this.index(entity).candidates(narrowing.column, narrowing.value)!;
    }
    const left = this.candidates(entity, narrowing.left);
    const right = this.candidates(entity, narrowing.right);
    if (narrowing.kind === 'and') return left.size <= right.size ? left : right;
    return new Set([...left, ...right]);
  }

  /** Rows whose column may equal the value, in table order (the column is indexed: an alternate-key column). */
  private rowsWith(entity: EntityDef, column: string, value: StoredValue): Array<[string, StoredRow]> {
    const table = this.table(entity);
    const ids = this.index(entity).candidates(column, value);
    if (!ids) return [...table];
    return this.index(entity)
      .inTableOrder(ids)
      .map((id) => [id, table.get(id)!]);
  }

  /** Stores (or with `row` undefined deletes) a row, keeping the table's indexes. */
  private put(entity: EntityDef, id: string, row: StoredRow | undefined): void {
    const table = this.tables.get(entity.logicalName)!;
    this.index(entity).write(id, table.get(id), row);
    if (row) table.set(id, row);
    else table.delete(id);
  }

  entityBySet(entitySet: string): EntityDef {
    const entity = this.metadata.bySet.get(entitySet);
    if (!entity) throw resourceNotFound(entitySet);
    return entity;
  }

  /** A row in Web API shape, every column, no annotations. */
  plain(entity: EntityDef, row: StoredRow): Record<string, unknown> {
    return formatRow(this.context, entity, row, { annotations: NO_ANNOTATIONS });
  }

  notFound(entity: EntityDef, key: EntityKey): DataverseError {
    return key.kind === 'id' ? recordNotFound(entity.logicalName, key.id) : recordNotFoundByKey(entity.logicalName);
  }

  /** The primary name of the row a lookup points at (lookups sort by it). */
  primaryName(reference: LookupValue | null | undefined): string | null {
    if (!reference) return null;
    const target = this.metadata.entities.get(reference.entity);
    const name = target ? this.tables.get(reference.entity)?.get(reference.id)?.[target.primaryNameAttribute] : undefined;
    return typeof name === 'string' ? name : null;
  }

  /** The current version: a request notes it on arrival (see `createdSince`). */
  get currentVersion(): number {
    return this.version;
  }

  /** Whether the row was created after `version`, i.e. after a request that noted it had arrived. */
  createdSince(entity: EntityDef, id: string, version: number): boolean {
    return (this.createdAt.get(`${entity.logicalName}:${id}`) ?? 0) > version;
  }

  /** Finds the row a key names. */
  locate(entity: EntityDef, key: EntityKey): Located {
    const table = this.table(entity);
    if (key.kind === 'id') {
      const row = table.get(key.id);
      return row ? { id: key.id, row } : { id: key.id };
    }
    const keyValues = alternateKeyValues(entity, key);
    const [column, value] = [...keyValues][0]!;
    for (const [id, row] of this.rowsWith(entity, column, value)) {
      if ([...keyValues].every(([name, value]) => sameValue(row[name], value))) return { id, row, keyValues };
    }
    return { keyValues };
  }

  create(
    entity: EntityDef,
    body: Record<string, unknown>,
    from: { id?: string; keyValues?: Map<string, StoredValue> },
  ): { stored: StoredRow; changes: Change[] } {
    const parsed = parseBody(this.metadata, entity, body);
    const values = parsed.values;
    this.resolveBinds(parsed.binds, values);
    const id = from.id ?? (values.get(entity.primaryIdAttribute) as string | null | undefined) ?? this.newId();
    if (this.table(entity).has(id)) throw duplicateRecord();
    checkStateChange(entity, undefined, values, undefined, 'allowed');
    const row = initialRow(entity, id, values, from.keyValues);
    checkStatus(entity, id, row);
    if (entity.attributes.has('transactioncurrencyid') && !values.has('transactioncurrencyid') && this.options.defaultCurrency) {
      row.transactioncurrencyid = { id: this.options.defaultCurrency, entity: 'transactioncurrency' };
    }
    const now = this.now();
    row.createdon = now;
    this.save(entity, id, row, now);
    this.createdAt.set(`${entity.logicalName}:${id}`, this.version);
    return { stored: row, changes: [{ message: 1, entity, id, attributes: parsed.attributes, row: { ...row } }] };
  }

  /**
   * Updates a row. `message` names the message doing it when it is not a plain Update (WinOpportunity may set the
   * state an update may not).
   */
  update(
    entity: EntityDef,
    existing: StoredRow,
    body: Record<string, unknown>,
    message?: string,
  ): { stored: StoredRow; changes: Change[] } {
    const parsed = parseBody(this.metadata, entity, body);
    const values = parsed.values;
    this.resolveBinds(parsed.binds, values);
    const id = existing[entity.primaryIdAttribute] as string;
    values.delete(entity.primaryIdAttribute);
    checkStateChange(entity, existing, values, message, this.options.closedRowUpdates ?? 'allowed');
    const row = changedRow(entity, existing, values);
    checkStatus(entity, id, row);
    this.save(entity, id, row, this.now());
    return { stored: row, changes: [{ message: 3, entity, id, attributes: parsed.attributes, row: { ...row } }] };
  }

  /** Deletes a row; rows that point at it are deleted too (parental relationships) or lose the link. */
  remove(entity: EntityDef, id: string): Change[] {
    const row = this.table(entity).get(id);
    if (!row) return [];
    this.put(entity, id, undefined);
    const changes: Change[] = [{ message: 2, entity, id, attributes: [], row }];
    for (const cascade of this.metadata.cascades) {
      if (cascade.parent !== entity.logicalName) continue;
      const child = this.metadata.entities.get(cascade.child)!;
      for (const [childId, childRow] of [...this.table(child)]) {
        const reference = childRow[cascade.attribute] as LookupValue | null | undefined;
        if (!reference || reference.id !== id || reference.entity !== entity.logicalName) continue;
        if (cascade.onDelete === 'Cascade') {
          changes.push(...this.remove(child, childId));
        } else {
          const updated: StoredRow = { ...childRow, [cascade.attribute]: null, modifiedon: this.now(), versionnumber: (this.version += 1) };
          this.put(child, childId, updated);
          changes.push({ message: 3, entity: child, id: childId, attributes: [cascade.attribute], row: { ...updated } });
        }
      }
    }
    return changes;
  }

  /** Computed columns, modified on, a new version number, the key check, then the row is stored. */
  private save(entity: EntityDef, id: string, row: StoredRow, now: string): void {
    computeColumns(entity, row, (currencyId) => this.tables.get('transactioncurrency')?.get(currencyId)?.exchangerate);
    row.modifiedon = now;
    row.versionnumber = this.version += 1;
    checkKeys(entity, row, id, (column, value) => this.rowsWith(entity, column, value));
    this.put(entity, id, row);
  }

  /** `@odata.bind` references must name an existing row (by id or alternate key). */
  private resolveBinds(binds: ReturnType<typeof parseBody>['binds'], values: Map<string, StoredValue>): void {
    for (const [attribute, bind] of binds) {
      const target = this.metadata.entities.get(bind.target)!;
      const key = parseKey(bind.key);
      const found = this.locate(target, key);
      if (!found.row) throw this.notFound(target, key);
      values.set(attribute, { id: found.id!, entity: target.logicalName });
    }
  }

  private insertSeed(entityName: string, id: string, values: StoredRow): void {
    const entity = this.metadata.entities.get(entityName)!;
    const now = this.now();
    const row = { [entity.primaryIdAttribute]: id, ...values, statecode: 0, statuscode: 1, createdon: now, modifiedon: now };
    this.put(entity, id, { ...row, versionnumber: (this.version += 1) });
  }

  private now(): string {
    return isoSeconds(this.clock.now());
  }
}

/** Deterministic, well-formed GUIDs: the same scenario gets the same ids on every run. */
function deterministicId(n: number): string {
  const hex = createHash('sha1').update(`dataverse-emulator:${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
