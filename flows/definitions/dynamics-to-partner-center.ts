import type { CloudFlow, GlobalChoice } from '../../solution/model.js';
import { dataverse, partnerCenter, RowTriggerMessage, RowTriggerRunAs } from '../connectors.js';
import { EntitySet, type FlowContext, newFlow } from '../context.js';
import { choiceOf, CLOSED_STATUS, OPPORTUNITY_STATE } from '../mapping.js';
import {
  CHECK_MARK,
  CROSS_MARK,
  columnList,
  opportunityFingerprint,
  optionValue,
  outboundColumns,
  patchOperations,
  lastSyncedValues,
  rowFieldNormalised,
  sentToPartnerCenter,
  sharedFields,
  unmarkedName,
  withAuditLine,
} from '../sync-expressions.js';
import { closedWriteWindow, openWriteWindow, WRITE_STARTED } from '../known-events.js';
import { compose, initializeVariable, query, select, setVariable, terminate } from '../wdl/actions.js';
import { FAILED_OR_TIMED_OUT, type Container, type FlowBuilder } from '../wdl/builder.js';
import type { TriggerDefinition } from '../wdl/types.js';
import type { Value } from '../wdl/value.js';
import {
  and,
  type Arg,
  body,
  call,
  concat,
  emptyArray,
  equals,
  type Expr,
  item,
  not,
  or,
  outputs,
  triggerOutputs,
  utcNow,
  variables,
} from '../wdl/expr.js';

/**
 * Dynamics 365 to Partner Center: when a mapped column of a synced opportunity changes, patch the
 * referral. Echoes of the sync's own writes are skipped (equal fingerprint).
 *
 * Per field, against the last sync: the connector's PatchReferralById declares no If-Match (contracts/
 * connectors/partnercenterref.json), so the PATCH carries only the fields changed since the last sync
 * and a concurrent Partner Center edit of any other field survives. UpdateReferralById has If-Match but
 * replaces the whole referral through a swagger model older than the API, and costs a GET and a PUT per
 * change instead of one PATCH; the README's "Keys, conflicts, retries" gives the rules.
 */
export function buildDynamicsToPartnerCenterFlow(ctx: FlowContext): CloudFlow {
  const flow = newFlow('DynamicsToPartnerCenter', 'Sends changes of a synced opportunity to its Partner Center referral.');
  const dv = ctx.connection(flow, 'Dataverse');
  const pc = ctx.connection(flow, 'PartnerCenterReferrals');
  const checkmark = ctx.environmentVariable(flow, 'Checkmark');
  flow.trigger('When_a_synced_opportunity_changes', syncedOpportunityChanges(ctx, flow, dv));
  const patchFlow: PatchFlow = {
    ctx,
    flow,
    dv,
    pc,
    opportunity: body('Get_opportunity'),
    state: body('Get_opportunity').get('statecode'),
    status: choiceOf(ctx.model, 'ReferralStatus'),
    substatus: choiceOf(ctx.model, 'ReferralSubstatus'),
  };
  const top = flow.actions;
  top.add('Initialize_outcome', initializeVariable('Outcome', 'string', ''));
  top.add('Initialize_write_started', initializeVariable(WRITE_STARTED, 'string', ''));
  readOpportunity(patchFlow, top);
  skipEchoes(patchFlow, top);
  collectOperations(patchFlow, top);
  top.condition(
    'If_there_is_something_to_send',
    'A change of a watched column that maps to nothing (help, visibility) sends no PATCH',
    not(call('empty', outputs('Operations'))),
    (send) => patchReferral(patchFlow, send),
  );
  recordOutcome(patchFlow, top, checkmark);
  return flow.toCloudFlow();
}

/** The name's place among the shared fields (in the fingerprint). */
const NAME_INDEX = sharedFields().findIndex((field) => field.key === 'name');

/** What every stage of the flow works with: the model, the flow, its connections and the changed opportunity. */
interface PatchFlow {
  readonly ctx: FlowContext;
  readonly flow: FlowBuilder;
  readonly dv: string;
  readonly pc: string;
  readonly opportunity: Expr;
  readonly state: Expr;
  readonly status: GlobalChoice;
  readonly substatus: GlobalChoice;
}

/** Fires on a change of a mapped column (or the state, help, visibility) of an opportunity synced to a referral. */
function syncedOpportunityChanges(ctx: FlowContext, flow: FlowBuilder, dv: string): TriggerDefinition {
  const watched = [...outboundColumns(ctx, flow), 'statecode', ctx.column('HowCanMicrosoftHelp'), ctx.column('ReferralVisibility')];
  const filtering = columnList(watched);
  return dataverse.rowTrigger(dv, {
    message: RowTriggerMessage.Modified,
    entity: 'opportunity',
    filteringAttributes: typeof filtering === 'string' ? filtering.split(',') : filtering,
    filterExpression: `${ctx.column('SyncWithPartnerCenter')} eq true and ${ctx.column('ReferralIdentifier')} ne null`,
    runAs: RowTriggerRunAs.FlowOwner,
  });
}

