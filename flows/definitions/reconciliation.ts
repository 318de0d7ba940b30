import type { CloudFlow } from '../../solution/model.js';
import { dataverse, partnerCenter } from '../connectors.js';
import { EntitySet, flowId, type FlowContext, newFlow } from '../context.js';
import { compose, initializeVariable, query, recurrenceTrigger, runChildFlow, select, setVariable } from '../wdl/actions.js';
import type { Container, FlowBuilder } from '../wdl/builder.js';
import type { ActionDefinition } from '../wdl/types.js';
import { WRITE_STARTED } from '../known-events.js';
import { opportunityFingerprint, sentToPartnerCenter } from '../sync-expressions.js';
import { MicrosoftUpdatesInput } from './microsoft-referral-updates.js';
import { and, body, call, concat, empty, equals, item, items, not, or, outputs, variables } from '../wdl/expr.js';
import { NOT_CREATED_NEEDS_CORRECTION } from './create-cosell-referral.js';
import { addInboundSync } from './inbound-sync.js';
import { listActiveSolutions, opportunityLookup, sendSolutions, solutionsSent, solutionTags } from './solutions-to-partner-center.js';

/** Partner Center's organization id for Microsoft (invitedBy / owner of Microsoft's side of a shared referral). */
const MICROSOFT_ORGANIZATION_ID = 'msft';

/** Referrals per page: the API's `$top`. */
export const RECONCILIATION_PAGE = 100;
/** Opportunities checked for an unsent change per run at most (oldest first: the rest wait an hour). */
const RESEND_LIMIT = 5000;
/** Pages per run at most: the run picks up the rest next time. */
const RECONCILIATION_MAX_PAGES = 50;
/** Overlap before the watermark, so an update racing the last sync is not missed. */
const OVERLAP_HOURS = 1;
/**
 * Every pass looks back at least this far: the watermark is the latest Last Synced On, which one successful
 * webhook can move past a referral a failed pass left behind; a day of look-back re-covers such a pass.
 */
const MIN_LOOKBACK_HOURS = 24;
/**
 * Referrals changed in the last minutes are left to their webhook events (delivered at once, and retried by
 * Partner Center): a pass that handled them too would race the webhook run for the same new customer and
 * create its account and contact twice. The next pass covers them.
 */
const SETTLE_MINUTES = 15;
/** With nothing synced yet, look back as far as an unanswered referral lives (14 days). */
const FIRST_RUN_DAYS = 14;

/**
 * Partner Center Reconciliation: heals lost webhooks and disabled flows. The watermark is the latest Last
 * Synced On of any opportunity (stored with the data itself), less an hour, and at least a day back. Referrals
 * updated since then are listed oldest first and paged by their updatedDateTime (keyset: a page starts where
 * the previous one ended, so rows that change while paging are not skipped as with $skip); each listed referral
 * goes through the webhook flow's path as listed, without a second read, and an unchanged one writes nothing.
 * The cost grows with what changed, not with all referrals.
 */
export function buildReconciliationFlow(ctx: FlowContext): CloudFlow {
  const flow = newFlow('Reconciliation', 'Every hour, brings in referrals changed since the last sync, in case a webhook event was lost.');
  const dv = ctx.connection(flow, 'Dataverse');
  const pc = ctx.connection(flow, 'PartnerCenterReferrals');
  flow.trigger('Recurrence', recurrenceTrigger('Hour', 1));
  const top = flow.actions;
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
  const dayBack = call('addHours', call('utcNow'), -MIN_LOOKBACK_HOURS);
  top.add(
    'Watermark',
    compose(
      call(
        'if',
        call('empty', latest),
        call('addDays', call('utcNow'), -FIRST_RUN_DAYS),
        call(
          'if',
          call('less', call('ticks', call('addHours', latest, -OVERLAP_HOURS)), call('ticks', dayBack)),
          call('addHours', latest, -OVERLAP_HOURS),
          dayBack,
        ),
      ),
      'Referrals updated since this time are checked',
    ),
  );
  top.add(
    'Settled_before',
    compose(call('addMinutes', call('utcNow'), -SETTLE_MINUTES), 'Changes since then are left to their webhook events'),
  );
  top.add('Initialize_cursor', initializeVariable('Cursor', 'string', outputs('Watermark')));
  top.add('Initialize_skip', initializeVariable('Skip', 'integer', 0));
  top.add('Initialize_more_pages', initializeVariable('MorePages', 'boolean', true));
  top.add('Initialize_write_started', initializeVariable(WRITE_STARTED, 'string', ''));
  top.until(
    'Until_every_page_is_read',
    'Pages through the referrals changed since the watermark, oldest first',
    not(variables('MorePages')),
    { count: RECONCILIATION_MAX_PAGES, timeout: 'PT1H' },
    (loop) => {
      loop.add(
        'List_changed_referrals',
        partnerCenter.listReferrals(pc, {
          filter: concat('updatedDateTime ge ', variables('Cursor'), ' and updatedDateTime lt ', outputs('Settled_before')),
          top: RECONCILIATION_PAGE,
          skip: variables('Skip'),
          orderBy: 'updatedDateTime asc',
        }),
      );
      const page = body('List_changed_referrals').get('value');
      loop.foreach('For_each_changed_referral', "Each referral goes through the webhook flow's path, as listed", page, (each) => {
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
          (own) => addInboundSync(own, ctx, flow, { listed: referral }, '_reconciled'),
        );
      });
      // Keyset paging: the next page starts at the last updatedDateTime seen, skipping the referrals of this page
      // that have that very timestamp (already handled); $skip only ever steps over equal timestamps, among which
      // nothing can move.
      const lastSeen = call('last', page).get('updatedDateTime');
      loop.add('Last_seen', compose(call('coalesce', lastSeen, variables('Cursor'))));
      loop.add('Same_timestamp', compose(equals(outputs('Last_seen'), variables('Cursor'))));
      loop.add('At_last_seen', query(page, equals(item().get('updatedDateTime'), outputs('Last_seen'))));
      loop.add(
        'Next_skip',
        compose(call('add', call('if', outputs('Same_timestamp'), variables('Skip'), 0), call('length', body('At_last_seen')))),
      );
      loop.add('Set_skip', setVariable('Skip', outputs('Next_skip')));
      loop.add('Move_cursor', setVariable('Cursor', outputs('Last_seen')));
      loop.add('More_pages', setVariable('MorePages', equals(call('length', page), RECONCILIATION_PAGE)));
    },
  );
  resendUnsentChanges(top, ctx, flow, dv);
  retryFailedCreates(top, ctx, dv);
  resendUnsentSolutions(top, ctx, dv, pc);
  resendUnsentDecisions(top, ctx, dv);
  return flow.toCloudFlow();
}

