import { display } from '../display.js';
import {
  DataverseError,
  cannotConvert,
  invalidProperty,
  lookupValueWrite,
  notSupported,
  numberOutOfRange,
  outOfRange,
  tooLong,
  undeclaredNavigationProperty,
} from './errors.js';
import type { AttributeDef, EntityDef, Metadata } from './metadata.js';
import type { Expand, LookupValue, StoredRow, StoredValue } from './odata.js';

/**
 * Converting between the Web API's JSON and the stored row: request bodies are checked column by
 * column against the metadata (unknown columns, wrong types, lengths and choice values are refused
 * as Dataverse refuses them), and stored rows are written back out in the Web API's shape (lookups
 * as `_x_value`, multi-select choices as comma-separated values, dates as `YYYY-MM-DD`).
 */

interface ParsedBody {
  /** Column logical name → value to store. */
  readonly values: Map<string, StoredValue>;
  /** Logical names present in the request (what filtering attributes look at). */
  readonly attributes: string[];
  /** `@odata.bind` values still to resolve: column → (entity set, key text). */
  readonly binds: Map<string, { readonly target: string; readonly set: string; readonly key: string; readonly text: string }>;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const isGuid = (value: string): boolean => GUID.test(value);

/** Reads a request body into stored values. Binds are parsed here and resolved by the caller (it owns the rows). */
export function parseBody(metadata: Metadata, entity: EntityDef, body: Record<string, unknown>): ParsedBody {
  const values = new Map<string, StoredValue>();
  const attributes: string[] = [];
  const binds = new Map<string, { target: string; set: string; key: string; text: string }>();
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith('@')) continue; // instance annotations such as @odata.type
    const at = key.indexOf('@');
    if (at > 0) {
      const property = key.slice(0, at);
      const annotation = key.slice(at + 1);
      if (annotation !== 'odata.bind') continue; // property annotations (formatted values echoed back) are ignored
      const navigation = entity.navigation.get(property);
      if (!navigation) throw undeclaredNavigationProperty(property, entity.entitySetName);
      attributes.push(navigation.attribute);
      if (value === null) {
        values.set(navigation.attribute, null);
        continue;
      }
      if (typeof value !== 'string') throw cannotConvert(JSON.stringify(value), 'Edm.String');
      const reference = /^(?:[a-z]+:\/\/[^/]+)?(?:\/api\/data\/v\d+(?:\.\d+)?)?\/?([A-Za-z_]\w*)\((.*)\)$/s.exec(value.trim());
      if (!reference) {
        throw new DataverseError(
          400,
          '0x80048d19',
          `Error identified in Payload provided by the user for Entity :'${entity.entitySetName}'  ---->  ` +
            `InnerException : Microsoft.OData.ODataException: The value '${value}' of '${key}' is not a valid entity reference URI.`,
        );
      }
      const set = reference[1]!;
      const target = metadata.bySet.get(set);
      if (!target || target.logicalName !== navigation.target) {
        throw new DataverseError(
          400,
          '0x80048d19',
          `Error identified in Payload provided by the user for Entity :'${entity.entitySetName}'  ---->  ` +
            `InnerException : the navigation property '${property}' refers to the ${navigation.target} table, not to '${set}'.`,
        );
      }
      binds.set(navigation.attribute, { target: target.logicalName, set, key: reference[2]!, text: value });
      continue;
    }
    const lookupValue = /^_(.+)_value$/.exec(key);
    if (lookupValue && entity.attributes.get(lookupValue[1]!)?.type === 'lookup') throw lookupValueWrite();
    const attribute = entity.attributes.get(key);
    if (!attribute || attribute.type === 'lookup') {
      if (entity.navigation.has(key) && value !== null && typeof value === 'object')
        throw notSupported(`deep insert ('${key}' given as an object)`);
      throw invalidProperty(key, entity.logicalName);
    }
    if (attribute.readOnly) continue; // not valid for create/update: Dataverse ignores the value
    attributes.push(attribute.logicalName);
    values.set(attribute.logicalName, convert(entity, attribute, value));
  }
  return { values, attributes: [...new Set(attributes)], binds };
}

function inRange(entity: EntityDef, attribute: AttributeDef, value: number): number {
  const range = attribute.range;
  if (range && (value < range[0] || value > range[1])) throw numberOutOfRange(value, attribute.logicalName, entity.logicalName, ...range);
  return value;
}

