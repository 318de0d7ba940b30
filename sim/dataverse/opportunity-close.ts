/**
 * The WinOpportunity and LoseOpportunity actions (`POST /api/data/v9.2/WinOpportunity`, unbound): the only way an
 * opportunity becomes Won or Lost. Each takes `Status` (the status reason to close with) and `OpportunityClose` (the
 * opportunity close activity, naming the opportunity through `opportunityid@odata.bind`), returns nothing (204), and
 * records the close activity. See CONTRACT.md section O.
 */
import { display } from '../display.js';
import { invalidActionParameter, invalidStatus, opportunityAlreadyClosed, resourceNotFound } from './errors.js';
import { stateName, type EntityDef } from './metadata.js';
import { parseKey, type StoredRow } from './odata.js';
import type { Change, RowStore } from './store.js';
import { isoSeconds } from './values.js';

export const CLOSE_ACTIONS = { WinOpportunity: 'WinOpportunity', LoseOpportunity: 'LoseOpportunity' } as const;
type CloseAction = keyof typeof CLOSE_ACTIONS;

const OPPORTUNITY = 'opportunity';
/** The parameters of both actions (Web API action reference). */
const Parameter = { Status: 'Status', OpportunityClose: 'OpportunityClose' } as const;
const OPPORTUNITY_BIND = 'opportunityid@odata.bind';
/** `Status` -1: the state's default status reason (the SDK's convention, `WinOpportunityRequest.Status`). */
const DEFAULT_STATUS = -1;

/** One opportunity close activity, as the action created it. */
export interface OpportunityCloseRecord {
  readonly action: CloseAction;
  readonly opportunityid: string;
  readonly subject: string | null;
  readonly status: number;
  readonly actualrevenue: number | null;
  readonly actualend: string | null;
  readonly description: string | null;
  readonly createdon: string;
}

export const isCloseAction = (name: string): name is CloseAction => Object.hasOwn(CLOSE_ACTIONS, name);

/** Closes the opportunity the body names: the state and status change is an Update of the opportunity (triggers fire). */
export function closeOpportunity(
  store: RowStore,
  action: CloseAction,
  body: unknown,
  now: Date,
): { changes: Change[]; record: OpportunityCloseRecord } {
  const entity = store.metadata.entities.get(OPPORTUNITY)!;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidActionParameter(action, Parameter.OpportunityClose, 'is required');
  }
  const parameters = body as Record<string, unknown>;
  const close = parameters[Parameter.OpportunityClose];
  if (close === null || typeof close !== 'object' || Array.isArray(close)) {
    throw invalidActionParameter(action, Parameter.OpportunityClose, 'is required (an opportunityclose object)');
  }
  const closeBody = close as Record<string, unknown>;
  const status = parameters[Parameter.Status];
  if (typeof status !== 'number' || !Number.isInteger(status)) throw invalidActionParameter(action, Parameter.Status, 'must be an integer');
  const existing = opportunityOf(store, entity, action, closeBody[OPPORTUNITY_BIND]);
  const id = existing[entity.primaryIdAttribute] as string;
  if (existing.statecode !== 0) throw opportunityAlreadyClosed();

  const state = action === 'WinOpportunity' ? 1 : 2;
  const statusReason = status === DEFAULT_STATUS ? entity.states.find((s) => s.value === state)!.defaultStatus : status;
  const statuses = entity.attributes.get('statuscode')!.statusState!;
  if (statuses.get(statusReason) !== state) throw invalidStatus(statusReason, OPPORTUNITY, stateName(entity, state), id);

  const revenue = numberOrNull(closeBody.actualrevenue) ?? (state === 1 ? numberOrNull(existing.estimatedvalue) : null);
  const actualEnd = typeof closeBody.actualend === 'string' ? closeBody.actualend.slice(0, 10) : isoSeconds(now).slice(0, 10);
  const changes = {
    statecode: state,
    statuscode: statusReason,
    actualclosedate: actualEnd,
    ...(revenue !== null ? { actualvalue: revenue } : {}),
  };
  const { changes: rowChanges } = store.update(entity, existing, changes, action);
  const record: OpportunityCloseRecord = {
    action,
    opportunityid: id,
    subject: typeof closeBody.subject === 'string' ? closeBody.subject : null,
    status: statusReason,
    actualrevenue: revenue,
    actualend: actualEnd,
    description: typeof closeBody.description === 'string' ? closeBody.description : null,
    createdon: isoSeconds(now),
  };
  return { changes: rowChanges, record };
}

function opportunityOf(store: RowStore, entity: EntityDef, action: CloseAction, bind: unknown): StoredRow {
  if (typeof bind !== 'string') throw invalidActionParameter(action, `${Parameter.OpportunityClose}/${OPPORTUNITY_BIND}`, 'is required');
  const reference = /^(?:[a-z]+:\/\/[^/]+)?(?:\/api\/data\/v\d+(?:\.\d+)?)?\/?([A-Za-z_]\w*)\((.*)\)$/s.exec(bind.trim());
  if (!reference) {
    throw invalidActionParameter(
      action,
      `${Parameter.OpportunityClose}/${OPPORTUNITY_BIND}`,
      `is not an entity reference: '${display(bind)}'`,
    );
  }
  if (reference[1] !== entity.entitySetName) throw resourceNotFound(reference[1]!);
  const key = parseKey(reference[2]!);
  const found = store.locate(entity, key);
  if (!found.row) throw store.notFound(entity, key);
  return found.row;
}

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