/**
 * Opportunities matching `condition` modified since the watermark and more than the settle time ago (newer ones
 * are their own triggers' work), oldest first, at most RESEND_LIMIT.
 */
function modifiedSinceWatermark(dv: string, condition: string, select?: string[]): ActionDefinition {
  return dataverse.listRows(dv, {
    entitySet: EntitySet.opportunity,
    ...(select ? { select } : {}),
    filter: concat(`${condition} and modifiedon ge `, outputs('Watermark'), ' and modifiedon lt ', outputs('Settled_before')).at,
    orderBy: 'modifiedon asc',
    top: RESEND_LIMIT,
  });
}

/**
 * An opportunity marked for sync whose referral could not be created (Partner Center down: a create is never
 * retried by the connector, it is not idempotent) is touched the same way: Sync written again as Yes fires
 * "Opportunity to Partner Center", whose create first adopts a referral Partner Center may have made after all.
 * A referral refused by our own checks waits for the seller's correction and is left alone.
 */
function retryFailedCreates(top: Container, ctx: FlowContext, dv: string): void {
  const sync = ctx.column('SyncWithPartnerCenter');
  top.add(
    'List_opportunities_without_their_referral',
    modifiedSinceWatermark(dv, `${sync} eq true and ${ctx.column('ReferralIdentifier')} eq null and statecode eq 0`, [
      'opportunityid',
      ctx.column('Audit'),
    ]),
  );
  const latestAudit = call('first', call('split', call('coalesce', item().get(ctx.column('Audit')), ''), '\n'));
  top.add(
    'Creates_to_retry',
    query(body('List_opportunities_without_their_referral').get('value'), not(call('contains', latestAudit, NOT_CREATED_NEEDS_CORRECTION))),
  );
  top.foreach('For_each_create_to_retry', 'Touch Sync so the create runs again', body('Creates_to_retry'), (each) => {
    each.add(
      'Touch_sync',
      dataverse.updateRow(dv, EntitySet.opportunity, items('For_each_create_to_retry').get('opportunityid'), { [sync]: true }),
    );
  });
}

/**
 * The outbound half: an opportunity whose change never reached Partner Center (the PATCH failed after its
 * retries, Partner Center was down, the outbound flow was off) is found among the synced opportunities modified
 * since the watermark, and "touched": its name is written again unchanged, which fires the outbound flow
 * (Dataverse fires an update trigger for every filtering attribute in the request, even an unchanged one), and
 * that flow sends what differs from the last sync, or the close. A change still failing is tried again each hour:
 * its failure writes Audit, so the opportunity stays modified after the watermark.
 */
function resendUnsentChanges(top: Container, ctx: FlowContext, flow: FlowBuilder, dv: string): void {
  top.add(
    'List_recently_modified_synced_opportunities',
    modifiedSinceWatermark(dv, `${ctx.column('SyncWithPartnerCenter')} eq true and ${ctx.column('ReferralIdentifier')} ne null`),
  );
  const synced = ctx.column('LastSyncedHash');
  const substatus = ctx.column('ReferralSubstatus');
  top.add(
    'Fingerprints',
    select(body('List_recently_modified_synced_opportunities').get('value'), {
      opportunityid: item().get('opportunityid'),
      name: item().get('name'),
      statecode: item().get('statecode'),
      [substatus]: item().get(substatus),
      [synced]: item().get(synced),
      fingerprint: opportunityFingerprint(ctx, flow, item()),
    }),
  );
  top.add('Unsent_changes', query(body('Fingerprints'), not(sentToPartnerCenter(ctx, item(), item().get('fingerprint')))));
  top.foreach('For_each_unsent_change', 'Touch the opportunity so the outbound flow sends its change', body('Unsent_changes'), (each) => {
    const opportunity = items('For_each_unsent_change');
    each.add(
      'Touch_opportunity',
      dataverse.updateRow(dv, EntitySet.opportunity, opportunity.get('opportunityid'), { name: opportunity.get('name') }),
    );
  });
}

