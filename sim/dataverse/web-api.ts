/**
 * What a Web API request does (`/api/data/v9.x/<entity set>[(<key>)]`): GET one row or a query, POST a
 * create, PATCH an update or upsert, DELETE, with the query options, `Prefer` and `If-Match`/`If-None-Match`
 * headers Dataverse honours. The answer carries the row changes the write made, for the row triggers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { display } from '../display.js';
import {
  DataverseError,
  duplicateRecord,
  notSupported,
  queryOptionNotSupported,
  requireObject,
  resourceNotFound,
  versionMismatch,
} from './errors.js';
import { edmType, type EntityDef, type Metadata } from './metadata.js';
import {
  comparable,
  compareValues,
  family,
  parseExpand,
  parseKey,
  parseOrderBy,
  parseSelect,
  type EntityKey,
  type LookupValue,
  type OrderBy,
  type StoredRow,
} from './odata.js';
import { preferences, type Preferences } from './prefer.js';
import type { Change, RowStore } from './store.js';
import { formatRow, type FormatOptions } from './values.js';
import { closeOpportunity, isCloseAction, type OpportunityCloseRecord } from './opportunity-close.js';
import { alternateKeyValues } from './row-rules.js';

export interface Result {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  changes: Change[];
}

/** One request, its resource and query options read. */
interface Request {
  readonly store: RowStore;
  readonly apiUrl: string;
  readonly entity: EntityDef;
  readonly key?: EntityKey;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly prefer: Preferences;
  readonly format: FormatOptions;
  /** The `@odata.context` of a collection answer (`/$entity` is added for one row). */
  readonly context: string;
  readonly arrival: Arrival;
}

const API_PATH = /^\/api\/data\/v9\.\d+\/(.*)$/s;
const SUPPORTED_OPTIONS = new Set(['$select', '$filter', '$orderby', '$top', '$expand', '$count']);

const HANDLERS: Readonly<Record<string, (request: Request) => Result>> = {
  GET: (request) => (request.key ? getRow(request, request.key) : query(request)),
  POST: post,
  PATCH: patch,
  DELETE: remove,
};

const methodNotAllowed = (method: string): DataverseError =>
  new DataverseError(405, '0x0', `The requested resource does not support http method '${method}'.`);

/** When a request arrived: the store's version then (what its checks saw) and the virtual time. */
export interface Arrival {
  readonly version: number;
  readonly now: Date;
  /** Records an opportunity close activity (Win/LoseOpportunity). */
  readonly onClose: (record: OpportunityCloseRecord) => void;
}

export function answer(
  store: RowStore,
  apiUrl: string,
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  body: unknown,
  arrival: Arrival,
): Result {
  const action = unboundAction(url.pathname);
  if (action !== undefined) {
    if (method !== 'POST') throw methodNotAllowed(method);
    const closed = closeOpportunity(store, action, body, arrival.now);
    arrival.onClose(closed.record);
    return { status: 204, headers: {}, changes: closed.changes };
  }
  const { entity, key } = resourceOf(store.metadata, url.pathname);
  checkQueryOptions(url.searchParams);
  const request = readRequest(store, apiUrl, entity, key, url.searchParams, headers, body, arrival);
  const handler = HANDLERS[method];
  if (handler) return handler(request);
  if (method === 'PUT') throw notSupported('PUT (single-property updates)');
  throw methodNotAllowed(method);
}

/** The unbound action a path names (`/api/data/v9.2/WinOpportunity`), when it is one the emulator implements. */
function unboundAction(pathname: string): Parameters<typeof closeOpportunity>[1] | undefined {
  const name = API_PATH.exec(pathname)?.[1]?.replace(/^Microsoft\.Dynamics\.CRM\./, '');
  return name !== undefined && isCloseAction(name) ? name : undefined;
}