const literal = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function validDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** ISO date-time with its offset, normalized to UTC whole seconds as the Web API returns it. */
function normalizeDateTime(text: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match || !validDate(match[1]!)) return undefined;
  const fraction = (match[5] ?? '').slice(0, 3).padEnd(3, '0');
  const ms = Date.parse(`${match[1]}T${match[2]}:${match[3]}:${match[4] ?? '00'}.${fraction}${match[6]}`);
  if (Number.isNaN(ms)) return undefined;
  return isoSeconds(new Date(ms));
}

export const isoSeconds = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

function convert(entity: EntityDef, attribute: AttributeDef, value: unknown): StoredValue {
  if (value === null) return null;
  const name = attribute.logicalName;
  switch (attribute.type) {
    case 'uniqueidentifier':
      if (typeof value !== 'string' || !isGuid(value)) throw cannotConvert(literal(value), 'Edm.Guid');
      return value.toLowerCase();
    case 'string':
    case 'memo':
      if (typeof value !== 'string') throw cannotConvert(literal(value), 'Edm.String');
      if (value === '') return null;
      if (attribute.maxLength !== undefined && value.length > attribute.maxLength)
        throw tooLong(name, entity.logicalName, attribute.maxLength);
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 2147483647)
        throw cannotConvert(literal(value), 'Edm.Int32');
      return inRange(entity, attribute, value);
    case 'bigint':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw cannotConvert(literal(value), 'Edm.Int64');
      return value;
    case 'decimal':
    case 'money':
    case 'double': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw cannotConvert(literal(value), attribute.type === 'double' ? 'Edm.Double' : 'Edm.Decimal');
      if (attribute.precision === undefined) return inRange(entity, attribute, value);
      const factor = 10 ** attribute.precision;
      return inRange(entity, attribute, Math.round(value * factor) / factor);
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw cannotConvert(literal(value), 'Edm.Boolean');
      return value;
    case 'datetime': {
      if (typeof value !== 'string') throw cannotConvert(literal(value), 'Edm.DateTimeOffset');
      if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(value)) {
        throw new DataverseError(
          400,
          '0x0',
          `The time zone information is missing on the DateTimeOffset value '${value}'. A DateTimeOffset value must contain the time zone information.`,
        );
      }
      const normalized = normalizeDateTime(value);
      if (!normalized) throw cannotConvert(value, 'Edm.DateTimeOffset');
      return normalized;
    }
    case 'dateonly':
      if (typeof value !== 'string' || !validDate(value)) throw cannotConvert(literal(value), 'Edm.Date');
      return value;
    case 'picklist':
    case 'state':
    case 'status': {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw cannotConvert(literal(value), 'Edm.Int32');
      const accepted = [...attribute.options!.keys()];
      if (!accepted.includes(value)) throw outOfRange(value, name, entity.logicalName, accepted);
      return value;
    }
    case 'multiselect': {
      if (typeof value !== 'string') throw cannotConvert(literal(value), 'Edm.String');
      if (value.trim() === '') return null;
      const accepted = [...attribute.options!.keys()];
      const chosen = value.split(',').map((part) => part.trim());
      const numbers: number[] = [];
      for (const part of chosen) {
        const number = /^-?\d+$/.test(part) ? Number(part) : Number.NaN;
        if (!accepted.includes(number)) throw outOfRange(part, name, entity.logicalName, accepted);
        if (!numbers.includes(number)) numbers.push(number);
      }
      return numbers.sort((a, b) => a - b);
    }
    case 'lookup':
      throw invalidProperty(name, entity.logicalName);
  }
}

// ---------------------------------------------------------------------------------------------
// Stored row → Web API JSON
// ---------------------------------------------------------------------------------------------

export interface Annotations {
  readonly formatted: boolean;
  readonly lookup: boolean;
}
export const NO_ANNOTATIONS: Annotations = { formatted: false, lookup: false };
export const ALL_ANNOTATIONS: Annotations = { formatted: true, lookup: true };

export interface FormatContext {
  readonly metadata: Metadata;
  /** Finds a stored row (for formatted lookup names, currency symbols and $expand). */
  readonly find: (entity: string, id: string) => StoredRow | undefined;
}

const FORMATTED = '@OData.Community.Display.V1.FormattedValue';