function readOpportunity({ ctx, flow, dv, opportunity }: PatchFlow, top: Container): void {
  top.add('Get_opportunity', dataverse.getRow(dv, EntitySet.opportunity, triggerOutputs().get('body/opportunityid')));
  top.add('Fingerprint', compose(opportunityFingerprint(ctx, flow, opportunity), 'The shared fields as the sync last wrote or read them'));
}

function skipEchoes({ ctx, opportunity }: PatchFlow, top: Container): void {
  top.condition(
    'If_only_an_echo',
    "Skip the sync's own writes: same fingerprint, and the close (if any) already sent",
    sentToPartnerCenter(ctx, opportunity, outputs('Fingerprint')),
    (echo) => {
      echo.add('Stop_echo', terminate('Succeeded'));
    },
  );
}

/** The PATCH operations: the fields changed since the last sync, plus the close (with every field) when the opportunity is won or lost. */
function collectOperations({ ctx, flow, opportunity, state }: PatchFlow, top: Container): void {
  top.add('All_field_operations', compose(patchOperations(ctx, flow, opportunity)));
  // A close is the seller's last word on the deal: it sends every shared field as Dynamics holds it, so a Partner
  // Center edit racing the close (which Dynamics, closed, no longer takes) does not leave the two sides apart.
  top.add(
    'Changed_fields',
    query(outputs('All_field_operations'), or(equals(item().get('changed'), true), not(equals(state, OPPORTUNITY_STATE.Open)))),
  );
  top.add(
    'Field_operations',
    select(body('Changed_fields'), { op: item().get('op'), path: item().get('path'), value: item().get('value') }),
  );
  const closeAs = (substatus: string): Expr =>
    call(
      'json',
      JSON.stringify([
        { op: 'replace', path: '/status', value: CLOSED_STATUS.status },
        { op: 'replace', path: '/substatus', value: substatus },
      ]),
    );
  top.add(
    'Close_operations',
    compose(
      call(
        'if',
        equals(state, OPPORTUNITY_STATE.Won),
        closeAs(CLOSED_STATUS.won),
        call('if', equals(state, OPPORTUNITY_STATE.Lost), closeAs(CLOSED_STATUS.lost), emptyArray()),
      ),
    ),
  );
  top.add(
    'Operations',
    compose(
      call('union', body('Field_operations'), outputs('Close_operations')),
      'Only the fields changed since the last sync, plus a close',
    ),
  );
}

function patchReferral({ ctx, dv, pc, opportunity }: PatchFlow, send: Container): void {
  openWriteWindow(send, ctx, dv, opportunity.get('opportunityid'), 'Patch');
  send.add('Patch_referral', partnerCenter.patchReferral(pc, opportunity.get(ctx.column('ReferralIdentifier')), outputs('Operations')));
  send.add(
    'Record_error',
    setVariable(
      'Outcome',
      call(
        'coalesce',
        outputs('Patch_referral').get('body', 'error', 'message'),
        concat('Partner Center answered ', call('string', outputs('Patch_referral').get('statusCode'))),
      ),
    ),
    { after: { Patch_referral: FAILED_OR_TIMED_OUT } },
  );
}

function recordOutcome(patchFlow: PatchFlow, top: Container, checkmark: Expr): void {
  const { ctx, dv, opportunity } = patchFlow;
  const id = opportunity.get('opportunityid');
  top.condition(
    'If_patched',
    'Record the outcome on the opportunity',
    equals(variables('Outcome'), ''),
    (ok) => {
      recordSentFields(patchFlow, ok);
      ok.add('Record_sync', dataverse.updateRow(dv, EntitySet.opportunity, id, syncedColumns(patchFlow)));
      markName(patchFlow, ok, {
        checkmark,
        action: 'success',
        symbol: CHECK_MARK,
        known: call('json', call('base64ToString', outputs('Synced_fingerprint'))).get(NAME_INDEX),
      });
    },
    (failed) => {
      failed.add(
        'Record_failure',
        dataverse.updateRow(dv, EntitySet.opportunity, id, {
          [ctx.column('Audit')]: withAuditLine(ctx, opportunity, ' Referral not updated: ', variables('Outcome')),
          [ctx.column('LastPartnerCenterWrite')]: closedWriteWindow(opportunity.get(ctx.column('LastPartnerCenterWrite'))),
        }),
      );
      markName(patchFlow, failed, {
        checkmark,
        action: 'failure',
        symbol: CROSS_MARK,
        known: lastSyncedValues(ctx, opportunity).get(NAME_INDEX),
      });
    },
  );
}

/**
 * The last-synced values after the PATCH: a field sent takes the value sent (from this run's fingerprint), every
 * other field keeps the base as it is NOW, read again: the run's own copy of the opportunity can be minutes old,
 * and an inbound sync may have written a newer base meanwhile (Partner Center's value of a field this run did not
 * send); writing the old one back would make that field look changed by the seller, and send the old value.
 */
