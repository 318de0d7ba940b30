import { ConnectorApi } from '../solution/cosell.js';
import type { Expr } from './wdl/expr.js';
import { plain, type Value } from './wdl/value.js';
import type { ActionDefinition, RetryPolicy, TriggerDefinition } from './wdl/types.js';

/**
 * Every connector operation the flows call, in one place: operation ids and parameter keys. Where a
 * connector is not publicly documented, the names below are the ones we could observe and are marked
 * UNVERIFIED (see the README's "what is verified how"); correct them here and every flow follows.
 */

const apiId = (apiName: string): string => `/providers/Microsoft.PowerApps/apis/${apiName}`;
const AUTHENTICATION = "@parameters('$authentication')";

/** Retries Partner Center calls on 408/429/5xx, honouring Retry-After (the platform does). */
const PARTNER_CENTER_RETRY: RetryPolicy = {
  type: 'exponential',
  count: 6,
  interval: 'PT10S',
  minimumInterval: 'PT5S',
  maximumInterval: 'PT1H',
};

const NO_RETRY: RetryPolicy = { type: 'none' };

function connectorCall(
  connectionName: string,
  apiName: string,
  operationId: string,
  parameters: Record<string, Value>,
  retryPolicy?: RetryPolicy,
): ActionDefinition {
  return {
    type: 'OpenApiConnection',
    inputs: {
      host: { connectionName, operationId, apiId: apiId(apiName) },
      parameters: plain(parameters),
      authentication: AUTHENTICATION,
      ...(retryPolicy ? { retryPolicy } : {}),
    },
  };
}

/** Dataverse connector (documented: flows-and-pcf §3.6). Table names are entity set names, except in the trigger. */
const DataverseOperation = {
  SubscribeWebhookTrigger: 'SubscribeWebhookTrigger',
  ListRecords: 'ListRecords',
  GetItem: 'GetItem',
  CreateRecord: 'CreateRecord',
  /** "Update a row" (legacy id): creates the row when the id or alternate key is not found (upsert). */
  UpdateRecord: 'UpdateRecord',
  /** "Update a row" (current id): update only. */
  UpdateOnlyRecord: 'UpdateOnlyRecord',
  DeleteRecord: 'DeleteRecord',
  /** "Perform an unbound action": `actionName` bare (WinOpportunity), the action's parameters as `item/<Parameter>`. */
  PerformUnboundAction: 'PerformUnboundAction',
} as const;

export const RowTriggerMessage = {
  Added: 1,
  Deleted: 2,
  Modified: 3,
  AddedOrModified: 4,
  AddedOrDeleted: 5,
  ModifiedOrDeleted: 6,
  Any: 7,
} as const;
const RowTriggerScope = { Organization: 4 } as const;
export const RowTriggerRunAs = { TriggeringUser: 1, RowOwner: 2, FlowOwner: 3 } as const;

interface ListRows {
  entitySet: string;
  select?: readonly string[];
  filter?: string;
  orderBy?: string;
  top?: number;
  expand?: string;
}

