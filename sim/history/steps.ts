/**
 * A sync history as data: what sellers, partner users, Microsoft and the network do, step by step. A history is
 * plain JSON, so a failing one can be printed, replayed and shrunk. `applyStep` performs one step on a running
 * simulation through the emulators' public hooks only.
 */
import { display } from '../display.js';
import { markForSync, opportunityByReferral, sellerOpportunity, type Row, type World } from '../simulate/scenarios.js';
import type { Simulation } from '../simulate/session.js';

/** The fields both sides edit, as each side names them. */
export const SHARED_FIELDS = {
  name: { dynamics: 'name', partnerCenter: '/name' },
  dealValue: { dynamics: 'estimatedvalue', partnerCenter: '/details/dealValue' },
  notes: { dynamics: 'description', partnerCenter: '/details/notes' },
} as const;
export type SharedField = keyof typeof SHARED_FIELDS;

export type Step =
  /** A seller creates an opportunity and marks it for sync: the sync creates its referral. */
  | { kind: 'sellerShares'; name: string }
  /** A Microsoft seller shares a co-sell referral with the partner. */
  | { kind: 'microsoftShares'; name: string }
  /** A seller edits a synced opportunity (deal = index among the deals so far, modulo their number). */
  | { kind: 'sellerEdits'; deal: number; field: SharedField; value: string | number }
  /** A partner user edits the referral in Partner Center. */
  | { kind: 'partnerEdits'; deal: number; field: SharedField; value: string | number }
  /** The next webhook delivery is lost. */
  | { kind: 'dropNextWebhook' }
  /** The next webhook delivery arrives twice. */
  | { kind: 'duplicateNextWebhook' }
  /** Everything in flight comes to rest (without it, the next steps overlap the runs still going). */
  | { kind: 'settle' }
  /** An hour passes and the reconciliation runs. */
  | { kind: 'reconcile' };

/** One deal the history made: its opportunity (once known) and its referral. */
export interface Deal {
  readonly origin: 'seller' | 'microsoft';
  opportunityId?: string;
  referralId?: string;
}

/** What the history has made so far, and the last value each side was asked to hold, per deal and field. */
export interface HistoryState {
  readonly deals: Deal[];
  /** `${deal}:${field}` → the value of the latest edit on either side (the value both sides must end with). */
  readonly lastEdit: Map<string, string | number>;
}

export const newHistoryState = (): HistoryState => ({ deals: [], lastEdit: new Map() });

const dealOf = (state: HistoryState, index: number): Deal | undefined =>
  state.deals.length === 0 ? undefined : state.deals[index % state.deals.length];

/** The opportunity of a deal, found again by its referral when the history did not see it made. */
export function opportunityOf(sim: Simulation, world: World, deal: Deal): Row | undefined {
  if (deal.opportunityId) return sim.dataverse.row('opportunities', deal.opportunityId);
  const found = deal.referralId ? opportunityByReferral(sim, world, deal.referralId) : undefined;
  if (found) deal.opportunityId = display(found.opportunityid);
  return found;
}

export async function applyStep(sim: Simulation, world: World, state: HistoryState, step: Step): Promise<void> {
  switch (step.kind) {
    case 'sellerShares': {
      const id = sellerOpportunity(sim, world, { name: step.name });
      const opportunity = await markForSync(sim, world, id, false);
      const referralId = opportunity[world.column('ReferralIdentifier')];
      state.deals.push({ origin: 'seller', opportunityId: id, ...(referralId ? { referralId: display(referralId) } : {}) });
      return;
    }
    case 'microsoftShares': {
      const referral = sim.partnerCenter.shareReferralFromMicrosoft({ name: step.name });
      state.deals.push({ origin: 'microsoft', referralId: display(referral.id) });
      return;
    }
    case 'sellerEdits': {
      const index = state.deals.length === 0 ? -1 : step.deal % state.deals.length;
      const deal = dealOf(state, step.deal);
      const opportunity = deal && opportunityOf(sim, world, deal);
      if (!deal || !opportunity || !deal.referralId) return;
      sim.dataverse.userUpdate('opportunities', display(opportunity.opportunityid), { [SHARED_FIELDS[step.field].dynamics]: step.value });
      state.lastEdit.set(`${index}:${step.field}`, step.value);
      return;
    }
    case 'partnerEdits': {
      const index = state.deals.length === 0 ? -1 : step.deal % state.deals.length;
      const deal = dealOf(state, step.deal);
      if (!deal?.referralId) return;
      try {
        sim.partnerCenter.editAsPartnerUser(deal.referralId, [
          { op: 'replace', path: SHARED_FIELDS[step.field].partnerCenter, value: step.value },
        ]);
      } catch {
        return; // Partner Center refused the edit (a closed referral): nothing changed, nothing to expect.
      }
      state.lastEdit.set(`${index}:${step.field}`, step.value);
      return;
    }
    case 'dropNextWebhook':
      sim.partnerCenter.faults.dropDeliveries(1);
      return;
    case 'duplicateNextWebhook':
      sim.partnerCenter.faults.duplicateDeliveries(1);
      return;
    case 'settle':
      await sim.settle();
      return;
    case 'reconcile':
      await sim.settle();
      sim.clock.advance(60 * 60 * 1000);
      await sim.runScheduled();
      return;
  }
}

/** How a step reads in a printed history. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'sellerShares':
    case 'microsoftShares':
      return `${step.kind} "${step.name}"`;
    case 'sellerEdits':
    case 'partnerEdits':
      return `${step.kind} deal ${step.deal}: ${step.field} = ${JSON.stringify(step.value)}`;
    default:
      return step.kind;
  }
}
