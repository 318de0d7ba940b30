/**
 * What must hold after any history, once the world has come to rest and a reconciliation has run: nothing
 * duplicated, both sides agree on every shared field, the value both hold is the one the README's rule gives
 * (per field, the only side that changed it, or the seller's on a conflict), and a deal won stays closed Won on
 * both sides.
 */
import { display } from '../display.js';
import type { World } from '../simulate/scenarios.js';
import type { Simulation } from '../simulate/session.js';
import {
  comparable,
  expectedValue,
  opportunityOf,
  referralIdOf,
  referralValue,
  SHARED_FIELDS,
  type Deal,
  type HistoryState,
  type SharedField,
} from './steps.js';

export interface Violation {
  readonly invariant:
    | 'no-duplicate-opportunity'
    | 'no-duplicate-referral'
    | 'converged'
    | 'no-lost-update'
    | 'synced'
    | 'terminal'
    | 'decided'
    | 'microsoft-side'
    | 'failure-in-audit';
  readonly detail: string;
}

export function checkInvariants(sim: Simulation, world: World, state: HistoryState): Violation[] {
  const violations: Violation[] = [...state.violations];
  const key = world.column('ReferralIdentifier');
  const byReferral = new Map<string, number>();
  for (const row of sim.dataverse.rows('opportunities')) {
    const id = row[key];
    if (typeof id === 'string' && id !== '') byReferral.set(id, (byReferral.get(id) ?? 0) + 1);
  }
  for (const [id, count] of byReferral) {
    if (count > 1) violations.push({ invariant: 'no-duplicate-opportunity', detail: `${count} opportunities hold referral ${id}` });
  }
  const byExternal = new Map<string, number>();
  for (const referral of sim.partnerCenter.referrals()) {
    const external = referral.externalReferenceId;
    if (typeof external === 'string' && external !== '') byExternal.set(external, (byExternal.get(external) ?? 0) + 1);
  }
  for (const [external, count] of byExternal) {
    if (count > 1) violations.push({ invariant: 'no-duplicate-referral', detail: `${count} referrals for opportunity ${external}` });
  }
  state.deals.forEach((deal, index) => {
    if (deal.incomplete) {
      const problem = incompleteDealProblem(sim, world, deal);
      if (problem) violations.push({ invariant: 'failure-in-audit', detail: `deal ${index}: ${problem}` });
      return;
    }
    const referralId = referralIdOf(sim, world, deal);
    const referral = referralId ? sim.partnerCenter.referral(referralId) : undefined;
    const opportunity = opportunityOf(sim, world, deal);
    if (!referral || !opportunity) {
      violations.push({
        invariant: 'synced',
        detail: `deal ${index} (${deal.origin}): ${referral ? 'no opportunity holds its referral' : 'no referral was made for its opportunity'}`,
      });
      return;
    }
    if (deal.won && !deal.syncOff && (referral.status !== 'Closed' || referral.substatus !== 'Won' || opportunity.statecode !== 1)) {
      violations.push({
        invariant: 'terminal',
        detail: `deal ${index} was won in Dynamics: referral ${String(referral.status)}/${String(referral.substatus)}, opportunity state ${String(opportunity.statecode)}`,
      });
    }
    const decided = decisionViolation(world, deal, referral, opportunity);
    if (decided) violations.push({ invariant: 'decided', detail: `deal ${index}: ${decided}` });
    if (deal.microsoftCrmId && opportunity[world.column('MicrosoftCrmIdentifier')] !== deal.microsoftCrmId) {
      violations.push({
        invariant: 'microsoft-side',
        detail: `deal ${index}: Microsoft answered with CRM id ${deal.microsoftCrmId}, the opportunity holds ${JSON.stringify(opportunity[world.column('MicrosoftCrmIdentifier')])}`,
      });
    }
    if (deal.syncOff) return; // the seller made it private: nothing flows, so nothing need agree
    for (const field of Object.keys(SHARED_FIELDS) as SharedField[]) {
      const inDynamics = comparable(field, opportunity[SHARED_FIELDS[field].dynamics]);
      const inPartnerCenter = comparable(field, referralValue(referral, field));
      if (inDynamics !== inPartnerCenter) {
        violations.push({
          invariant: 'converged',
          detail: `deal ${index} ${field}: Dynamics ${JSON.stringify(inDynamics)}, Partner Center ${JSON.stringify(inPartnerCenter)}`,
        });
        continue;
      }
      const expected = expectedValue(state.pending.get(`${index}:${field}`));
      if (expected !== undefined && comparable(field, expected) !== inDynamics) {
        violations.push({
          invariant: 'no-lost-update',
          detail: `deal ${index} ${field}: the rule gives ${JSON.stringify(expected)}, both sides hold ${JSON.stringify(inDynamics)}`,
        });
      }
    }
  });
  return violations;
}

/**
 * The seller's answer and Partner Center agree at rest: the opportunity's Decision is the answer Partner Center holds
 * (Accept for Accepted, or for a deal won or lost after it was accepted; Decline for Declined; none otherwise). An
 * answer that did not land (Partner Center down past the retries, the deal closed first) was told in Audit.
 */
function decisionViolation(
  world: World,
  deal: Deal,
  referral: Record<string, unknown>,
  opportunity: Record<string, unknown>,
): string | undefined {
  if (!deal.decision) return undefined;
  const state = `${String(referral.status)}/${String(referral.substatus)}`;
  const held =
    referral.substatus === 'Declined'
      ? 'Decline'
      : referral.substatus === 'Accepted' || (referral.status === 'Closed' && Boolean(referral.acceptedDateTime))
        ? 'Accept'
        : undefined;
  const shown = opportunity[world.column('Decision')];
  if (shown !== (held === undefined ? null : world.option('referraldecision', held)))
    return `the opportunity's Decision is ${JSON.stringify(shown)} while the referral is ${state}`;
  if (held !== deal.decision && !display(opportunity[world.column('Audit')] ?? '').includes('Decision not sent'))
    return `the seller's ${deal.decision} left the referral ${state} and Audit does not say so`;
  return undefined;
}

/** The Audit line of a referral our own checks refused (flows/definitions/create-cosell-referral.ts writes it). */
const NEEDS_CORRECTION = 'the opportunity needs a correction';

/**
 * A deal Partner Center would refuse: no referral, and Audit tells the seller once what to correct (not again every
 * hour: only the seller can fix it).
 */
function incompleteDealProblem(sim: Simulation, world: World, deal: Deal): string | undefined {
  const opportunity = deal.opportunityId ? sim.dataverse.row('opportunities', deal.opportunityId) : undefined;
  if (!opportunity) return 'its opportunity is gone';
  if (opportunity[world.column('ReferralIdentifier')]) return 'a referral was made for an opportunity Partner Center would refuse';
  const audit = typeof opportunity[world.column('Audit')] === 'string' ? (opportunity[world.column('Audit')] as string) : '';
  const lines = audit.split('\n').filter((line) => line.includes(NEEDS_CORRECTION));
  if (lines.length === 0) return `Audit does not tell the seller what to correct: ${JSON.stringify(audit.slice(0, 200))}`;
  if (lines.length > 1) return `Audit tells the seller ${lines.length} times what to correct (tried again without a change)`;
  return undefined;
}
