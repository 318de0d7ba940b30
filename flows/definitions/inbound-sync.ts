import { partnerCenter, dataverse } from '../connectors.js';
import { EntitySet, flowId, type FlowContext } from '../context.js';
import { choiceOf, mapChoiceToOption, odataString, OPPORTUNITY_STATE, TERMINAL_SUBSTATUSES } from '../mapping.js';
import {
  lastSyncedValues,
  optionValue,
  referralFieldNormalised,
  referralFingerprint,
  referralValueOf,
  rowFieldNormalised,
  sharedFields,
  SYNC_BASE_PROPERTY,
  withAuditLine,
} from '../sync-expressions.js';
import { compose, query, runChildFlow } from '../wdl/actions.js';
import type { Container, FlowBuilder } from '../wdl/builder.js';
import { and, body, call, concat, empty, equals, item, not, or, outputs, type Expr } from '../wdl/expr.js';
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
      // Closed on either side: a terminal sub-status recorded, or won or lost in Dynamics (whose close sends every
      // field to Partner Center as the seller's last word, so a Partner Center edit racing it is not taken in).
      const terminal = or(
        ...TERMINAL_SUBSTATUSES.map((key) => equals(row.get(ctx.column('ReferralSubstatus')), optionValue(substatus, key))),
        equals(row.get('statecode'), OPPORTUNITY_STATE.Won),
        equals(row.get('statecode'), OPPORTUNITY_STATE.Lost),
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
          const { merged, conflicts } = mergeUnsentChanges(write, ctx, flow, referral, row, name);
          write.add(
            name('Create_or_update_records'),
            runChildFlow(flowId('CreateOrGetDetails'), {
              [CreateOrGetDetailsInput.ReferralJson]: call('string', merged),
              [CreateOrGetDetailsInput.RecordType]: call('if', isCoSell, RecordType.Opportunity, RecordType.Lead),
            }),
          );
          auditConflicts(write, ctx, dv, row, conflicts, name);
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
 * Three-way merge, field by field, with the last synced values (the opportunity's fingerprint) as the base. A
 * field only Partner Center changed since the last sync takes Partner Center's value; a field the seller changed
 * keeps the seller's value, whether or not Partner Center changed it too (a conflict: Dynamics 365 wins, see
 * the README's "Keys, conflicts, retries"), so the outcome does not depend on which run reaches which side
 * first. The referral handed to [Customize] carries Partner Center's own fingerprint, so the write it makes leaves the seller's
 * fields unsent, and the outbound flow it triggers sends them. A new opportunity takes every field from the
 * referral. Returns the merged referral and, per shared field, whether it was a conflict with different values.
 */
function mergeUnsentChanges(
  container: Container,
  ctx: FlowContext,
  flow: FlowBuilder,
  referral: Expr,
  row: Expr,
  name: (base: string) => string,
): { merged: Expr; conflicts: Expr[] } {
  const last = lastSyncedValues(ctx, row);
  let merged = referral;
  const conflicts: Expr[] = [];
  sharedFields(ctx.model).forEach((field, index) => {
    const sellers = rowFieldNormalised(ctx, flow, row, field);
    const partnerCenters = referralFieldNormalised(ctx, referral, field);
    const sellerChanged = and(not(empty(row)), not(equals(sellers, last.get(index))));
    const action = container.add(
      name(`Merge_${field.key}`),
      compose(
        call('if', sellerChanged, withValueAt(merged, field.path, referralValueOf(ctx, flow, row, field)), merged),
        `The seller's unsent ${field.key} wins over Partner Center's`,
      ),
    );
    merged = outputs(action);
    const conflict = container.add(
      name(`Conflict_${field.key}`),
      compose(
        call(
          'if',
          and(sellerChanged, not(equals(partnerCenters, last.get(index))), not(equals(sellers, partnerCenters))),
          concat(field.key, ' "', partnerCenters, '"'),
          null,
        ),
        `Partner Center's ${field.key} when both sides changed it since the last sync`,
      ),
    );
    conflicts.push(outputs(conflict));
  });
  return { merged: call('setProperty', merged, SYNC_BASE_PROPERTY, referralFingerprint(ctx, referral)), conflicts };
}

/**
 * A conflict is not an error, but the Partner Center value the seller's change replaces would otherwise vanish
 * without a trace: it goes to Audit, once, by the run that saw both values.
 */
function auditConflicts(
  container: Container,
  ctx: FlowContext,
  dv: string,
  row: Expr,
  conflicts: Expr[],
  name: (base: string) => string,
): void {
  const found = container.add(name('Conflicts'), query(call('createArray', ...conflicts), not(equals(item(), null))));
  container.condition(
    name('If_both_sides_changed_a_field'),
    'Both sides changed a field since the last sync: the seller wins, the replaced Partner Center value goes to Audit',
    not(empty(body(found))),
    (conflict) => {
      conflict.add(
        name('Audit_conflicts'),
        dataverse.updateRow(dv, EntitySet.opportunity, row.get('opportunityid'), {
          [ctx.column('Audit')]: withAuditLine(
            ctx,
            row,
            " Changed on both sides since the last sync; the seller's value is kept and sent to Partner Center, which had: ",
            call('join', body(found), ', '),
          ),
        }),
      );
    },
  );
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
