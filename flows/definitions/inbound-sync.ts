import { partnerCenter, dataverse } from '../connectors.js';
import { EntitySet, flowId, type FlowContext } from '../context.js';
import { choiceOf, mapChoiceToOption, odataString, TERMINAL_SUBSTATUSES } from '../mapping.js';
import {
  lastSyncedValues,
  optionValue,
  referralFieldNormalised,
  referralFingerprint,
  referralValueOf,
  rowFieldNormalised,
  sharedFields,
  SYNC_BASE_PROPERTY,
} from '../sync-expressions.js';
import { compose, runChildFlow } from '../wdl/actions.js';
import type { Container, FlowBuilder } from '../wdl/builder.js';
import { and, body, call, concat, empty, equals, not, or, outputs, type Expr } from '../wdl/expr.js';
import { CreateOrGetDetailsInput, RecordType } from './create-or-get-details.js';

/** Partner Center's referral type of a co-sell (shared) referral. */
const SHARED = 'Shared';
/** The direction of a referral the partner created (ours: Create Co-sell Referral sets externalReferenceId). */
const OUTGOING = 'Outgoing';

/**
 * The inbound path both the webhook flow and the reconciliation run for one referral id: re-read the
 * referral (never trust a payload), keep co-sell referrals (others become leads when "Sync only co-sell"
 * is No), leave opportunities in a terminal state alone, skip when nothing mapped changed, and hand the
 * referral to the [Customize] flow that writes Dynamics. `suffix` keeps action names unique. A referral the
 * reconciliation has just listed from Partner Center is used as it is (no second read).
 */
export function addInboundSync(
  container: Container,
  ctx: FlowContext,
  flow: FlowBuilder,
  source: { readonly referralId: Expr } | { readonly listed: Expr },
  suffix = '',
): void {
  const dv = ctx.connection(flow, 'Dataverse');
  const syncOnlyCoSell = ctx.environmentVariable(flow, 'SyncOnlyCoSell');
  const name = (base: string): string => `${base}${suffix}`;
  const referral = 'listed' in source ? source.listed : readReferral(container, ctx, flow, source.referralId, name);
  const isCoSell = equals(referral.get('type'), SHARED);
  container.condition(
    name('If_referral_is_wanted'),
    'Co-sell referrals always; other referrals only when Sync only co-sell opportunities is No',
    or(isCoSell, not(syncOnlyCoSell)),
    (wanted) => {
      claimOurOwnReferral(wanted, ctx, dv, referral, name);
      const existing = wanted.add(
        name('Find_synced_opportunity'),
        dataverse.listRows(dv, {
          entitySet: EntitySet.opportunity,
          top: 1,
          filter: concat(ctx.column('ReferralIdentifier'), ' eq ', odataString(referral.get('id'))).at,
        }),
      );
      const row = call('first', body(existing).get('value'));
      const substatus = choiceOf(ctx.model, 'ReferralSubstatus');
      const terminal = or(
        ...TERMINAL_SUBSTATUSES.map((key) => equals(row.get(ctx.column('ReferralSubstatus')), optionValue(substatus, key))),
      );
      const unchanged = and(
        equals(row.get(ctx.column('LastSyncedHash')), referralFingerprint(ctx, referral)),
        equals(row.get(ctx.column('ReferralSubstatus')), mapChoiceToOption(substatus, referral.get('substatus'))),
      );
      // A seller who switched Sync off keeps the opportunity private: Partner Center edits no longer reach it.
      const syncSwitchedOff = equals(row.get(ctx.column('SyncWithPartnerCenter')), false);
      wanted.condition(
        name('If_dynamics_needs_the_change'),
        'Skip opportunities already closed (terminal sub-status), with Sync switched off, or whose mapped fields are unchanged',
        or(empty(body(existing).get('value')), and(not(terminal), not(syncSwitchedOff), not(unchanged))),
        (write) => {
          const merged = mergeUnsentChanges(write, ctx, flow, referral, row, name);
          write.add(
            name('Create_or_update_records'),
            runChildFlow(flowId('CreateOrGetDetails'), {
              [CreateOrGetDetailsInput.ReferralJson]: call('string', merged),
              [CreateOrGetDetailsInput.RecordType]: call('if', isCoSell, RecordType.Opportunity, RecordType.Lead),
            }),
          );
        },
        (skip) => {
          skip.add(name('Nothing_to_write'), compose(concat('Referral ', referral.get('id'), ' needs no change in Dynamics 365')));
        },
      );
    },
    (skip) => {
      skip.add(
        name('Not_a_co_sell_referral'),
        compose(concat('Referral ', referral.get('id'), ' is not co-sell; Sync only co-sell opportunities is Yes')),
      );
    },
  );
}