/** The Web API property of a column and its value. */
function propertyOf(attribute: AttributeDef, value: StoredValue | undefined): [string, unknown] {
  if (attribute.type === 'lookup') return [`_${attribute.logicalName}_value`, value ? (value as LookupValue).id : null];
  if (attribute.type === 'multiselect') return [attribute.logicalName, value ? (value as readonly number[]).join(',') : null];
  return [attribute.logicalName, value ?? null];
}

function formattedValue(context: FormatContext, row: StoredRow, attribute: AttributeDef, value: StoredValue): string | undefined {
  switch (attribute.type) {
    case 'picklist':
    case 'state':
    case 'status':
      return attribute.options?.get(value as number);
    case 'multiselect':
      return (value as readonly number[]).map((v) => attribute.options?.get(v) ?? String(v)).join('; ');
    case 'boolean': {
      const [no, yes] = attribute.booleanLabels ?? ['No', 'Yes'];
      return value ? yes : no;
    }
    case 'lookup': {
      const reference = value as LookupValue;
      const target = context.metadata.entities.get(reference.entity);
      const related = context.find(reference.entity, reference.id);
      const name = target && related ? related[target.primaryNameAttribute] : undefined;
      return typeof name === 'string' ? name : undefined;
    }
    case 'money': {
      const currency = row.transactioncurrencyid as LookupValue | null | undefined;
      const symbol = currency ? context.find('transactioncurrency', currency.id)?.currencysymbol : undefined;
      const amount = (value as number).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      return `${typeof symbol === 'string' ? symbol : ''}${amount}`;
    }
    case 'integer':
      return (value as number).toLocaleString('en-US');
    case 'dateonly': {
      const [y, m, d] = (value as string).split('-').map(Number);
      return `${m}/${d}/${y}`;
    }
    case 'datetime': {
      const date = new Date(value as string);
      const hours = date.getUTCHours();
      const minutes = String(date.getUTCMinutes()).padStart(2, '0');
      return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${hours % 12 === 0 ? 12 : hours % 12}:${minutes} ${hours < 12 ? 'AM' : 'PM'}`;
    }
    default:
      return undefined;
  }
}

export interface FormatOptions {
  /** Columns chosen by `$select` (all when absent). */
  readonly select?: readonly AttributeDef[];
  readonly expand?: readonly Expand[];
  readonly annotations: Annotations;
}

/** A stored row as the Web API returns it. */
export function formatRow(context: FormatContext, entity: EntityDef, row: StoredRow, options: FormatOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': `W/"${display(row.versionnumber)}"` };
  let chosen: AttributeDef[];
  if (options.select) {
    chosen = [...new Set(options.select)];
    // A money column brings its currency; the primary key always comes back.
    const currency = entity.attributes.get('transactioncurrencyid');
    if (currency && chosen.some((a) => a.type === 'money') && !chosen.includes(currency)) chosen.push(currency);
    const id = entity.attributes.get(entity.primaryIdAttribute)!;
    if (!chosen.includes(id)) chosen.push(id);
  } else {
    chosen = [...entity.attributes.values()];
  }
  for (const attribute of chosen) {
    const value = row[attribute.logicalName];
    const [property, output] = propertyOf(attribute, value);
    if (value !== null && value !== undefined) {
      if (options.annotations.formatted) {
        const formatted = formattedValue(context, row, attribute, value);
        if (formatted !== undefined) out[`${property}${FORMATTED}`] = formatted;
      }
      if (options.annotations.lookup && attribute.type === 'lookup') {
        const reference = value as LookupValue;
        const navigation =
          [...(attribute.navigation ?? [])].find(([, target]) => target === reference.entity)?.[0] ?? attribute.logicalName;
        out[`${property}@Microsoft.Dynamics.CRM.associatednavigationproperty`] = navigation;
        out[`${property}@Microsoft.Dynamics.CRM.lookuplogicalname`] = reference.entity;
      }
    }
    out[property] = output;
  }
  for (const expand of options.expand ?? []) {
    const reference = row[expand.attribute] as LookupValue | null | undefined;
    const related = reference && reference.entity === expand.target.logicalName ? context.find(reference.entity, reference.id) : undefined;
    out[expand.navigation] = related
      ? formatRow(context, expand.target, related, {
          annotations: options.annotations,
          ...(expand.select ? { select: expand.select } : {}),
        })
      : null;
  }
  return out;
}
