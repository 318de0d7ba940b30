/**
 * What Dataverse enforces and computes on a row as it is written: column defaults, state and status
 * (a status reason belongs to its state), computed columns, alternate keys (unique, case-insensitive).
 */
import { cannotSetOpportunityState, duplicateKey, inactiveObject, invalidKey, invalidStatus } from './errors.js';
import { displayName, stateName, type EntityDef } from './metadata.js';
import type { EntityKey, LookupValue, StoredRow, StoredValue } from './odata.js';

/** Key and lookup values compare case-insensitively; an empty value equals nothing. */
export function sameValue(a: StoredValue | undefined, b: StoredValue): boolean {
  if (a === null || a === undefined || b === null) return false;
  if (typeof a === 'object' && typeof b === 'object' && 'id' in a && 'id' in b) return a.id.toLowerCase() === b.id.toLowerCase();
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

const defaultStatusOf = (entity: EntityDef, state: StoredValue | undefined): number | null =>
  entity.states.find((s) => s.value === state)?.defaultStatus ?? null;

/** A new row: column defaults, then the key's values (an upsert by key), then the body's; statecode 0 and its default status unless given. */
export function initialRow(
  entity: EntityDef,
  id: string,
  values: ReadonlyMap<string, StoredValue>,
  keyValues?: ReadonlyMap<string, StoredValue>,
): StoredRow {
  const row: StoredRow = {};
  for (const attribute of entity.attributes.values()) row[attribute.logicalName] = attribute.defaultValue ?? null;
  for (const [name, value] of keyValues ?? []) row[name] = value;
  for (const [name, value] of values) row[name] = value;
  row[entity.primaryIdAttribute] = id;
  const state = (values.get('statecode') as number | null | undefined) ?? 0;
  row.statecode = state;
  row.statuscode = (values.get('statuscode') as number | null | undefined) ?? defaultStatusOf(entity, state);
  return row;
}

/** An existing row with the body's values; a state change without a status takes the new state's default status. */
export function changedRow(entity: EntityDef, existing: StoredRow, values: ReadonlyMap<string, StoredValue>): StoredRow {
  const row: StoredRow = { ...existing };
  for (const [name, value] of values) row[name] = value;
  if (values.has('statecode') && !values.has('statuscode') && values.get('statecode') !== existing.statecode) {
    row.statuscode = defaultStatusOf(entity, row.statecode);
  }
  if (values.has('statecode') && row.statecode === null) row.statecode = existing.statecode ?? 0;
  if (values.has('statuscode') && row.statuscode === null) row.statuscode = defaultStatusOf(entity, row.statecode);
  return row;
}

/**
 * A state only a message reaches (opportunity Won/Lost: WinOpportunity/LoseOpportunity) is refused to a plain create
 * or update. With `closedRowUpdates: 'refused'`, a row in such a state takes no update but a reopening one.
 */
export function checkStateChange(
  entity: EntityDef,
  existing: StoredRow | undefined,
  values: ReadonlyMap<string, StoredValue>,
  message: string | undefined,
  closedRowUpdates: 'allowed' | 'refused',
): void {
  const state = values.get('statecode');
  const closing = typeof state === 'number' ? entity.closingMessages.get(state) : undefined;
  if (closing && closing !== message && state !== existing?.statecode) {
    throw cannotSetOpportunityState(
      stateName(entity, state as number)
        .split('.')
        .pop()!,
      closing,
    );
  }
  const closed = typeof existing?.statecode === 'number' && entity.closingMessages.has(existing.statecode);
  const reopens = state !== undefined && state !== existing?.statecode;
  if (closed && message === undefined && closedRowUpdates === 'refused' && !reopens) throw inactiveObject();
}

export function checkStatus(entity: EntityDef, id: string, row: StoredRow): void {
  const status = row.statuscode as number | null;
  const statusAttribute = entity.attributes.get('statuscode');
  if (status === null || !statusAttribute?.statusState) return;
  if (statusAttribute.statusState.get(status) !== row.statecode) {
    throw invalidStatus(status, entity.logicalName, stateName(entity, row.statecode as number), id);
  }
}

/** Columns Dataverse computes: full names, the exchange rate of the row's currency. */
export function computeColumns(entity: EntityDef, row: StoredRow, exchangeRate: (currencyId: string) => StoredValue | undefined): void {
  if (entity.attributes.get('fullname')?.readOnly) {
    const full = [row.firstname, row.lastname].filter((part): part is string => typeof part === 'string' && part !== '').join(' ');
    row.fullname = full === '' ? null : full;
  }
  if (entity.attributes.get('exchangerate')?.readOnly) {
    const currency = row.transactioncurrencyid as LookupValue | null;
    const rate = currency ? exchangeRate(currency.id) : undefined;
    row.exchangerate = typeof rate === 'number' ? rate : null;
  }
}

/**
 * Alternate keys are unique indexes (case-insensitive, rows with an empty key column are not indexed).
 * `rowsWith` gives the rows whose column may hold a value (the store answers it from its index).
 */
export function checkKeys(
  entity: EntityDef,
  row: StoredRow,
  id: string,
  rowsWith: (column: string, value: StoredValue) => Iterable<[string, StoredRow]>,
): void {
  for (const key of entity.keys) {
    const values = key.columns.map((column) => row[column]);
    if (values.some((value) => value === null || value === undefined)) continue;
    for (const [otherId, other] of rowsWith(key.columns[0]!, values[0]!)) {
      if (otherId === id) continue;
      if (key.columns.every((column, index) => sameValue(other[column], values[index]!))) {
        throw duplicateKey(
          key.columns.map((column) => displayName(entity, column)),
          key.displayName,
        );
      }
    }
  }
}

/** The column values an alternate key names (`_lookup_value` as a lookup), checked against the table's defined keys. */
export function alternateKeyValues(entity: EntityDef, key: Extract<EntityKey, { kind: 'alternate' }>): Map<string, StoredValue> {
  const keyValues = new Map<string, StoredValue>();
  for (const [name, value] of key.values) {
    const lookup = /^_(.+)_value$/.exec(name);
    const attribute = entity.attributes.get(lookup ? lookup[1]! : name);
    if (!attribute || (lookup && attribute.type !== 'lookup')) throw invalidKey(entity.logicalName);
    if (attribute.type === 'lookup') {
      const target = [...new Set(attribute.navigation!.values())];
      if (typeof value !== 'string' || target.length !== 1) throw invalidKey(entity.logicalName);
      keyValues.set(attribute.logicalName, { id: value.toLowerCase(), entity: target[0]! });
    } else {
      keyValues.set(attribute.logicalName, value);
    }
  }
  const names = [...keyValues.keys()].sort().join(',');
  if (!entity.keys.some((k) => [...k.columns].sort().join(',') === names)) throw invalidKey(entity.logicalName);
  return keyValues;
}