export const dataverse = {
  rowTrigger(
    connectionName: string,
    options: {
      message: number;
      entity: string;
      filteringAttributes?: readonly string[] | Expr;
      filterExpression?: string;
      runAs?: number;
    },
  ): TriggerDefinition {
    const parameters: Record<string, Value> = {
      'subscriptionRequest/message': options.message,
      'subscriptionRequest/entityname': options.entity,
      'subscriptionRequest/scope': RowTriggerScope.Organization,
    };
    const filtering = options.filteringAttributes;
    if (filtering !== undefined)
      parameters['subscriptionRequest/filteringattributes'] = Array.isArray(filtering) ? filtering.join(',') : (filtering as Expr);
    if (options.filterExpression) parameters['subscriptionRequest/filterexpression'] = options.filterExpression;
    if (options.runAs !== undefined) parameters['subscriptionRequest/runas'] = options.runAs;
    const call = connectorCall(connectionName, ConnectorApi.Dataverse, DataverseOperation.SubscribeWebhookTrigger, parameters);
    return { ...call, type: 'OpenApiConnectionWebhook' };
  },
  listRows(connectionName: string, options: ListRows): ActionDefinition {
    const parameters: Record<string, Value> = { entityName: options.entitySet };
    if (options.select) parameters.$select = options.select.join(',');
    if (options.filter) parameters.$filter = options.filter;
    if (options.orderBy) parameters.$orderby = options.orderBy;
    if (options.expand) parameters.$expand = options.expand;
    if (options.top !== undefined) parameters.$top = options.top;
    return connectorCall(connectionName, ConnectorApi.Dataverse, DataverseOperation.ListRecords, parameters);
  },
  getRow(
    connectionName: string,
    entitySet: string,
    id: Expr,
    select?: readonly string[] | string | Expr,
    expand?: string,
  ): ActionDefinition {
    const parameters: Record<string, Value> = { entityName: entitySet, recordId: id };
    if (select !== undefined) parameters.$select = Array.isArray(select) ? select.join(',') : (select as string | Expr);
    if (expand) parameters.$expand = expand;
    return connectorCall(connectionName, ConnectorApi.Dataverse, DataverseOperation.GetItem, parameters);
  },
  createRow(connectionName: string, entitySet: string, item: Record<string, Value>): ActionDefinition {
    return connectorCall(connectionName, ConnectorApi.Dataverse, DataverseOperation.CreateRecord, {
      entityName: entitySet,
      ...itemParameters(item),
    });
  },
  updateRow(connectionName: string, entitySet: string, id: Expr | string, item: Record<string, Value>): ActionDefinition {
    return connectorCall(connectionName, ConnectorApi.Dataverse, DataverseOperation.UpdateOnlyRecord, {
      entityName: entitySet,
      recordId: id,
      ...itemParameters(item),
    });
  },
  /** Upsert: `recordId` may be an alternate key, `key='value'`. */
  upsertRow(connectionName: string, entitySet: string, id: Expr | string, item: Record<string, Value>): ActionDefinition {
    return connectorCall(connectionName, ConnectorApi.Dataverse, DataverseOperation.UpdateRecord, {
      entityName: entitySet,
      recordId: id,
      ...itemParameters(item),
    });
  },
  /**
   * The same writes with the whole row as one object expression: needed when a column name comes from
   * an environment variable (a parameter key cannot be dynamic, an object's keys can).
   */
  createRowObject(connectionName: string, entitySet: string, item: Expr): ActionDefinition {
    return connectorCall(connectionName, ConnectorApi.Dataverse, DataverseOperation.CreateRecord, { entityName: entitySet, item });
  },
  updateRowObject(connectionName: string, entitySet: string, id: Expr | string, item: Expr): ActionDefinition {
    return connectorCall(connectionName, ConnectorApi.Dataverse, DataverseOperation.UpdateOnlyRecord, {
      entityName: entitySet,
      recordId: id,
      item,
    });
  },
  upsertRowObject(connectionName: string, entitySet: string, id: Expr | string, item: Expr): ActionDefinition {
    return connectorCall(connectionName, ConnectorApi.Dataverse, DataverseOperation.UpdateRecord, {
      entityName: entitySet,
      recordId: id,
      item,
    });
  },
  deleteRow(connectionName: string, entitySet: string, id: Expr): ActionDefinition {
    return connectorCall(connectionName, ConnectorApi.Dataverse, DataverseOperation.DeleteRecord, { entityName: entitySet, recordId: id });
  },
  /** An unbound Dataverse action (e.g. WinOpportunity) with its parameters by name. */
  performUnboundAction(connectionName: string, actionName: string, parameters: Record<string, Value>): ActionDefinition {
    return connectorCall(connectionName, ConnectorApi.Dataverse, DataverseOperation.PerformUnboundAction, {
      actionName,
      ...itemParameters(parameters),
    });
  },
};

const itemParameters = (item: Record<string, Value>): Record<string, Value> =>
  Object.fromEntries(Object.entries(item).map(([column, value]) => [`item/${column}`, value]));