function recordSentFields({ ctx, dv, opportunity, state }: PatchFlow, ok: Container): void {
  ok.add('Read_synced_base', dataverse.getRow(dv, EntitySet.opportunity, opportunity.get('opportunityid'), ctx.column('LastSyncedHash')));
  const fresh = lastSyncedValues(ctx, body('Read_synced_base'));
  const sent = call('json', call('base64ToString', outputs('Fingerprint')));
  const closing = not(equals(state, OPPORTUNITY_STATE.Open));
  ok.add(
    'Synced_fingerprint',
    compose(
      call(
        'base64',
        call(
          'string',
          call(
            'createArray',
            ...sharedFields(ctx.model).map((_field, index) =>
              call(
                'if',
                or(equals(outputs('All_field_operations').get(index).get('changed'), true), closing),
                sent.get(index),
                fresh.get(index),
              ),
            ),
          ),
        ),
      ),
      'Per field: the value sent, or the base as it is now',
    ),
  );
}

/**
 * The opportunity after a PATCH: its fingerprint, and Closed/Won or Closed/Lost when it was closed. The ETag
 * column is left to the inbound echo: a 204 PATCH returns no referral, and no source says it returns an ETag.
 */
function syncedColumns({ ctx, opportunity, state, status, substatus }: PatchFlow): Record<string, Value> {
  const whenClosed = (won: Arg, lost: Arg, open: Arg): Expr =>
    call('if', equals(state, OPPORTUNITY_STATE.Won), won, call('if', equals(state, OPPORTUNITY_STATE.Lost), lost, open));
  const closedStatus = optionValue(status, CLOSED_STATUS.status);
  return {
    [ctx.column('LastSyncedHash')]: outputs('Synced_fingerprint'),
    [ctx.column('LastSyncedOn')]: utcNow(),
    [ctx.column('LastPartnerCenterWrite')]: closedWriteWindow(opportunity.get(ctx.column('LastPartnerCenterWrite'))),
    [ctx.column('ReferralStatus')]: whenClosed(closedStatus, closedStatus, opportunity.get(ctx.column('ReferralStatus'))),
    [ctx.column('ReferralSubstatus')]: whenClosed(
      optionValue(substatus, CLOSED_STATUS.won),
      optionValue(substatus, CLOSED_STATUS.lost),
      opportunity.get(ctx.column('ReferralSubstatus')),
    ),
  };
}

/**
 * The name is a watched column: it is written only when its mark must change, so a repeated outcome
 * does not trigger this flow again (Dataverse fires on every write of a watched column). The name is read again
 * first: the opportunity read at the start may be minutes old (the PATCH retries wait out an outage), and writing
 * that old name back would undo a change made meanwhile. A write can still race one made between this read and
 * it (the connector has no If-Match); so when the name read is the one this run knows as synced (`known`), the
 * mark's write also records that name as synced: a racing write it undoes then looks unchanged to this flow (no
 * PATCH of the old name over Partner Center's newer one), and the next inbound sync or reconciliation brings the
 * newer name back. A name the seller changed since is marked only, and stays unsent until its own run sends it.
 */
function markName(
  patchFlow: PatchFlow,
  container: Container,
  mark: { checkmark: Expr; action: string; symbol: string; known: Expr },
): void {
  const { ctx, flow, dv, opportunity } = patchFlow;
  const { checkmark, action, symbol, known } = mark;
  const id = opportunity.get('opportunityid');
  container.condition(`If_checkmark_for_${action}`, 'Checkmark is on', checkmark, (on) => {
    const fresh = on.add(
      `Read_name_for_${action}`,
      dataverse.getRow(dv, EntitySet.opportunity, id, `name,${ctx.column('LastSyncedHash')}`),
    );
    const name = call('coalesce', body(fresh).get('name'), '');
    const freshName = rowFieldNormalised(ctx, flow, body(fresh), sharedFields()[NAME_INDEX]!);
    const base = lastSyncedValues(ctx, body(fresh));
    const baseWithName = call(
      'base64',
      call(
        'string',
        call('createArray', ...sharedFields(ctx.model).map((_field, index) => (index === NAME_INDEX ? freshName : base.get(index)))),
      ),
    );
    on.condition(
      `If_name_needs_${action}`,
      `Mark the name ${symbol} when it is not marked so yet`,
      not(call('startsWith', name, symbol)),
      (yes) => {
        yes.condition(
          `If_name_is_the_synced_one_${action}`,
          'The name read is the one this run knows as synced: record it as synced with the mark',
          and(not(call('empty', body(fresh).get(ctx.column('LastSyncedHash')))), equals(freshName, known)),
          (synced) => {
            synced.add(
              `Mark_name_${action}`,
              dataverse.updateRow(dv, EntitySet.opportunity, id, {
                name: concat(symbol, ' ', unmarkedName(name)),
                [ctx.column('LastSyncedHash')]: baseWithName,
              }),
            );
          },
          (changed) => {
            changed.add(
              `Mark_changed_name_${action}`,
              dataverse.updateRow(dv, EntitySet.opportunity, id, { name: concat(symbol, ' ', unmarkedName(name)) }),
            );
          },
        );
      },
    );
  });
}