/** The entity set and key a path names; navigation, single-property and `$ref` paths are refused. */
function resourceOf(metadata: Metadata, pathname: string): { entity: EntityDef; key?: EntityKey } {
  const match = API_PATH.exec(pathname);
  if (!match) throw new DataverseError(404, '0x0', `No HTTP resource was found that matches the request URI '${pathname}'.`);
  let resource: string;
  try {
    resource = decodeURIComponent(match[1]!);
  } catch {
    throw new DataverseError(400, '0x0', 'Bad Request - Error in query syntax.');
  }
  const parts = /^([A-Za-z_$][\w$]*)(?:\((.*)\))?$/s.exec(resource);
  if (!parts) {
    const segment = resource.split(/[/(]/)[0] ?? resource;
    if (metadata.bySet.has(segment)) throw notSupported(`the path '${resource}' (single-property, navigation and $ref paths)`);
    throw resourceNotFound(segment);
  }
  const entity = metadata.bySet.get(parts[1]!);
  if (!entity) throw resourceNotFound(parts[1]!);
  return parts[2] === undefined ? { entity } : { entity, key: parseKey(parts[2]) };
}

function checkQueryOptions(query: URLSearchParams): void {
  for (const name of query.keys()) {
    if (name === 'fetchXml' || name === '$apply' || name === '$skiptoken') throw notSupported(`the ${name} query parameter`);
    if (name.startsWith('$') && !SUPPORTED_OPTIONS.has(name)) throw queryOptionNotSupported(name);
  }
}

function readRequest(
  store: RowStore,
  apiUrl: string,
  entity: EntityDef,
  key: EntityKey | undefined,
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
  body: unknown,
  arrival: Arrival,
): Request {
  const prefer = preferences(headers.prefer);
  const select = query.has('$select') ? parseSelect(entity, query.get('$select')!) : undefined;
  const expand = query.has('$expand') ? parseExpand(store.metadata, entity, query.get('$expand')!) : undefined;
  const format = { annotations: prefer.annotations, ...(select ? { select } : {}), ...(expand ? { expand } : {}) };
  const selected = select ? `(${select.map((a) => (a.type === 'lookup' ? `_${a.logicalName}_value` : a.logicalName)).join(',')})` : '';
  const context = `${apiUrl}/$metadata#${entity.entitySetName}${selected}`;
  return { store, apiUrl, entity, ...(key ? { key } : {}), query, headers, body, prefer, format, context, arrival };
}

function getRow(request: Request, key: EntityKey): Result {
  const { store, entity } = request;
  const found = store.locate(entity, key);
  if (!found.row) throw store.notFound(entity, key);
  const body = { '@odata.context': `${request.context}/$entity`, ...formatRow(store.context, entity, found.row, request.format) };
  return { status: 200, headers: request.prefer.applied(false), body, changes: [] };
}

/** `$filter`, `$orderby`, `$count` (before `$top`), `$top`. */
function query(request: Request): Result {
  const { store, entity, query: options } = request;
  let rows = options.has('$filter') ? store.filter(entity, options.get('$filter')!) : [...store.table(entity).values()];
  if (options.has('$orderby')) rows = orderRows(store, rows, parseOrderBy(entity, options.get('$orderby')!));
  const count = rows.length;
  if (options.has('$top')) rows = rows.slice(0, topOf(options.get('$top')!));
  const withCount = options.get('$count') === 'true' ? { '@odata.count': count } : {};
  const value = rows.map((row) => formatRow(store.context, entity, row, request.format));
  return {
    status: 200,
    headers: request.prefer.applied(false),
    body: { '@odata.context': request.context, ...withCount, value },
    changes: [],
  };
}

function topOf(top: string): number {
  if (!/^\d+$/.test(top)) {
    throw new DataverseError(
      400,
      '0x0',
      `Invalid value '${top}' for $top query option found. The $top query option requires a non-negative integer value.`,
    );
  }
  return Number(top);
}

/** A stable sort; lookups sort by the related row's primary name (Microsoft's "Order rows using OData"), choices by value. */
function orderRows(store: RowStore, rows: StoredRow[], order: readonly OrderBy[]): StoredRow[] {
  const compare = (a: StoredRow, b: StoredRow): number => {
    for (const { attribute, descending } of order) {
      const sortKey = (row: StoredRow): string | number | boolean | null =>
        attribute.type === 'lookup'
          ? store.primaryName(row[attribute.logicalName] as LookupValue | null)
          : comparable(attribute, row[attribute.logicalName]);
      const x = sortKey(a);
      const y = sortKey(b);
      const kind = attribute.type === 'lookup' ? 'string' : family(edmType(attribute));
      const c = x === null ? (y === null ? 0 : -1) : y === null ? 1 : compareValues(kind, x, y);
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  };
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => compare(a.row, b.row) || a.index - b.index)
    .map(({ row }) => row);
}

function post(request: Request): Result {
  if (request.key) throw methodNotAllowed('POST');
  const created = request.store.create(request.entity, requireObject(request.body), {});
  return written(request, created.stored, created.changes, 201, request.format);
}

/** An update, or with a key that finds no row an upsert (unless `If-Match` asks for an existing row). */
function patch(request: Request): Result {
  const { store, entity, key } = request;
  if (!key) throw methodNotAllowed('PATCH');
  const ifMatch = headerValue(request.headers['if-match']);
  const found = store.locate(entity, key);
  const format = withoutExpand(request.format);
  // A row another request created while this one was in flight was not there when this upsert looked for it: it
  // takes the create path and collides on the key, as two concurrent upserts do in Dataverse (CONTRACT.md [K2]).
  const seenOnArrival = found.row !== undefined && !store.createdSince(entity, found.id!, request.arrival.version);
  if (found.row && seenOnArrival) {
    if (headerValue(request.headers['if-none-match']) === '*') throw duplicateRecord();
    checkVersion(ifMatch, found.row);
    const updated = store.update(entity, found.row, withoutKeyColumns(requireObject(request.body), found.keyValues));
    return written(request, updated.stored, updated.changes, 200, format);
  }
  if (ifMatch) throw store.notFound(entity, key);
  const keyValues = found.keyValues ?? (key.kind === 'alternate' ? alternateKeyValues(entity, key) : undefined);
  const created = store.create(entity, requireObject(request.body), key.kind === 'id' ? { id: key.id } : { keyValues: keyValues! });
  return written(request, created.stored, created.changes, 201, format);
}

/**
 * An upsert by alternate key that finds its row drops the body's values for the key's columns ("Use Upsert to
 * Create or Update a record": the server removes them, so a key cannot be changed through itself). A create keeps
 * them, even when they differ from the URL's.
 */
function withoutKeyColumns(body: Record<string, unknown>, keyValues: ReadonlyMap<string, unknown> | undefined): Record<string, unknown> {
  if (!keyValues) return body;
  return Object.fromEntries(Object.entries(body).filter(([name]) => !keyValues.has(name)));
}

/** "The $expand query option will be ignored" on an update with data returned (Microsoft's update page). */
const withoutExpand = ({ annotations, select }: FormatOptions): FormatOptions => ({ annotations, ...(select ? { select } : {}) });

function remove(request: Request): Result {
  const { store, entity, key } = request;
  if (!key) throw methodNotAllowed('DELETE');
  const found = store.locate(entity, key);
  if (!found.row) throw store.notFound(entity, key);
  checkVersion(headerValue(request.headers['if-match']), found.row);
  return { status: 204, headers: {}, changes: store.remove(entity, found.id!) };
}

/** `If-Match`: `*` or the row's current ETag (`W/"<versionnumber>"`). */
function checkVersion(ifMatch: string | undefined, row: StoredRow): void {
  if (ifMatch && ifMatch !== '*' && ifMatch !== `W/"${display(row.versionnumber)}"`) throw versionMismatch();
}

/** The response to a create or update: 204 with OData-EntityId, or the row with `Prefer: return=representation`. */
function written(request: Request, row: StoredRow, changes: Change[], representationStatus: 200 | 201, format: FormatOptions): Result {
  const { entity, store } = request;
  const id = row[entity.primaryIdAttribute] as string;
  const headers = { 'OData-EntityId': `${request.apiUrl}/${entity.entitySetName}(${id})` };
  if (!request.prefer.representation) return { status: 204, headers, changes };
  return {
    status: representationStatus,
    headers: { ...headers, ...request.prefer.applied(true) },
    body: { '@odata.context': `${request.context}/$entity`, ...formatRow(store.context, entity, row, format) },
    changes,
  };
}

const headerValue = (value: string | string[] | undefined): string | undefined =>
  (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
