import type { CloudFlow } from '../../solution/model.js';
import { dataverse, partnerCenter, RowTriggerMessage, RowTriggerRunAs } from '../connectors.js';
import { EntitySet, type FlowContext, newFlow } from '../context.js';
import { withAuditLine } from '../sync-expressions.js';
import { closedWriteWindow, openWriteWindow, WRITE_STARTED } from '../known-events.js';
import { compose, initializeVariable, select, terminate } from '../wdl/actions.js';
import { FAILED_OR_TIMED_OUT, type Container } from '../wdl/builder.js';
import type { ActionDefinition } from '../wdl/types.js';
import { and, body, call, concat, empty, equals, type Expr, item, not, outputs, triggerOutputs, utcNow } from '../wdl/expr.js';

/**
 * Dynamics 365 Microsoft Solutions to Partner Center: when a solution row of an opportunity is added,
 * changed or removed, the opportunity's whole solution list replaces the referral's
 * details/requirements/solutions (Partner Center needs at least one on a co-sell referral). The list sent is
 * recorded, and a failed send is marked, so the reconciliation can send again what never landed.
 */
export function buildSolutionsToPartnerCenterFlow(ctx: FlowContext): CloudFlow {
  const flow = newFlow('SolutionsToPartnerCenter', "Sends an opportunity's Partner Center solutions to its referral when they change.");
  const dv = ctx.connection(flow, 'Dataverse');
  const pc = ctx.connection(flow, 'PartnerCenterReferrals');
  flow.trigger(
    'When_a_solution_row_changes',
    dataverse.rowTrigger(dv, {
      message: RowTriggerMessage.Any,
      entity: ctx.solutions.logicalName,
      runAs: RowTriggerRunAs.FlowOwner,
    }),
  );
  const opportunityId = call('coalesce', triggerOutputs().get(`body/${opportunityLookup(ctx)}`), '');
  // Dataverse may report a deleted row by its id alone, without the lookup: then there is no
  // opportunity to resend. Deactivating a solution row (statecode 1) removes it from the list as well.
  flow.actions.add('Initialize_write_started', initializeVariable(WRITE_STARTED, 'string', ''));
  flow.actions.condition(
    'If_the_row_names_its_opportunity',
    'A deleted row may carry only its own id',
    not(empty(opportunityId)),
    (known) => {
      known.add(
        'Get_opportunity',
        dataverse.getRow(dv, EntitySet.opportunity, opportunityId, [
          'opportunityid',
          'statecode',
          ctx.column('SyncWithPartnerCenter'),
          ctx.column('ReferralIdentifier'),
          ctx.column('PartnerCenterETag'),
          ctx.column('Audit'),
        ]),
      );
      const opportunity = body('Get_opportunity');
      known.condition(
        'If_the_opportunity_is_synced',
        'Only open opportunities shared with Partner Center and still synced (a seller who switched Sync off made the deal private)',
        and(
          not(empty(call('coalesce', opportunity.get(ctx.column('ReferralIdentifier')), ''))),
          equals(opportunity.get(ctx.column('SyncWithPartnerCenter')), true),
          equals(opportunity.get('statecode'), 0),
        ),
        (shared) => replaceReferralSolutions(ctx, shared, dv, pc),
      );
    },
    (unknown) => {
      unknown.add(
        'No_opportunity_to_update',
        compose(
          'The changed row names no opportunity (a delete reported by id only); the next change of one of its solution rows resends the list',
        ),
      );
    },
  );
  return flow.toCloudFlow();
}

/** The lookup column from a solution row to its opportunity, as the Web API names its value. */
export const opportunityLookup = (ctx: FlowContext): string => `_${ctx.solutionColumn('Opportunity')}_value`;

