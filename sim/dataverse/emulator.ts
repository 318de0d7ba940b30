import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, RowSubscription } from '../contracts.js';
import type { SolutionModel } from '../../solution/model.js';
import { DataverseError } from './errors.js';
import { SEEDED_CURRENCIES, buildMetadata, type Metadata } from './metadata.js';
import { parseKey, type EntityKey } from './odata.js';
import { RowStore } from './store.js';
import { RowTriggers, type RowCallback } from './triggers.js';
import { answer, type Result } from './web-api.js';
import { AlmEnvironment } from './alm/environment.js';
import { DataverseFaults } from './faults.js';
import { CLOSE_ACTIONS, closeOpportunity, type OpportunityCloseRecord } from './opportunity-close.js';

const OPPORTUNITIES = 'opportunities';

/**
 * A local stand-in for a Dataverse environment: the Web API (`/api/data/v9.2/<entity set>`) over real
 * HTTP on 127.0.0.1, tables defined by the solution model plus the standard tables the flows use, and
 * row triggers that call subscribers asynchronously after each create, update and delete, as
 * Dataverse runs the flows registered on a table. See CONTRACT.md for what is and is not emulated.
 *
 * The pieces: store.ts keeps the rows (row-rules.ts what a write enforces), web-api.ts answers a request,
 * triggers.ts calls the subscribers, filter.ts and odata.ts read the query options.
 */

export interface DataverseEmulatorOptions {
  model: SolutionModel;
  clock: Clock;
  /** ISO code of the currency new rows of currency tables get when none is given (default `USD`, null for none). */
  defaultCurrency?: keyof typeof SEEDED_CURRENCIES | null;
  /** Id generator for new rows (default: deterministic, so two runs of a scenario produce the same ids). */
  newId?: () => string;
  /**
   * Whether the Web API takes an update of a Won or Lost opportunity (default `allowed`: no public source says it is
   * refused; see CONTRACT.md [O4]). `refused` answers 0x80040230, to rehearse the other answer.
   */
  closedOpportunityUpdates?: 'allowed' | 'refused';
}

/** The status a user hook closes with: Won 3, Lost 4 Canceled or 5 Out-Sold (-1: the state's default). */
interface CloseOptions {
  status?: number;
  subject?: string;
  actualRevenue?: number;
  description?: string;
}

/** One Web API request the emulator answered. */
interface DataverseCall {
  method: string;
  /** Path and query, percent-decoded. */
  path: string;
  status: number;
  /** Virtual time of the request. */
  time: string;
  requestBody?: unknown;
}

export class DataverseEmulator {
  readonly metadata: Metadata;
  /** Every Web API request, in order. */
  readonly calls: DataverseCall[] = [];
  /** The solution lifecycle calls (deploy): see CONTRACT.md section L and alm/environment.ts. */
  readonly alm: AlmEnvironment;
  /** Throttling, server errors and latency of Web API requests, over virtual time or by count: CONTRACT.md section F. */
  readonly faults: DataverseFaults;
  private readonly closes: OpportunityCloseRecord[] = [];
  /** Requests received so far: a write waits until none arrived for a while (see `writeWindow`). */
  private arrivals = 0;
  private readonly clock: Clock;
  private readonly store: RowStore;
  private readonly triggers: RowTriggers;
  private server: Server | undefined;
  private origin: string | undefined;