/**
 * A referral this sync created carries its opportunity's id as externalReferenceId. When its event arrives
 * before the id was written back (the create's answer was lost, or is still on its way), the opportunity
 * has no Referral Identifier yet: write it there first, so the upsert by that key updates the opportunity
 * instead of creating a second one. Only an outgoing referral whose externalReferenceId has a GUID's shape
 * is looked up (any other text would not be a valid OData GUID literal).
 */
function claimOurOwnReferral(container: Container, ctx: FlowContext, dv: string, referral: Expr, name: (base: string) => string): void {
  const external = call('coalesce', referral.get('externalReferenceId'), '');
  const looksOurs = and(
    equals(referral.get('direction'), OUTGOING),
    equals(call('length', external), 36),
    equals(call('length', call('split', external, '-')), 5),
  );
  container.condition(
    name('If_we_created_the_referral'),
    'An outgoing referral whose externalReferenceId is an opportunity id',
    looksOurs,
    (ours) => {
      const found = ours.add(
        name('Find_opportunity_we_shared'),
        dataverse.listRows(dv, {
          entitySet: EntitySet.opportunity,
          top: 1,
          select: ['opportunityid'],
          filter: concat('opportunityid eq ', external, ` and ${ctx.column('ReferralIdentifier')} eq null`).at,
        }),
      );
      ours.condition(
        name('If_its_id_is_not_written_back_yet'),
        'The create has not recorded the referral on the opportunity',
        not(empty(body(found).get('value'))),
        (claim) => {
          claim.add(
            name('Claim_the_referral'),
            dataverse.updateRow(dv, EntitySet.opportunity, call('first', body(found).get('value')).get('opportunityid'), {
              [ctx.column('ReferralIdentifier')]: referral.get('id'),
            }),
          );
        },
      );
    },
  );
}

/** `object` with the value at a nested path replaced (missing objects on the way are created). */
function withValueAt(object: Expr, path: readonly string[], value: Expr): Expr {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  const inner = rest.length === 0 ? value : withValueAt(call('coalesce', object.get(head), call('json', '{}')), rest, value);
  return call('setProperty', object, head, inner);
}

/**
 * Three-way merge, field by field, with the last synced values (the opportunity's fingerprint) as the base: a
 * field Partner Center has not changed since the last sync but the seller has (a change that could not be sent,
 * Partner Center being down) keeps the seller's value, so a Partner Center edit of another field does not undo
 * it. The referral handed to [Customize] carries Partner Center's own fingerprint, so the write it makes still
 * leaves those fields unsent, and the outbound flow it triggers sends them. A new opportunity takes every field
 * from the referral.
 */
function mergeUnsentChanges(
  container: Container,
  ctx: FlowContext,
  flow: FlowBuilder,
  referral: Expr,
  row: Expr,
  name: (base: string) => string,
): Expr {
  const last = lastSyncedValues(ctx, row);
  let merged = referral;
  sharedFields().forEach((field, index) => {
    const keepSellers = and(
      not(empty(row)),
      equals(referralFieldNormalised(ctx, referral, field), last.get(index)),
      not(equals(rowFieldNormalised(ctx, flow, row, field), last.get(index))),
    );
    const action = container.add(
      name(`Merge_${field.key}`),
      compose(
        call('if', keepSellers, withValueAt(merged, field.path, referralValueOf(ctx, flow, row, field)), merged),
        `The seller's unsent ${field.key} when Partner Center did not change it since the last sync`,
      ),
    );
    merged = outputs(action);
  });
  return call('setProperty', merged, SYNC_BASE_PROPERTY, referralFingerprint(ctx, referral));
}

/** Re-reads the referral by id: a webhook event carries none, and its payload is never trusted. */
function readReferral(container: Container, ctx: FlowContext, flow: FlowBuilder, id: Expr, name: (base: string) => string): Expr {
  const pc = ctx.connection(flow, 'PartnerCenterReferrals');
  const action = container.add(name('Get_referral'), {
    ...partnerCenter.getReferral(pc, id),
    description: 'Re-reads the referral by id: the event payload carries none',
  });
  return body(action);
}
