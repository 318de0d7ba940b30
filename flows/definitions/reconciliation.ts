import type { CloudFlow } from '../../solution/model.js';
import { dataverse, partnerCenter } from '../connectors.js';
import { EntitySet, flowId, type FlowContext, newFlow } from '../context.js';
import { compose, incrementVariable, initializeVariable, recurrenceTrigger, runChildFlow, setVariable } from '../wdl/actions.js';
import { MicrosoftUpdatesInput } from './microsoft-referral-updates.js';
import { body, call, concat, equals, items, not, outputs, variables } from '../wdl/expr.js';
import { addInboundSync } from './inbound-sync.js';

/** Partner Center's organization id for Microsoft (invitedBy / owner of Microsoft's side of a shared referral). */
const MICROSOFT_ORGANIZATION_ID = 'msft';

/** Referrals per page: the API's `$top`. */
export const RECONCILIATION_PAGE = 100;
/** Pages per run at most: the run picks up the rest next time. */
const RECONCILIATION_MAX_PAGES = 50;
/** Overlap before the watermark, so an update racing the last sync is not missed. */
const OVERLAP_HOURS = 1;
/** With nothing synced yet, look back as far as an unanswered referral lives (14 days). */
const FIRST_RUN_DAYS = 14;

/**
 * Partner Center Reconciliation: heals lost webhooks and disabled flows. The watermark is the latest
 * Last Synced On of any opportunity (stored with the data itself); referrals updated since then are
 * listed page by page and each goes through the same inbound path as the webhook flow, so the cost
 * grows with what changed, not with all referrals.
 */
export function buildReconciliationFlow(ctx: FlowContext): CloudFlow {
  const flow = newFlow('Reconciliation', 'Every hour, brings in referrals changed since the last sync, in case a webhook event was lost.');
  const dv = ctx.connection(flow, 'Dataverse');
  const pc = ctx.connection(flow, 'PartnerCenterReferrals');
  flow.trigger('Recurrence', recurrenceTrigger('Hour', 1));
  const top = flow.actions;
  top.add('Initialize_skip', initializeVariable('Skip', 'integer', 0));
  top.add('Initialize_more_pages', initializeVariable('MorePages', 'boolean', true));
  top.add(
    'Latest_synced_opportunity',
    dataverse.listRows(dv, {
      entitySet: EntitySet.opportunity,
      top: 1,
      select: [ctx.column('LastSyncedOn')],
      filter: `${ctx.column('LastSyncedOn')} ne null`,
      orderBy: `${ctx.column('LastSyncedOn')} desc`,
    }),
  );
  const latest = call('first', body('Latest_synced_opportunity').get('value')).get(ctx.column('LastSyncedOn'));
  top.add(
    'Watermark',
    compose(
      call('if', call('empty', latest), call('addDays', call('utcNow'), -FIRST_RUN_DAYS), call('addHours', latest, -OVERLAP_HOURS)),
      'Referrals updated since this time are checked',
    ),
  );
  top.until(
    'Until_every_page_is_read',
    'Pages through the referrals changed since the watermark',
    not(variables('MorePages')),
    { count: RECONCILIATION_MAX_PAGES, timeout: 'PT1H' },
    (loop) => {
      loop.add(
        'List_changed_referrals',
        partnerCenter.listReferrals(pc, {
          filter: concat('updatedDateTime ge ', outputs('Watermark')),
          top: RECONCILIATION_PAGE,
          skip: variables('Skip'),
          orderBy: 'updatedDateTime asc',
        }),
      );
      loop.foreach(
        'For_each_changed_referral',
        "Each referral goes through the webhook flow's path",
        body('List_changed_referrals').get('value'),
        (each) => {
          const referral = items('For_each_changed_referral');
          each.condition(
            'If_Microsoft_owns_the_referral',
            "Microsoft's related referral carries its side of a shared deal, as related-referral events do",
            equals(referral.get('organizationId'), MICROSOFT_ORGANIZATION_ID),
            (microsoft) => {
              microsoft.add(
                'Apply_Microsoft_updates_reconciled',
                runChildFlow(flowId('MicrosoftUpdates'), { [MicrosoftUpdatesInput.ReferralId]: referral.get('id') }),
              );
            },
            (own) => addInboundSync(own, ctx, flow, referral.get('id'), '_reconciled'),
          );
        },
      );
      loop.add('Next_page', incrementVariable('Skip', RECONCILIATION_PAGE));
      loop.add(
        'More_pages',
        setVariable('MorePages', equals(call('length', body('List_changed_referrals').get('value')), RECONCILIATION_PAGE)),
      );
    },
  );
  return flow.toCloudFlow();
}
