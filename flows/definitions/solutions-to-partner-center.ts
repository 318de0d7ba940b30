import type { CloudFlow } from '../../solution/model.js';
import { dataverse, partnerCenter, RowTriggerMessage, RowTriggerRunAs } from '../connectors.js';
import { EntitySet, type FlowContext, newFlow } from '../context.js';
import { closedWriteWindow, openWriteWindow, WRITE_STARTED } from '../known-events.js';
import { compose, initializeVariable, select, terminate } from '../wdl/actions.js';
import { FAILED_OR_TIMED_OUT, type Container } from '../wdl/builder.js';
import { body, call, concat, empty, item, not, triggerOutputs, utcNow } from '../wdl/expr.js';

/**
 * Dynamics 365 Microsoft Solutions to Partner Center: when a solution row of an opportunity is added,
 * changed or removed, the opportunity's whole solution list replaces the referral's
 * details/requirements/solutions (Partner Center needs at least one on a co-sell referral).
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
          ctx.column('ReferralIdentifier'),
          ctx.column('PartnerCenterETag'),
          ctx.column('Audit'),
        ]),
      );
      known.condition(
        'If_the_opportunity_has_a_referral',
        'Only opportunities already shared with Partner Center',
        not(empty(call('coalesce', body('Get_opportunity').get(ctx.column('ReferralIdentifier')), ''))),
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
const opportunityLookup = (ctx: FlowContext): string => `_${ctx.solutionColumn('Opportunity')}_value`;

/** Lists the opportunity's active solutions and replaces the referral's solution list with them. */
function replaceReferralSolutions(ctx: FlowContext, shared: Container, dv: string, pc: string): void {
  const opportunity = body('Get_opportunity');
  shared.add(
    'List_solutions',
    dataverse.listRows(dv, {
      entitySet: ctx.solutions.entitySetName,
      select: [ctx.solutionColumn('SolutionIdentifier'), ctx.solutionColumn('Name')],
      filter: concat(`${opportunityLookup(ctx)} eq `, opportunity.get('opportunityid'), ' and statecode eq 0').at,
    }),
  );
  shared.add(
    'Solution_tags',
    select(body('List_solutions').get('value'), {
      id: item().get(ctx.solutionColumn('SolutionIdentifier')),
      name: item().get(ctx.solutionColumn('Name')),
      type: 'Name',
    }),
  );
  openWriteWindow(shared, ctx, dv, opportunity.get('opportunityid'), 'Replace');
  shared.add(
    'Replace_referral_solutions',
    partnerCenter.patchReferral(pc, opportunity.get(ctx.column('ReferralIdentifier')), [
      { op: 'replace', path: '/details/requirements/solutions', value: body('Solution_tags') },
    ]),
  );
  shared.add(
    'Record_sync_time',
    dataverse.updateRow(dv, EntitySet.opportunity, opportunity.get('opportunityid'), {
      [ctx.column('LastSyncedOn')]: utcNow(),
      [ctx.column('LastPartnerCenterWrite')]: closedWriteWindow(''),
    }),
  );
  // A failed call closes its window too (so events after it are read), and the run still fails.
  shared.add(
    'Close_the_write_window',
    dataverse.updateRow(dv, EntitySet.opportunity, opportunity.get('opportunityid'), {
      [ctx.column('LastPartnerCenterWrite')]: closedWriteWindow(''),
    }),
    { after: { Replace_referral_solutions: FAILED_OR_TIMED_OUT } },
  );
  shared.add('Fail_the_run', terminate('Failed', { code: 'SolutionsNotSent', message: 'Partner Center did not take the solutions' }), {
    after: { Close_the_write_window: ['Succeeded', 'Failed'] },
  });
}
