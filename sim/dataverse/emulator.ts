import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, RowChange, RowSubscription } from '../contracts.js';
import type { SolutionModel } from '../../solution/model.js';
import {
  DataverseError,
  duplicateKey,
  duplicateRecord,
  invalidKey,
  invalidStatus,
  notSupported,
  queryOptionNotSupported,
  recordNotFound,
  recordNotFoundByKey,
  resourceNotFound,
  versionMismatch,
} from './errors.js';
import { SEEDED_CURRENCIES, buildMetadata, displayName, edmType, stateName, type EntityDef, type Metadata } from './metadata.js';
import {
  comparable,
  compareValues,
  compileFilter,
  family,
  parseExpand,
  parseKey,
  parseOrderBy,
  parseSelect,
  type EntityKey,
  type LookupValue,
  type RowPredicate,
  type StoredRow,
  type StoredValue,
} from './odata.js';
import {
  ALL_ANNOTATIONS,
  NO_ANNOTATIONS,
  formatRow,
  isoSeconds,
  parseBody,
  type Annotations,
  type FormatContext,
  type FormatOptions,
} from './values.js';

/**
 * A local stand-in for a Dataverse environment: the Web API (`/api/data/v9.2/<entity set>`) over real
 * HTTP on 127.0.0.1, tables defined by the solution model plus the standard tables the flows use, and
 * row triggers that call subscribers asynchronously after each create, update and delete, as
 * Dataverse runs the flows registered on a table. See CONTRACT.md for what is and is not emulated.
 */

export interface DataverseEmulatorOptions {
  model: SolutionModel;
  clock: Clock;
  /** ISO code of the currency new rows of currency tables get when none is given (default `USD`, null for none). */
  defaultCurrency?: keyof typeof SEEDED_CURRENCIES | null;
  /** Id generator for new rows (default: deterministic, so two runs of a scenario produce the same ids). */
  newId?: () => string;
}

/** One Web API request the emulator answered. */
export interface DataverseCall {
  method: string;
  /** Path and query, percent-decoded. */
  path: string;
  status: number;
  /** Virtual time of the request. */
  time: string;
  requestBody?: unknown;
}

export type RowCallback = (change: RowChange) => void | Promise<void>;

interface Change {
  message: 1 | 2 | 3;
  entity: EntityDef;
  id: string;
  attributes: string[];
  row: StoredRow;
}

interface Subscription {
  entity: EntityDef;
  messages: ReadonlySet<number>;
  filtering?: ReadonlySet<string>;
  predicate?: RowPredicate;
  callback: RowCallback;
}

interface Result {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  changes: Change[];
}

const MESSAGES: Record<number, readonly number[]> = { 1: [1], 2: [2], 3: [3], 4: [1, 3], 5: [1, 2], 6: [2, 3], 7: [1, 2, 3] };
const API_PATH = /^\/api\/data\/v9\.\d+\/(.*)$/s;
const SUPPORTED_OPTIONS = new Set(['$select', '$filter', '$orderby', '$top', '$expand', '$count']);