/**
 * Solutions whose send never landed: an opportunity with a solution row changed since the watermark whose active
 * rows differ from its Solutions Sent (the solutions flow was off, or its run died), or whose last send failed
 * (Solutions Unsent, which also covers a removed row: a deleted row leaves nothing to list). Each open, synced
 * opportunity among them gets its whole active list sent again. A row deleted while the solutions flow was off
 * leaves no trace to find: it waits for the next change of that opportunity's solutions (README).
 */
function resendUnsentSolutions(top: Container, ctx: FlowContext, dv: string, pc: string): void {
  const lookup = opportunityLookup(ctx);
  top.add(
    'List_recently_changed_solutions',
    dataverse.listRows(dv, {
      entitySet: ctx.solutions.entitySetName,
      select: [lookup],
      filter: concat('modifiedon ge ', outputs('Watermark'), ' and modifiedon lt ', outputs('Settled_before')).at,
      orderBy: 'modifiedon asc',
      top: RESEND_LIMIT,
    }),
  );
  top.add('Opportunities_of_changed_solutions', select(body('List_recently_changed_solutions').get('value'), item().get(lookup)));
  top.add(
    'Failed_solution_sends',
    query(body('List_recently_modified_synced_opportunities').get('value'), equals(item().get(ctx.column('SolutionsUnsent')), true)),
  );
  top.add('Opportunities_of_failed_sends', select(body('Failed_solution_sends'), item().get('opportunityid')));
  top.add(
    'Solution_candidates',
    compose(call('union', body('Opportunities_of_changed_solutions'), body('Opportunities_of_failed_sends')), 'Each opportunity once'),
  );
  top.foreach('For_each_solution_candidate', 'Send the solutions whose send never landed', outputs('Solution_candidates'), (each) => {
    const id = items('For_each_solution_candidate');
    each.add(
      'Get_opportunity_for_solutions',
      dataverse.getRow(dv, EntitySet.opportunity, id, [
        'opportunityid',
        'statecode',
        ctx.column('SyncWithPartnerCenter'),
        ctx.column('ReferralIdentifier'),
        ctx.column('SolutionsSent'),
        ctx.column('SolutionsUnsent'),
        ctx.column('Audit'),
      ]),
    );
    const opportunity = body('Get_opportunity_for_solutions');
    each.add('List_current_solutions', listActiveSolutions(ctx, dv, id));
    each.add('Current_solution_tags', solutionTags(ctx, body('List_current_solutions').get('value')));
    each.condition(
      'If_the_solutions_were_not_sent',
      'Open and synced, and the rows differ from the list last sent, or the last send failed',
      and(
        equals(opportunity.get('statecode'), 0),
        equals(opportunity.get(ctx.column('SyncWithPartnerCenter')), true),
        not(empty(call('coalesce', opportunity.get(ctx.column('ReferralIdentifier')), ''))),
        or(
          equals(opportunity.get(ctx.column('SolutionsUnsent')), true),
          not(equals(solutionsSent(body('Current_solution_tags')), call('coalesce', opportunity.get(ctx.column('SolutionsSent')), ''))),
        ),
      ),
      (send) => sendSolutions(send, ctx, { dv, pc, opportunity }, '_reconciled'),
    );
  });
}

/**
 * A seller's Decision that never reached Partner Center: it differs from Decision Sent, which the decision flow
 * records when the answer lands, when Partner Center refuses it (then both are set back to Partner Center's answer)
 * or already holds it; not when the flow was off, its run died, or Partner Center was unavailable. Writing the
 * Decision again, unchanged, fires the decision flow, which re-reads the referral and sends the answer, or refuses
 * it with Audit (a deal closed meanwhile, an expired referral). Leads have no Decision Sent: a lead's Decision is
 * set back on any failure and not retried.
 */
function resendUnsentDecisions(top: Container, ctx: FlowContext, dv: string): void {
  const decision = ctx.column('Decision');
  top.add(
    'Unsent_decisions',
    query(
      body('List_recently_modified_synced_opportunities').get('value'),
      and(not(equals(item().get(decision), null)), not(equals(item().get(decision), item().get(ctx.column('DecisionSent'))))),
    ),
  );
  top.foreach('For_each_unsent_decision', 'Touch the Decision so the decision flow sends it', body('Unsent_decisions'), (each) => {
    const opportunity = items('For_each_unsent_decision');
    each.add(
      'Touch_decision',
      dataverse.updateRow(dv, EntitySet.opportunity, opportunity.get('opportunityid'), { [decision]: opportunity.get(decision) }),
    );
  });
}