  constructor(options: DataverseEmulatorOptions) {
    this.metadata = buildMetadata(options.model);
    this.clock = options.clock;
    const defaultCurrency = options.defaultCurrency === null ? null : SEEDED_CURRENCIES[options.defaultCurrency ?? 'USD'].id;
    this.store = new RowStore(this.metadata, options.clock, {
      defaultCurrency,
      closedRowUpdates: options.closedOpportunityUpdates ?? 'allowed',
      ...(options.newId ? { newId: options.newId } : {}),
    });
    this.faults = new DataverseFaults(options.clock);
    this.triggers = new RowTriggers(() => this.store.context);
    this.alm = new AlmEnvironment({ clock: options.clock });
  }

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
      this.triggers.track(
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

  /**
   * Registers a row trigger (a flow's SubscribeWebhookTrigger). Refuses, as Dataverse refuses the
   * registration, an unknown table, message, filtering attribute or an invalid filter expression.
   */
  subscribe(subscription: RowSubscription, callback: RowCallback): () => void {
    return this.triggers.subscribe(this.metadata, subscription, callback);
  }

  /**
   * Resolves once every triggered callback, every write those callbacks made and every callback those
   * writes triggered (recursively) has finished. Rejects with an AggregateError when callbacks threw.
   */
  settle(): Promise<void> {
    return this.triggers.settle();
  }

  // User hooks: what a seller saving a form does (same write path, triggers fire).

  /** Creates a row as a user would (body in Web API shape, `<navprop>@odata.bind` for lookups); returns it. */
  userCreate(entitySet: string, row: Record<string, unknown>): Record<string, unknown> {
    const entity = this.store.entityBySet(entitySet);
    const { stored, changes } = this.store.create(entity, row, {});
    this.triggers.fire(changes, Promise.resolve());
    return this.store.plain(entity, stored);
  }

  /**
   * Updates a row (by id or alternate key `col='v'`) as a user would; returns the row after the change. A Won or Lost
   * opportunity's form is read-only: only reopening it (`statecode: 0`) is accepted.
   */
  userUpdate(entitySet: string, id: string, changes: Record<string, unknown>): Record<string, unknown> {
    const entity = this.store.entityBySet(entitySet);
    const existing = this.store.locate(entity, keyOf(id));
    if (!existing.row) throw this.store.notFound(entity, keyOf(id));
    const state = existing.row.statecode;
    if (typeof state === 'number' && entity.closingMessages.has(state) && changes.statecode !== 0) {
      throw new DataverseError(
        400,
        'EmulatorReadOnlyForm',
        `The ${entity.logicalName} is closed and its form is read-only: reopen it first.`,
      );
    }
    const result = this.store.update(entity, existing.row, changes);
    this.triggers.fire(result.changes, Promise.resolve());
    return this.store.plain(entity, result.stored);
  }

  /** A seller closing an opportunity as Won (Close as Won: WinOpportunity, status 3 unless given); returns the row. */
  userWin(id: string, options: CloseOptions = {}): Record<string, unknown> {
    return this.userClose(CLOSE_ACTIONS.WinOpportunity, id, options);
  }

  /** A seller closing an opportunity as Lost (Close as Lost: LoseOpportunity, status 4 Canceled unless given); returns the row. */
  userLose(id: string, options: CloseOptions = {}): Record<string, unknown> {
    return this.userClose(CLOSE_ACTIONS.LoseOpportunity, id, options);
  }

  /** The opportunity close activities Win/LoseOpportunity recorded, in order. */
  opportunityCloses(): readonly OpportunityCloseRecord[] {
    return [...this.closes];
  }

  private userClose(action: keyof typeof CLOSE_ACTIONS, id: string, options: CloseOptions): Record<string, unknown> {
    const entity = this.store.entityBySet(OPPORTUNITIES);
    const body = {
      Status: options.status ?? -1,
      OpportunityClose: {
        subject: options.subject ?? (action === CLOSE_ACTIONS.WinOpportunity ? 'Won' : 'Lost'),
        [`opportunityid@odata.bind`]: `/${OPPORTUNITIES}(${id.trim().replace(/^\{(.*)\}$/, '$1')})`,
        ...(options.actualRevenue !== undefined ? { actualrevenue: options.actualRevenue } : {}),
        ...(options.description !== undefined ? { description: options.description } : {}),
      },
    };
    const closed = closeOpportunity(this.store, action, body, this.clock.now());
    this.closes.push(closed.record);
    this.triggers.fire(closed.changes, Promise.resolve());
    return this.store.plain(entity, closed.changes[0]!.row);
  }

  /** Deletes a row (and what cascades from it) as a user would. */
  userDelete(entitySet: string, id: string): void {
    const entity = this.store.entityBySet(entitySet);
    const existing = this.store.locate(entity, keyOf(id));
    if (!existing.row) throw this.store.notFound(entity, keyOf(id));
    this.triggers.fire(this.store.remove(entity, existing.id!), Promise.resolve());
  }

  /** Inserts a row without firing triggers: data that existed before the flows were turned on. */
  seed(entitySet: string, row: Record<string, unknown>): Record<string, unknown> {
    const entity = this.store.entityBySet(entitySet);
    return this.store.plain(entity, this.store.create(entity, row, {}).stored);
  }

  /** Every row of a table, in creation order, in Web API shape (all columns, no annotations). */
  rows(entitySet: string): Record<string, unknown>[] {
    const entity = this.store.entityBySet(entitySet);
    return [...this.store.table(entity).values()].map((row) => this.store.plain(entity, row));
  }

  row(entitySet: string, id: string): Record<string, unknown> | undefined {
    const entity = this.store.entityBySet(entitySet);
    const found = this.store.locate(entity, keyOf(id)).row;
    return found ? this.store.plain(entity, found) : undefined;
  }

  private writeWindow(): Promise<void> {
    return quiescence(() => this.arrivals);
  }

  /** Answers a request, records it, and fires the triggers of its changes once the response is sent. */
  private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // What this request's checks see is the store as it was when the request arrived (see `writeWindow`).
    const seenVersion = this.store.currentVersion;
    this.arrivals += 1;
    const arrivedAt = this.clock.now();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = (request.method ?? 'GET').toUpperCase();
    const fault = this.faults.apply(method, decodedPath(url));
    if (fault.latencyMs > 0) await this.clock.sleep(fault.latencyMs);
    let requestBody: unknown;
    let result: Result;
    try {
      requestBody = text === '' ? undefined : parseJson(text);
      if (fault.failure && !fault.failure.afterCommit) throw fault.failure.error;
      if (method !== 'GET') await this.writeWindow();
      const arrival = { version: seenVersion, now: arrivedAt, onClose: (record: OpportunityCloseRecord) => this.closes.push(record) };
      result =
        this.alm.answer(method, url, request.headers, requestBody) ??
        answer(this.store, this.apiUrl, method, url, request.headers, requestBody, arrival);
      if (fault.failure) {
        const { error, headers } = fault.failure;
        result = { status: error.status, headers, body: error.toJSON(), changes: result.changes };
      }
    } catch (error) {
      const failure = asDataverseError(error);
      result = { status: failure.status, headers: fault.failure?.headers ?? {}, body: failure.toJSON(), changes: [] };
    }
    const time = this.clock.now().toISOString();
    this.calls.push({ method, path: decodedPath(url), status: result.status, time, ...(requestBody !== undefined ? { requestBody } : {}) });
    this.triggers.fire(result.changes, send(response, result));
  }
}