export class DataverseEmulator {
  readonly metadata: Metadata;
  /** Every Web API request, in order. */
  readonly calls: DataverseCall[] = [];
  private readonly clock: Clock;
  private readonly tables = new Map<string, Map<string, StoredRow>>();
  private readonly subscriptions: Subscription[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly callbackErrors: unknown[] = [];
  private readonly defaultCurrency: string | null;
  private readonly newId: () => string;
  private server: Server | undefined;
  private origin: string | undefined;
  private version = 1_000_000;
  private idCounter = 0;

  constructor(options: DataverseEmulatorOptions) {
    this.metadata = buildMetadata(options.model);
    this.clock = options.clock;
    this.newId = options.newId ?? (() => deterministicId((this.idCounter += 1)));
    for (const entity of this.metadata.entities.values()) this.tables.set(entity.logicalName, new Map());
    for (const [code, currency] of Object.entries(SEEDED_CURRENCIES)) {
      this.insertSeed('transactioncurrency', currency.id, {
        isocurrencycode: code,
        currencyname: currency.name,
        currencysymbol: currency.symbol,
        exchangerate: currency.rate,
        currencyprecision: 2,
      });
    }
    this.defaultCurrency = options.defaultCurrency === null ? null : SEEDED_CURRENCIES[options.defaultCurrency ?? 'USD'].id;
  }

  // -------------------------------------------------------------------------------------------
  // Server
  // -------------------------------------------------------------------------------------------

  /** The organization URL (`http://127.0.0.1:<port>`), as `[Organization URI]` in Microsoft's docs. */
  get baseUrl(): string {
    if (!this.origin) throw new Error('The Dataverse emulator is not started');
    return this.origin;
  }

  /** `<baseUrl>/api/data/v9.2`. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/data/v9.2`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) =>
      this.track(
        this.onRequest(request, response).catch(() => {
          response.destroy();
        }),
      ),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.origin = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // -------------------------------------------------------------------------------------------
  // Row triggers
  // -------------------------------------------------------------------------------------------

  /**
   * Registers a row trigger (a flow's SubscribeWebhookTrigger). Refuses, as Dataverse refuses the
   * registration, an unknown table, message, filtering attribute or an invalid filter expression.
   */
  subscribe(subscription: RowSubscription, callback: RowCallback): () => void {
    const entity = this.metadata.entities.get(subscription.entity.toLowerCase());
    if (!entity)
      throw new DataverseError(400, '0x80040203', `Entity '${subscription.entity}' does not exist in the Dataverse emulator's metadata`);
    const messages = MESSAGES[subscription.message];
    if (!messages)
      throw new DataverseError(
        400,
        '0x80040203',
        `Invalid message ${subscription.message}: expected 1 (Added) … 7 (Added, Modified or Deleted)`,
      );
    const filtering = (subscription.filteringAttributes ?? []).map((a) => a.trim().toLowerCase()).filter((a) => a !== '');
    for (const attribute of filtering) {
      if (!entity.attributes.has(attribute)) {
        throw new DataverseError(
          400,
          '0x80040203',
          `The filtering attribute '${attribute}' does not exist on entity '${entity.logicalName}'`,
        );
      }
    }
    let predicate: RowPredicate | undefined;
    const expression = subscription.filterExpression?.trim();
    if (expression) {
      try {
        predicate = compileFilter(entity, expression);
      } catch (error) {
        const inner = error instanceof Error ? error.message : String(error);
        throw new DataverseError(
          400,
          '0x80040203',
          `Exception parsing ${expression} submitted for attribute filterexpression of callback registration. ` +
            `Target entity: ${entity.logicalName}. Exception: Microsoft.OData.ODataException: ${inner}`,
        );
      }
    }
    const entry: Subscription = {
      entity,
      messages: new Set(messages),
      callback,
      ...(filtering.length > 0 ? { filtering: new Set(filtering) } : {}),
      ...(predicate ? { predicate } : {}),
    };
    this.subscriptions.push(entry);
    return () => {
      const index = this.subscriptions.indexOf(entry);
      if (index >= 0) this.subscriptions.splice(index, 1);
    };
  }

  /**
   * Resolves once every triggered callback, every write those callbacks made and every callback those
   * writes triggered (recursively) has finished. Rejects with an AggregateError when callbacks threw.
   */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    if (this.callbackErrors.length > 0) {
      const errors = this.callbackErrors.splice(0);
      throw new AggregateError(
        errors,
        `${errors.length} row-trigger callback(s) failed: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`,
      );
    }
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private fire(changes: readonly Change[], start: Promise<void>): void {
    for (const change of changes) {
      for (const subscription of this.subscriptions) {
        if (subscription.entity !== change.entity || !subscription.messages.has(change.message)) continue;
        if (change.message === 3 && subscription.filtering && !change.attributes.some((a) => subscription.filtering!.has(a))) continue;
        if (subscription.predicate && !subscription.predicate(change.row)) continue;
        const rowChange: RowChange = {
          message: change.message,
          entity: change.entity.logicalName,
          id: change.id,
          attributes: [...change.attributes],
          row: formatRow(this.context, change.entity, change.row, { annotations: ALL_ANNOTATIONS }),
        };
        const callback = subscription.callback;
        this.track(
          (async () => {
            await start;
            await new Promise<void>((resolve) => setImmediate(resolve));
            try {
              await callback(rowChange);
            } catch (error) {
              this.callbackErrors.push(error);
            }
          })(),
        );
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // User hooks: what a seller saving a form does (same write path, triggers fire)
  // -------------------------------------------------------------------------------------------

  /** Creates a row as a user would (body in Web API shape, `<navprop>@odata.bind` for lookups); returns it. */
  userCreate(entitySet: string, row: Record<string, unknown>): Record<string, unknown> {
    const entity = this.entityBySet(entitySet);
    const { stored, changes } = this.create(entity, row, {});
    this.fire(changes, Promise.resolve());
    return this.plain(entity, stored);
  }

  /** Updates a row (by id or alternate key `col='v'`) as a user would; returns the row after the change. */
  userUpdate(entitySet: string, id: string, changes: Record<string, unknown>): Record<string, unknown> {
    const entity = this.entityBySet(entitySet);
    const existing = this.locate(entity, keyOf(id));
    if (!existing.row) throw this.notFound(entity, keyOf(id));
    const result = this.update(entity, existing.row, changes);
    this.fire(result.changes, Promise.resolve());
    return this.plain(entity, result.stored);
  }

  /** Deletes a row (and what cascades from it) as a user would. */
  userDelete(entitySet: string, id: string): void {
    const entity = this.entityBySet(entitySet);
    const existing = this.locate(entity, keyOf(id));
    if (!existing.row) throw this.notFound(entity, keyOf(id));
    this.fire(this.remove(entity, existing.id!), Promise.resolve());
  }

  /** Inserts a row without firing triggers: data that existed before the flows were turned on. */
  seed(entitySet: string, row: Record<string, unknown>): Record<string, unknown> {
    const entity = this.entityBySet(entitySet);
    return this.plain(entity, this.create(entity, row, {}).stored);
  }

  /** Every row of a table, in creation order, in Web API shape (all columns, no annotations). */
  rows(entitySet: string): Record<string, unknown>[] {
    const entity = this.entityBySet(entitySet);
    return [...this.table(entity).values()].map((row) => this.plain(entity, row));
  }

  row(entitySet: string, id: string): Record<string, unknown> | undefined {
    const entity = this.entityBySet(entitySet);
    const found = this.locate(entity, keyOf(id)).row;
    return found ? this.plain(entity, found) : undefined;
  }

  // -------------------------------------------------------------------------------------------
  // HTTP
  // -------------------------------------------------------------------------------------------

  private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = (request.method ?? 'GET').toUpperCase();
    let requestBody: unknown;
    let result: Result;
    try {
      requestBody = text === '' ? undefined : parseJson(text);
      result = this.dispatch(method, url, request.headers, requestBody);
    } catch (error) {
      const failure =
        error instanceof DataverseError
          ? error
          : new DataverseError(
              500,
              '0x80040216',
              `An unexpected error occurred: ${error instanceof Error ? error.message : String(error)}`,
            );
      result = { status: failure.status, headers: {}, body: failure.toJSON(), changes: [] };
    }
    let path = `${url.pathname}${url.search.replace(/\+/g, '%20')}`;
    try {
      path = decodeURIComponent(path);
    } catch {
      /* keep it encoded */
    }
    this.calls.push({
      method,
      path,
      status: result.status,
      time: this.clock.now().toISOString(),
      ...(requestBody !== undefined ? { requestBody } : {}),
    });

    let sent!: () => void;
    const responded = new Promise<void>((resolve) => {
      sent = resolve;
    });
    this.fire(result.changes, responded);
    const payload = result.body === undefined ? '' : JSON.stringify(result.body);
    response.on('close', () => sent());
    response.writeHead(result.status, {
      'OData-Version': '4.0',
      ...(payload ? { 'Content-Type': 'application/json; odata.metadata=minimal' } : {}),
      ...result.headers,
    });
    response.end(payload, () => sent());
  }

  private dispatch(method: string, url: URL, headers: IncomingHttpHeaders, body: unknown): Result {
    const match = API_PATH.exec(url.pathname);
    if (!match) throw new DataverseError(404, '0x0', `No HTTP resource was found that matches the request URI '${url.pathname}'.`);
    let resource: string;
    try {
      resource = decodeURIComponent(match[1]!);
    } catch {
      throw new DataverseError(400, '0x0', 'Bad Request - Error in query syntax.');
    }
    const parts = /^([A-Za-z_$][\w$]*)(?:\((.*)\))?$/s.exec(resource);
    if (!parts) {
      const segment = resource.split(/[/(]/)[0] ?? resource;
      if (this.metadata.bySet.has(segment)) throw notSupported(`the path '${resource}' (single-property, navigation and $ref paths)`);
      throw resourceNotFound(segment);
    }
    const entity = this.metadata.bySet.get(parts[1]!);
    if (!entity) throw resourceNotFound(parts[1]!);
    const key = parts[2] === undefined ? undefined : parseKey(parts[2]);

    const query = url.searchParams;
    for (const name of query.keys()) {
      if (name === 'fetchXml' || name === '$apply' || name === '$skiptoken') throw notSupported(`the ${name} query parameter`);
      if (name.startsWith('$') && !SUPPORTED_OPTIONS.has(name)) throw queryOptionNotSupported(name);
    }
    const prefer = preferences(headers.prefer);
    const select = query.has('$select') ? parseSelect(entity, query.get('$select')!) : undefined;
    const expand = query.has('$expand') ? parseExpand(this.metadata, entity, query.get('$expand')!) : undefined;
    const format = { annotations: prefer.annotations, ...(select ? { select } : {}), ...(expand ? { expand } : {}) };
    const applied = prefer.applied;
    const context = `${this.apiUrl}/$metadata#${entity.entitySetName}${select ? `(${select.map((a) => (a.type === 'lookup' ? `_${a.logicalName}_value` : a.logicalName)).join(',')})` : ''}`;

    if (method === 'GET') {
      if (key) {
        const found = this.locate(entity, key);
        if (!found.row) throw this.notFound(entity, key);
        return {
          status: 200,
          headers: applied(false),
          body: { '@odata.context': `${context}/$entity`, ...formatRow(this.context, entity, found.row, format) },
          changes: [],
        };
      }
      let rows = [...this.table(entity).values()];
      if (query.has('$filter')) {
        const predicate = compileFilter(entity, query.get('$filter')!);
        rows = rows.filter(predicate);
      }
      if (query.has('$orderby')) {
        const order = parseOrderBy(entity, query.get('$orderby')!);
        rows = rows
          .map((row, index) => ({ row, index }))
          .sort((a, b) => {
            for (const { attribute, descending } of order) {
              // Lookups sort by the related row's primary name (Microsoft's "Order rows using OData"); choices by value.
              const key = (row: StoredRow): string | number | boolean | null =>
                attribute.type === 'lookup'
                  ? this.primaryName(row[attribute.logicalName] as LookupValue | null)
                  : comparable(attribute, row[attribute.logicalName]);
              const x = key(a.row);
              const y = key(b.row);
              const kind = attribute.type === 'lookup' ? 'string' : family(edmType(attribute));
              const c = x === null ? (y === null ? 0 : -1) : y === null ? 1 : compareValues(kind, x, y);
              if (c !== 0) return descending ? -c : c;
            }
            return a.index - b.index;
          })
          .map(({ row }) => row);
      }
      const count = rows.length;
      if (query.has('$top')) {
        const top = query.get('$top')!;
        if (!/^\d+$/.test(top))
          throw new DataverseError(
            400,
            '0x0',
            `Invalid value '${top}' for $top query option found. The $top query option requires a non-negative integer value.`,
          );
        rows = rows.slice(0, Number(top));
      }
      const withCount = query.get('$count') === 'true' ? { '@odata.count': count } : {};
      return {
        status: 200,
        headers: applied(false),
        body: { '@odata.context': context, ...withCount, value: rows.map((row) => formatRow(this.context, entity, row, format)) },
        changes: [],
      };
    }

    if (method === 'POST') {
      if (key) throw new DataverseError(405, '0x0', "The requested resource does not support http method 'POST'.");
      const created = this.create(entity, requireObject(body), {});
      return this.written(entity, created.stored, created.changes, 201, prefer, format, context);
    }

    if (method === 'PATCH') {
      if (!key) throw new DataverseError(405, '0x0', "The requested resource does not support http method 'PATCH'.");
      const ifMatch = headerValue(headers['if-match']);
      const ifNoneMatch = headerValue(headers['if-none-match']);
      const found = this.locate(entity, key);
      if (found.row) {
        if (ifNoneMatch === '*') throw duplicateRecord();
        if (ifMatch && ifMatch !== '*' && ifMatch !== `W/"${String(found.row.versionnumber)}"`) throw versionMismatch();
        const updated = this.update(entity, found.row, requireObject(body));
        return this.written(entity, updated.stored, updated.changes, 200, prefer, withoutExpand(format), context);
      }
      if (ifMatch) throw this.notFound(entity, key);
      const created = this.create(entity, requireObject(body), key.kind === 'id' ? { id: key.id } : { keyValues: found.keyValues! });
      return this.written(entity, created.stored, created.changes, 201, prefer, withoutExpand(format), context);
    }

    if (method === 'DELETE') {
      if (!key) throw new DataverseError(405, '0x0', "The requested resource does not support http method 'DELETE'.");
      const found = this.locate(entity, key);
      if (!found.row) throw this.notFound(entity, key);
      const ifMatch = headerValue(headers['if-match']);
      if (ifMatch && ifMatch !== '*' && ifMatch !== `W/"${String(found.row.versionnumber)}"`) throw versionMismatch();
      return { status: 204, headers: {}, changes: this.remove(entity, found.id!) };
    }

    if (method === 'PUT') throw notSupported('PUT (single-property updates)');
    throw new DataverseError(405, '0x0', `The requested resource does not support http method '${method}'.`);
  }

  /** The response to a create or update: 204 with OData-EntityId, or the row with `Prefer: return=representation`. */
  private written(
    entity: EntityDef,
    row: StoredRow,
    changes: Change[],
    representationStatus: 200 | 201,
    prefer: Preferences,
    format: FormatOptions,
    context: string,
  ): Result {
    const id = row[entity.primaryIdAttribute] as string;
    const headers = { 'OData-EntityId': `${this.apiUrl}/${entity.entitySetName}(${id})` };
    if (!prefer.representation) return { status: 204, headers, changes };
    return {
      status: representationStatus,
      headers: { ...headers, ...prefer.applied(true) },
      body: { '@odata.context': `${context}/$entity`, ...formatRow(this.context, entity, row, format) },
      changes,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Store
  // -------------------------------------------------------------------------------------------

  private get context(): FormatContext {
    return { metadata: this.metadata, find: (entity, id) => this.tables.get(entity)?.get(id) };
  }

  private table(entity: EntityDef): Map<string, StoredRow> {
    return this.tables.get(entity.logicalName)!;
  }

  private entityBySet(entitySet: string): EntityDef {
    const entity = this.metadata.bySet.get(entitySet);
    if (!entity) throw resourceNotFound(entitySet);
    return entity;
  }

  private plain(entity: EntityDef, row: StoredRow): Record<string, unknown> {
    return formatRow(this.context, entity, row, { annotations: NO_ANNOTATIONS });
  }

  private notFound(entity: EntityDef, key: EntityKey): DataverseError {
    return key.kind === 'id' ? recordNotFound(entity.logicalName, key.id) : recordNotFoundByKey(entity.logicalName);
  }

  private primaryName(reference: LookupValue | null | undefined): string | null {
    if (!reference) return null;
    const target = this.metadata.entities.get(reference.entity);
    const name = target ? this.tables.get(reference.entity)?.get(reference.id)?.[target.primaryNameAttribute] : undefined;
    return typeof name === 'string' ? name : null;
  }

  private now(): string {
    return isoSeconds(this.clock.now());
  }

  /** Finds the row a key names; for an alternate key also returns the key's column values (an upsert creates the row with them). */
  private locate(entity: EntityDef, key: EntityKey): { id?: string; row?: StoredRow; keyValues?: Map<string, StoredValue> } {
    const table = this.table(entity);
    if (key.kind === 'id') {
      const row = table.get(key.id);
      return row ? { id: key.id, row } : { id: key.id };
    }
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
    const names = [...keyValues.keys()].sort();
    const defined = entity.keys.find((k) => [...k.columns].sort().join(',') === names.join(','));
    if (!defined) throw invalidKey(entity.logicalName);
    for (const [id, row] of table) {
      if (names.every((name) => sameValue(row[name], keyValues.get(name)!))) return { id, row, keyValues };
    }
    return { keyValues };
  }

  private insertSeed(entityName: string, id: string, values: StoredRow): void {
    const entity = this.metadata.entities.get(entityName)!;
    const now = isoSeconds(this.clock.now());
    this.table(entity).set(id, {
      [entity.primaryIdAttribute]: id,
      ...values,
      statecode: 0,
      statuscode: 1,
      createdon: now,
      modifiedon: now,
      versionnumber: (this.version += 1),
    });
  }

  private create(
    entity: EntityDef,
    body: Record<string, unknown>,
    from: { id?: string; keyValues?: Map<string, StoredValue> },
  ): { stored: StoredRow; changes: Change[] } {
    const parsed = parseBody(this.metadata, entity, body);
    const values = parsed.values;
    this.resolveBinds(parsed.binds, values);
    const table = this.table(entity);
    const bodyId = values.get(entity.primaryIdAttribute) as string | null | undefined;
    const id = from.id ?? bodyId ?? this.newId();
    if (table.has(id)) throw duplicateRecord();

    const row: StoredRow = {};
    for (const attribute of entity.attributes.values()) {
      row[attribute.logicalName] = attribute.defaultValue ?? null;
    }
    for (const [name, value] of from.keyValues ?? []) row[name] = value;
    for (const [name, value] of values) row[name] = value;
    row[entity.primaryIdAttribute] = id;

    // Status: statecode defaults to 0, statuscode to the state's default status.
    const state = (values.get('statecode') as number | null | undefined) ?? 0;
    row.statecode = state;
    const status = values.get('statuscode') as number | null | undefined;
    row.statuscode = status ?? entity.states.find((s) => s.value === state)?.defaultStatus ?? null;
    this.checkStatus(entity, id, row);

    if (entity.attributes.has('transactioncurrencyid') && !values.has('transactioncurrencyid') && this.defaultCurrency) {
      row.transactioncurrencyid = { id: this.defaultCurrency, entity: 'transactioncurrency' };
    }
    this.computed(entity, row);
    const now = this.now();
    row.createdon = now;
    row.modifiedon = now;
    row.versionnumber = this.version += 1;
    this.checkKeys(entity, row, id);
    table.set(id, row);
    return { stored: row, changes: [{ message: 1, entity, id, attributes: parsed.attributes, row: { ...row } }] };
  }

  private update(entity: EntityDef, existing: StoredRow, body: Record<string, unknown>): { stored: StoredRow; changes: Change[] } {
    const parsed = parseBody(this.metadata, entity, body);
    const values = parsed.values;
    this.resolveBinds(parsed.binds, values);
    const id = existing[entity.primaryIdAttribute] as string;
    values.delete(entity.primaryIdAttribute);
    const row: StoredRow = { ...existing };
    for (const [name, value] of values) row[name] = value;
    if (values.has('statecode') && !values.has('statuscode') && values.get('statecode') !== existing.statecode) {
      row.statuscode = entity.states.find((s) => s.value === row.statecode)?.defaultStatus ?? null;
    }
    if (values.has('statecode') && row.statecode === null) row.statecode = existing.statecode ?? 0;
    if (values.has('statuscode') && row.statuscode === null)
      row.statuscode = entity.states.find((s) => s.value === row.statecode)?.defaultStatus ?? null;
    this.checkStatus(entity, id, row);
    this.computed(entity, row);
    row.modifiedon = this.now();
    row.versionnumber = this.version += 1;
    this.checkKeys(entity, row, id);
    this.table(entity).set(id, row);
    return { stored: row, changes: [{ message: 3, entity, id, attributes: parsed.attributes, row: { ...row } }] };
  }

  private remove(entity: EntityDef, id: string): Change[] {
    const table = this.table(entity);
    const row = table.get(id);
    if (!row) return [];
    table.delete(id);
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
          this.table(child).set(childId, updated);
          changes.push({ message: 3, entity: child, id: childId, attributes: [cascade.attribute], row: { ...updated } });
        }
      }
    }
    return changes;
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

  private checkStatus(entity: EntityDef, id: string, row: StoredRow): void {
    const status = row.statuscode as number | null;
    const statusAttribute = entity.attributes.get('statuscode');
    if (status === null || !statusAttribute?.statusState) return;
    if (statusAttribute.statusState.get(status) !== row.statecode) {
      throw invalidStatus(status, entity.logicalName, stateName(entity, row.statecode as number), id);
    }
  }

  /** Columns Dataverse computes: full names, the exchange rate of the row's currency. */
  private computed(entity: EntityDef, row: StoredRow): void {
    if (entity.attributes.get('fullname')?.readOnly) {
      const full = [row.firstname, row.lastname].filter((part) => typeof part === 'string' && part !== '').join(' ');
      row.fullname = full === '' ? null : full;
    }
    if (entity.attributes.get('exchangerate')?.readOnly) {
      const currency = row.transactioncurrencyid as LookupValue | null;
      const rate = currency ? this.tables.get('transactioncurrency')?.get(currency.id)?.exchangerate : undefined;
      row.exchangerate = typeof rate === 'number' ? rate : null;
    }
  }

  /** Alternate keys are unique indexes (case-insensitive, rows with an empty key column are not indexed). */
  private checkKeys(entity: EntityDef, row: StoredRow, id: string): void {
    for (const key of entity.keys) {
      const values = key.columns.map((column) => row[column]);
      if (values.some((value) => value === null || value === undefined)) continue;
      for (const [otherId, other] of this.table(entity)) {
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
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function sameValue(a: StoredValue | undefined, b: StoredValue): boolean {
  if (a === null || a === undefined || b === null) return false;
  if (typeof a === 'object' && typeof b === 'object' && 'id' in a && 'id' in b) return a.id.toLowerCase() === b.id.toLowerCase();
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

function keyOf(id: string): EntityKey {
  const trimmed = id.trim().replace(/^\{(.*)\}$/, '$1');
  return parseKey(trimmed);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DataverseError(
      400,
      '0x80048d19',
      `Error identified in Payload provided by the user for Entity :''  ---->  InnerException : Invalid JSON. ${error instanceof Error ? error.message : ''}`,
    );
  }
}

function requireObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new DataverseError(
      400,
      '0x80048d19',
      'Error identified in Payload provided by the user: the request body must be a JSON object.',
    );
  }
  return body as Record<string, unknown>;
}

/** "The $expand query option will be ignored" on an update with data returned (Microsoft's update page). */
const withoutExpand = ({ expand: _expand, ...rest }: FormatOptions): FormatOptions => rest;

const headerValue = (value: string | string[] | undefined): string | undefined =>
  (Array.isArray(value) ? value[0] : value)?.trim() || undefined;

interface Preferences {
  representation: boolean;
  annotations: Annotations;
  applied: (representation: boolean) => Record<string, string>;
}

/** `Prefer: return=representation, odata.include-annotations="*"`. */
function preferences(header: string | string[] | undefined): Preferences {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const representation = parts.includes('return=representation');
  const include = parts.find((p) => p.startsWith('odata.include-annotations='));
  const pattern = include ? include.slice('odata.include-annotations='.length).replace(/^"|"$/g, '') : '';
  const names = pattern.split(',').map((p) => p.trim());
  const wants = (name: string): boolean =>
    names.some((n) => n === '*' || n === name || (n.endsWith('.*') && name.startsWith(n.slice(0, -1))));
  const annotations: Annotations = {
    formatted: wants('OData.Community.Display.V1.FormattedValue'),
    lookup: wants('Microsoft.Dynamics.CRM.lookuplogicalname') || wants('Microsoft.Dynamics.CRM.associatednavigationproperty'),
  };
  return {
    representation,
    annotations,
    applied: (withRepresentation): Record<string, string> => {
      const applied = [...(withRepresentation && representation ? ['return=representation'] : []), ...(include ? [include] : [])];
      return applied.length > 0 ? { 'Preference-Applied': applied.join(',') } : {};
    },
  };
}

/** Deterministic, well-formed GUIDs: the same scenario gets the same ids on every run. */
function deterministicId(n: number): string {
  const hex = createHash('sha1').update(`dataverse-emulator:${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
