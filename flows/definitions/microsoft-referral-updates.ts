import type { CloudFlow } from '../../solution/model.js';
import { dataverse, partnerCenter } from '../connectors.js';
import { EntitySet, type FlowContext, newFlow } from '../context.js';
import { odataString } from '../mapping.js';
import { childResponse, manualTrigger } from '../wdl/actions.js';
import type { Container } from '../wdl/builder.js';
import { and, body, call, concat, empty, equals, type Expr, items, not, or, triggerBody, utcNow } from '../wdl/expr.js';

export const MicrosoftUpdatesInput = { ReferralId: 'text' } as const;

/**
 * Partner Center Microsoft Co-sell Referral Updates to Dynamics 365 (child): applies Microsoft's side
 * of a shared referral to our opportunity: the Microsoft CRM identifier, and Microsoft's status
 * (accepted, declined…) as an Audit line. Our referral is found through the shared engagement id.
 */
export function buildMicrosoftReferralUpdatesFlow(ctx: FlowContext): CloudFlow {
  const flow = newFlow(
    'MicrosoftUpdates',
    "Applies Microsoft's side of a shared co-sell referral (CRM identifier, acceptance) to the opportunity.",
  );
  const pc = ctx.connection(flow, 'PartnerCenterReferrals');
  const dv = ctx.connection(flow, 'Dataverse');
  flow.trigger(
    'manual',
    manualTrigger([
      {
        key: MicrosoftUpdatesInput.ReferralId,
        title: 'Microsoft referral id',
        type: 'string',
        description: "Id of Microsoft's related referral",
        required: true,
      },
    ]),
  );
  const top = flow.actions;
  top.add('Get_Microsoft_referral', partnerCenter.getReferral(pc, triggerBody().get(MicrosoftUpdatesInput.ReferralId)));
  const microsoft = body('Get_Microsoft_referral');
  top.add(
    'List_engagement_referrals',
    partnerCenter.listReferrals(pc, {
      filter: concat('engagementId eq ', odataString(microsoft.get('engagementId'))),
      top: 50,
    }),
  );
  top.foreach(
    'For_each_referral_of_the_engagement',
    'Our own referral in the engagement is the one an opportunity points to',
    body('List_engagement_referrals').get('value'),
    (loop) => applyToOwnOpportunity(ctx, loop, dv, microsoft),
  );
  top.add(
    'Respond_to_the_caller',
    childResponse({ engagementid: microsoft.get('engagementId') }, { engagementid: { type: 'string', title: 'engagementid' } }),
  );
  return flow.toCloudFlow();
}

/** Writes Microsoft's side on the opportunity that points to this referral of the engagement, if one does. */
function applyToOwnOpportunity(ctx: FlowContext, loop: Container, dv: string, microsoft: Expr): void {
  const own = items('For_each_referral_of_the_engagement');
  loop.add(
    'Find_opportunity',
    dataverse.listRows(dv, {
      entitySet: EntitySet.opportunity,
      top: 1,
      select: ['opportunityid', ctx.column('Audit'), ctx.column('MicrosoftCrmIdentifier')],
      filter: concat(ctx.column('ReferralIdentifier'), ' eq ', odataString(own.get('id'))).at,
    }),
  );
  loop.condition(
    'If_opportunity_found',
    "Only referrals that belong to one of our opportunities, and never the referral the event names: an event naming our own referral is not Microsoft's side",
    and(not(empty(body('Find_opportunity').get('value'))), not(equals(own.get('id'), microsoft.get('id')))),
    (found) => {
      const opportunity = call('first', body('Find_opportunity').get('value'));
      const crmId = call('coalesce', microsoft.get('trackingInfo', 'microsoftMsxId'), microsoft.get('externalReferenceId'), '');
      const audit = call('coalesce', opportunity.get(ctx.column('Audit')), '');
      const answer = concat(' Microsoft referral ', microsoft.get('status'), '/', microsoft.get('substatus'));
      // Reconciliation passes every hour: write (and add to Audit) only what Microsoft's side changed.
      found.condition(
        'If_Microsoft_side_changed',
        "A new CRM id, or an answer of Microsoft's not in Audit yet",
        or(
          not(equals(call('coalesce', opportunity.get(ctx.column('MicrosoftCrmIdentifier')), ''), crmId)),
          not(call('contains', audit, answer)),
        ),
        (changed) => {
          changed.add(
            'Update_opportunity_with_Microsoft_side',
            dataverse.updateRow(dv, EntitySet.opportunity, opportunity.get('opportunityid'), {
              [ctx.column('MicrosoftCrmIdentifier')]: crmId,
              [ctx.column('Audit')]: concat(utcNow(), answer, '\n', audit),
            }),
          );
        },
      );
    },
  );
}