/** Lists the opportunity's active solutions and replaces the referral's solution list with them. */
function replaceReferralSolutions(ctx: FlowContext, shared: Container, dv: string, pc: string): void {
  const opportunity = body('Get_opportunity');
  sendSolutions(shared, ctx, { dv, pc, opportunity });
  // The run still fails, so its history shows it; the reconciliation sends the list again (SolutionsUnsent).
  shared.add('Fail_the_run', terminate('Failed', { code: 'SolutionsNotSent', message: 'Partner Center did not take the solutions' }), {
    after: { Record_solutions_unsent: ['Succeeded', 'Failed'] },
  });
}

/** The Select of a solution row list into the referral's solution tags. */
export const solutionTags = (ctx: FlowContext, rows: Expr): ActionDefinition =>
  select(rows, { id: item().get(ctx.solutionColumn('SolutionIdentifier')), name: item().get(ctx.solutionColumn('Name')), type: 'Name' });

/** What Solutions Sent records of a list of solution tags: the list in solution id order, as text. */
export const solutionsSent = (tags: Expr): Expr => call('string', call('sort', tags, 'id'));

/**
 * Sends an opportunity's active solution rows as its referral's whole solution list (JSON Patch replace), inside a
 * write window (known-events.ts), and records the outcome: Solutions Sent (the list sent) on success; Solutions
 * Unsent and an Audit line on failure, which the hourly reconciliation retries. `opportunity` is a row with
 * opportunityid, the Referral Identifier and Audit; `suffix` keeps action names unique; the flow initialises
 * WRITE_STARTED.
 */
export function sendSolutions(
  container: Container,
  ctx: FlowContext,
  source: { dv: string; pc: string; opportunity: Expr },
  suffix = '',
): void {
  const { dv, pc, opportunity } = source;
  const name = (base: string): string => `${base}${suffix}`;
  const id = opportunity.get('opportunityid');
  container.add(name('List_solutions'), listActiveSolutions(ctx, dv, id));
  container.add(name('Solution_tags'), solutionTags(ctx, body(name('List_solutions')).get('value')));
  openWriteWindow(container, ctx, dv, id, name('Replace'));
  const replace = name('Replace_referral_solutions');
  container.add(
    replace,
    partnerCenter.patchReferral(pc, opportunity.get(ctx.column('ReferralIdentifier')), [
      { op: 'replace', path: '/details/requirements/solutions', value: body(name('Solution_tags')) },
    ]),
  );
  container.add(
    name('Record_solutions_sent'),
    dataverse.updateRow(dv, EntitySet.opportunity, id, {
      [ctx.column('LastSyncedOn')]: utcNow(),
      [ctx.column('SolutionsSent')]: solutionsSent(body(name('Solution_tags'))),
      [ctx.column('SolutionsUnsent')]: false,
      [ctx.column('LastPartnerCenterWrite')]: closedWriteWindow(''),
    }),
  );
  const error = call(
    'coalesce',
    outputs(replace).get('body', 'error', 'message'),
    concat('Partner Center answered ', call('string', outputs(replace).get('statusCode'))),
  );
  container.add(
    name('Record_solutions_unsent'),
    dataverse.updateRow(dv, EntitySet.opportunity, id, {
      [ctx.column('SolutionsUnsent')]: true,
      [ctx.column('LastPartnerCenterWrite')]: closedWriteWindow(''),
      [ctx.column('Audit')]: withAuditLine(ctx, opportunity, ' Solutions not sent: ', error),
    }),
    { after: { [replace]: FAILED_OR_TIMED_OUT } },
  );
}

/** The opportunity's active solution rows (a removed solution is a deactivated or deleted row). */
export const listActiveSolutions = (ctx: FlowContext, dv: string, opportunityId: Expr): ActionDefinition =>
  dataverse.listRows(dv, {
    entitySet: ctx.solutions.entitySetName,
    select: [ctx.solutionColumn('SolutionIdentifier'), ctx.solutionColumn('Name')],
    filter: concat(`${opportunityLookup(ctx)} eq `, opportunityId, ' and statecode eq 0').at,
  });