/** A lookup value for CreateRecord/UpdateRecord: `item/<navigation property>@odata.bind`. */
export const bindKey = (navigationProperty: string): string => `${navigationProperty}@odata.bind`;

/** Partner Center Referrals connector (`shared_partnercenterref`; operation ids from its swagger and the Logic Apps SDK). */
export const ReferralsOperation = {
  GetAllReferrals: 'GetAllReferrals',
  CreateReferral: 'CreateReferral',
  GetReferralById: 'GetReferralById',
  UpdateReferralById: 'UpdateReferralById',
  PatchReferralById: 'PatchReferralById',
} as const;

/** Parameter keys of the Referrals connector (its swagger; PatchReferralById from the Logic Apps SDK). */
export const ReferralsParameter = {
  Id: 'id',
  Body: 'Referral',
  Filter: '$filter',
  Top: '$top',
  Skip: '$skip',
  OrderBy: '$orderby',
} as const;

export const partnerCenter = {
  getReferral(connectionName: string, id: Expr): ActionDefinition {
    return connectorCall(
      connectionName,
      ConnectorApi.PartnerCenterReferrals,
      ReferralsOperation.GetReferralById,
      { [ReferralsParameter.Id]: id },
      PARTNER_CENTER_RETRY,
    );
  },
  listReferrals(
    connectionName: string,
    options: { filter: Expr | string; top: number; skip?: Expr | number; orderBy?: string },
  ): ActionDefinition {
    const parameters: Record<string, Value> = { [ReferralsParameter.Filter]: options.filter, [ReferralsParameter.Top]: options.top };
    if (options.skip !== undefined) parameters[ReferralsParameter.Skip] = options.skip;
    if (options.orderBy) parameters[ReferralsParameter.OrderBy] = options.orderBy;
    return connectorCall(
      connectionName,
      ConnectorApi.PartnerCenterReferrals,
      ReferralsOperation.GetAllReferrals,
      parameters,
      PARTNER_CENTER_RETRY,
    );
  },
  createReferral(connectionName: string, referral: Value): ActionDefinition {
    return connectorCall(
      connectionName,
      ConnectorApi.PartnerCenterReferrals,
      ReferralsOperation.CreateReferral,
      { [ReferralsParameter.Body]: referral },
      // Never retried: the POST is not idempotent, and a time-out after Partner Center committed it would create a
      // second referral. Without a policy the platform's default (4 exponential retries) would apply.
      NO_RETRY,
    );
  },
  /**
   * JSON Patch (replace/add only). The connector declares no If-Match for it, so it is last-writer-wins per
   * field; retrying is safe because replacing a field with the same value twice changes nothing more.
   */
  patchReferral(connectionName: string, id: Expr, operations: Value): ActionDefinition {
    return connectorCall(
      connectionName,
      ConnectorApi.PartnerCenterReferrals,
      ReferralsOperation.PatchReferralById,
      { [ReferralsParameter.Id]: id, [ReferralsParameter.Body]: operations },
      PARTNER_CENTER_RETRY,
    );
  },
};

/**
 * Partner Center Events connector (`shared_partnercenterevents`). UNVERIFIED: its swagger is not public;
 * the operation ids are the Logic Apps SDK method names, the body parameter key is our guess.
 */
export const EventsOperation = {
  ViewRegistration: 'ViewRegistration',
  EventRegistration: 'EventRegistration',
  UpdateRegistration: 'UpdateRegistration',
} as const;
export const EventsParameter = { Body: 'body' } as const;

export const partnerCenterEvents = {
  viewRegistration(connectionName: string): ActionDefinition {
    return connectorCall(connectionName, ConnectorApi.PartnerCenterEvents, EventsOperation.ViewRegistration, {}, PARTNER_CENTER_RETRY);
  },
  register(connectionName: string, body: Value, overwrite: boolean): ActionDefinition {
    return connectorCall(
      connectionName,
      ConnectorApi.PartnerCenterEvents,
      overwrite ? EventsOperation.UpdateRegistration : EventsOperation.EventRegistration,
      { [EventsParameter.Body]: body },
      PARTNER_CENTER_RETRY,
    );
  },
};
