import type { CloudFlow } from '../../solution/model.js';
import { dataverse } from '../connectors.js';
import { EntitySet, flowId, type FlowContext, newFlow } from '../context.js';
import { odataString } from '../mapping.js';
import { knownEvent } from '../known-events.js';
import { compose, httpRequestTrigger, httpResponse, runChildFlow, terminate } from '../wdl/actions.js';
import type { Container, FlowBuilder } from '../wdl/builder.js';
import { and, body, call, concat, equals, type Expr, not, or, outputs, triggerBody } from '../wdl/expr.js';
import { addInboundSync } from './inbound-sync.js';
import { MicrosoftUpdatesInput } from './microsoft-referral-updates.js';

/** The webhook ResourceUri of a referral: a fixed prefix and the referral GUID. */
const REFERRAL_RESOURCE_PREFIX = 'https://api.partnercenter.microsoft.com/engagements/v1/referrals/';
const GUID_LENGTH = 36;
export const ReferralEvent = {
  Created: 'referral-created',
  Updated: 'referral-updated',
  RelatedCreated: 'related-referral-created',
  RelatedUpdated: 'related-referral-updated',
} as const;

/** The Partner Center webhook payload (partner-center §3). */
const WEBHOOK_PAYLOAD_SCHEMA = {
  type: 'object',
  properties: {
    EventName: { type: 'string' },
    ResourceUri: { type: 'string' },
    ResourceName: { type: 'string' },
    AuditUri: { type: ['string', 'null'] },
    ResourceChangeUtcDate: { type: 'string' },
  },
  required: ['EventName', 'ResourceUri'],
};

/**
 * Partner Center to Dynamics 365: receives Partner Center webhook events. The payload carries no
 * referral: the id is taken from ResourceUri after checking its shape, and the referral is re-read.
 * Microsoft's side of a shared referral (related-referral events) goes to its own child flow. The event is
 * answered after it is written (200), or with 500 when that failed, so Partner Center's redelivery heals a failed run.
 */
export function buildPartnerCenterToDynamicsFlow(ctx: FlowContext): CloudFlow {
  const flow = newFlow(
    'PartnerCenterToDynamics',
    'Receives Partner Center referral webhook events and brings the referral into Dynamics 365.',
  );
  flow.trigger('manual', {
    ...httpRequestTrigger(WEBHOOK_PAYLOAD_SCHEMA),
    // One event at a time, the others wait in order: a burst of deliveries for one customer (duplicates, an update
    // arriving with its create) must not run [Customize]'s find-then-create twice at once. A full queue answers 429,
    // and Partner Center delivers again later.
    runtimeConfiguration: { concurrency: { runs: 1, maximumWaitingRuns: 100 } },
  });
  const top = flow.actions;
  const uri = call('coalesce', triggerBody().get('ResourceUri'), '');
  top.add('Referral_id', compose(call('last', call('split', uri, '/')), 'The referral id: the last segment of ResourceUri'));
  const id = outputs('Referral_id');
  const event = triggerBody().get('EventName');
  const known = or(...Object.values(ReferralEvent).map((name) => equals(event, name)));
  const wellFormed = and(
    call('startsWith', call('toLower', uri), REFERRAL_RESOURCE_PREFIX),
    equals(call('length', id), GUID_LENGTH),
    equals(call('length', call('split', id, '-')), 5),
  );
  top.condition(
    'If_the_event_is_a_referral_event',
    'Refuse anything that is not a referral event with a well-formed referral URI',
    and(known, wellFormed),
    (valid) => {
      valid.condition(
        'If_Microsoft_side',
        "related-referral events carry Microsoft's side of a shared referral",
        or(equals(event, ReferralEvent.RelatedCreated), equals(event, ReferralEvent.RelatedUpdated)),
        (related) => {
          related.add('Apply_Microsoft_updates', runChildFlow(flowId('MicrosoftUpdates'), { [MicrosoftUpdatesInput.ReferralId]: id }));
        },
        (own) => skipOurOwnWrites(own, ctx, flow, id),
      );
      // Answered once the event is in Dynamics: a failure answers 500, so Partner Center delivers it again.
      valid.add('Acknowledge_the_event', httpResponse(200, { processed: true }));
      valid.add('Report_the_failure', httpResponse(500, { error: 'the event could not be written to Dynamics 365; deliver it again' }), {
        after: { If_Microsoft_side: ['Failed', 'TimedOut'] },
      });
      valid.add(
        'Fail_the_run',
        terminate('Failed', { code: 'EventNotWritten', message: 'the event could not be written to Dynamics 365' }),
        {
          after: { Report_the_failure: ['Succeeded'] },
        },
      );
    },
    (invalid) => {
      invalid.add('Reject_the_event', httpResponse(400, { error: 'not a referral event with a well-formed ResourceUri' }));
      invalid.add('Stop', terminate('Cancelled'));
    },
  );
  return flow.toCloudFlow();
}

/**
 * An event the sync already knows (its own create or PATCH, or a change it has read: see flows/known-events.ts) is
 * already in Dynamics: no re-read. Anything else, including an event whose date is missing or not a date (the
 * check fails), is read and synced.
 */
function skipOurOwnWrites(own: Container, ctx: FlowContext, flow: FlowBuilder, id: Expr): void {
  const dv = ctx.connection(flow, 'Dataverse');
  const window = ctx.column('LastPartnerCenterWrite');
  const changedOn = ctx.column('PartnerCenterChangedOn');
  const found = own.add(
    'Find_opportunity_of_the_referral',
    dataverse.listRows(dv, {
      entitySet: EntitySet.opportunity,
      top: 1,
      select: ['opportunityid', window, changedOn],
      filter: concat(ctx.column('ReferralIdentifier'), ' eq ', odataString(id)).at,
    }),
  );
  const row = call('first', body(found).get('value'));
  own.add(
    'Event_is_known',
    compose(
      knownEvent(triggerBody().get('ResourceChangeUtcDate'), { window: row.get(window), changedOn: row.get(changedOn) }),
      "The change date inside the opportunity's last write to Partner Center, or not after the change last read",
    ),
  );
  own.condition(
    'If_the_event_may_be_news',
    'Not our own write (or not known to be): re-read the referral',
    not(equals(call('actions', 'Event_is_known').get('outputs'), true)),
    (news) => {
      news.scope('Synchronize_the_lead_or_opportunity', 'Re-read the referral and write it to Dynamics 365', (scope) =>
        addInboundSync(scope, ctx, flow, { referralId: id }),
      );
    },
    (known) => {
      known.add('Already_known', compose(concat('Referral ', id, ': the sync wrote or read this change already')));
    },
    { after: { Event_is_known: ['Succeeded', 'Failed'] } },
  );
}