/**
 * The window between a write's checks and its commit: the write waits until WRITE_WINDOW_MS pass with no new request
 * arriving. Requests sent together (two flow runs at the same virtual instant) are then all in flight at
 * once, and an upsert that found no row collides with the one that created it meanwhile, as in Dataverse.
 */
async function quiescence(arrivals: () => number): Promise<void> {
  for (let turns = 0; turns < MAX_WINDOW_TURNS; turns += 1) {
    const before = arrivals();
    await new Promise<void>((resolve) => setTimeout(resolve, WRITE_WINDOW_MS));
    if (arrivals() === before) return;
  }
}
/** Real milliseconds a write waits with no new request arriving (long enough for a second connection to open on 127.0.0.1). */
const WRITE_WINDOW_MS = 5;
const MAX_WINDOW_TURNS = 20;

/** Writes the answer; resolves once it is sent (or the connection closed), when the triggers it caused may run. */
function send(response: ServerResponse, result: Result): Promise<void> {
  return new Promise<void>((sent) => {
    const payload = result.body === undefined ? '' : JSON.stringify(result.body);
    response.on('close', () => sent());
    response.writeHead(result.status, {
      'OData-Version': '4.0',
      ...(payload ? { 'Content-Type': 'application/json; odata.metadata=minimal' } : {}),
      ...result.headers,
    });
    response.end(payload, () => sent());
  });
}

const asDataverseError = (error: unknown): DataverseError =>
  error instanceof DataverseError
    ? error
    : new DataverseError(500, '0x80040216', `An unexpected error occurred: ${error instanceof Error ? error.message : String(error)}`);

/** Path and query, percent-decoded when they decode. */
function decodedPath(url: URL): string {
  const path = `${url.pathname}${url.search.replace(/\+/g, '%20')}`;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
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
