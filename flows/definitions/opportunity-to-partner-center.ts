import type { CloudFlow } from '../../solution/model.js';
import { dataverse, RowTriggerMessage, RowTriggerRunAs } from '../connectors.js';
import { flowId, type FlowContext, newFlow } from '../context.js';
import { runChildFlow } from '../wdl/actions.js';
import { triggerOutputs } from '../wdl/expr.js';
import { CreateCoSellReferralInput } from './create-cosell-referral.js';

/**
 * Dynamics 365 Opportunity to Partner Center: when an opportunity is created with Sync with Partner
 * Center = Yes, or the column turns Yes, and it has no referral yet, the child flow creates the referral.
 * The row filter makes Dataverse skip every other change, so the flow does not even run for them.
 */
export function buildOpportunityToPartnerCenterFlow(ctx: FlowContext): CloudFlow {
  const flow = newFlow(
    'OpportunityToPartnerCenter',
    'Creates the Partner Center referral when an opportunity is marked Sync with Partner Center.',
  );
  const dv = ctx.connection(flow, 'Dataverse');
  flow.trigger(
    'When_an_opportunity_is_marked_for_sync',
    dataverse.rowTrigger(dv, {
      message: RowTriggerMessage.AddedOrModified,
      entity: 'opportunity',
      filteringAttributes: [ctx.column('SyncWithPartnerCenter')],
      filterExpression: `${ctx.column('SyncWithPartnerCenter')} eq true and ${ctx.column('ReferralIdentifier')} eq null`,
      runAs: RowTriggerRunAs.FlowOwner,
    }),
  );
  flow.actions.add(
    'Create_co_sell_referral',
    runChildFlow(flowId('CreateCoSellReferral'), {
      [CreateCoSellReferralInput.OpportunityId]: triggerOutputs().get('body/opportunityid'),
    }),
  );
  return flow.toCloudFlow();
}
