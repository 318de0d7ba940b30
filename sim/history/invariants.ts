/**
 * What must hold after any history, once the world has come to rest and a reconciliation has run: nothing
 * duplicated, both sides agree on every shared field, the value both hold is the one the README's rule gives
 * (per field, the only side that changed it, or the seller's on a conflict), and a deal won (lost) stays closed Won (Lost) on
 * both sides; a referral's solutions are its opportunity's; a referral that is not co-sell is one lead holding its
 * latest fields when Sync only co-sell is No, nothing when Yes, and never an opportunity.
 */
import { display } from '../display.js';
import { opportunityByReferral, type Row, type World } from '../simulate/scenarios.js';
import type { Simulation } from '../simulate/session.js';
import {
  comparable,
  expectedValue,
  opportunityOf,
  referralIdOf,
  referralValue,
  SHARED_FIELDS,
  solutionRowsOf,
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
    | 'failure-in-audit'
    | 'lead'
    | 'no-duplicate-lead'
    | 'no-duplicate-customer'
    | 'solutions';
  readonly detail: string;
}

export function checkInvariants(sim: Simulation, world: World, state: HistoryState): Violation[] {
  const violations: Violation[] = [
    ...state.violations,
    ...duplicateViolations(sim, world),
    ...customerViolations(sim, state),
    ...leadViolations(sim, world, state),
  ];
  state.deals.forEach((deal, index) => {
    if (deal.origin === 'notCoSell') return; // leadViolations
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
    const closedState = deal.closed === 'Won' ? 1 : 2;
    if (
      deal.closed &&
      !deal.syncOff &&
      (referral.status !== 'Closed' || referral.substatus !== deal.closed || opportunity.statecode !== closedState)
    ) {
      violations.push({
        invariant: 'terminal',
        detail: `deal ${index} was ${deal.closed.toLowerCase()} in Dynamics: referral ${String(referral.status)}/${String(referral.substatus)}, opportunity state ${String(opportunity.statecode)}`,
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
    // A closed referral takes no more edits: a solution change racing the close is not carried (solutions are not
    // among the fields the close sends).
    const solutions = referral.status === 'Closed' ? undefined : solutionsProblem(sim, world, opportunity, referral);
    if (solutions) violations.push({ invariant: 'solutions', detail: `deal ${index}: ${solutions}` });
    violations.push(...fieldViolations(state, index, opportunity, referral));
  });
  return violations;
}

/** No two opportunities hold one referral; no two referrals name one opportunity. */
function duplicateViolations(sim: Simulation, world: World): Violation[] {
  const violations: Violation[] = [];
  const key = world.column('ReferralIdentifier');
  for (const [id, count] of countBy(sim.dataverse.rows('opportunities').map((row) => row[key]))) {
    if (count > 1) violations.push({ invariant: 'no-duplicate-opportunity', detail: `${count} opportunities hold referral ${id}` });
  }
  for (const [external, count] of countBy(sim.partnerCenter.referrals().map((referral) => referral.externalReferenceId))) {
    if (count > 1) violations.push({ invariant: 'no-duplicate-referral', detail: `${count} referrals for opportunity ${external}` });
  }
  return violations;
}

/**
 * The customers of referrals shared with us (by Microsoft, or not co-sell) are found, else created, once (README: an
 * account on company name + postal code, a contact on email). The history makes other accounts itself, for its
 * sellers' opportunities, so only these customers are counted.
 */
function customerViolations(sim: Simulation, state: HistoryState): Violation[] {
  const violations: Violation[] = [];
  const accounts = countBy(
    sim.dataverse.rows('accounts').map((row) => `${display(row.name ?? '')} ${display(row.address1_postalcode ?? '')}`),
  );
  const contacts = countBy(sim.dataverse.rows('contacts').map((row) => row.emailaddress1));
  const seen = new Set<string>();
  for (const deal of state.deals) {
    const referral = deal.origin === 'seller' || !deal.referralId ? undefined : sim.partnerCenter.referral(deal.referralId);
    const customer = referral?.customerProfile as { name?: string; address?: { postalCode?: string }; team?: Row[] } | undefined;
    if (!customer) continue;
    const account = `${customer.name ?? ''} ${customer.address?.postalCode ?? ''}`;
    const email = display(customer.team?.[0]?.email ?? '');
    if ((accounts.get(account) ?? 0) > 1 && !seen.has(account))
      violations.push({ invariant: 'no-duplicate-customer', detail: `${accounts.get(account)} accounts for ${account}` });
    if ((contacts.get(email) ?? 0) > 1 && !seen.has(email))
      violations.push({ invariant: 'no-duplicate-customer', detail: `${contacts.get(email)} contacts for ${email}` });
    seen.add(account).add(email);
  }
  return violations;
}

/** How many times each non-empty text occurs. */
function countBy(values: readonly unknown[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) if (typeof value === 'string' && value !== '') counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** Both sides hold the same value of every shared field, and it is the value the README's rule gives. */
function fieldViolations(state: HistoryState, index: number, opportunity: Row, referral: Row): Violation[] {
  const violations: Violation[] = [];
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
  return violations;
}

/**
 * Solutions flow one way, from the opportunity's solution rows to the referral (README: "Microsoft Solutions to
 * Partner Center … replaces the referral's solution list"): at rest the referral lists exactly the opportunity's
 * active solutions, by solution id, and the opportunity has one row per solution.
 */
function solutionsProblem(sim: Simulation, world: World, opportunity: Row, referral: Row): string | undefined {
  const rows = solutionRowsOf(sim, world, display(opportunity.opportunityid));
  const ids = rows.map((row) => display(row[world.column('SolutionIdentifier')]));
  const twice = ids.find((id, position) => ids.indexOf(id) !== position);
  if (twice) return `the opportunity has two rows of solution ${twice}`;
  const active = rows.filter((row) => row.statecode === 0).map((row) => display(row[world.column('SolutionIdentifier')]));
  const details = referral.details as { requirements?: { solutions?: Row[] } } | undefined;
  const sent = (details?.requirements?.solutions ?? []).map((solution) => display(solution.id));
  const [inDynamics, inPartnerCenter] = [JSON.stringify(active.sort()), JSON.stringify(sent.sort())];
  return inDynamics === inPartnerCenter ? undefined : `the opportunity lists solutions ${inDynamics}, its referral ${inPartnerCenter}`;
}

/** Dynamics' own lead columns for a referral's name (Topic), deal value (Est. Value) and notes (Description). */
const LEAD_COLUMNS: Record<SharedField, string> = { name: 'subject', dealValue: 'estimatedvalue', notes: 'description' };

/**
 * A referral that is not co-sell becomes one lead, keyed on the referral id, holding the referral's latest mapped
 * fields (README: "one lead per referral, updated by later Partner Center edits") when Sync only co-sell is No;
 * nothing when it is Yes; never an opportunity. The history makes no lead itself, so any other lead is one too many.
 */
function leadViolations(sim: Simulation, world: World, state: HistoryState): Violation[] {
  const violations: Violation[] = [];
  const key = world.column('ReferralIdentifier');
  const leads = sim.dataverse.rows('leads');
  const notCoSell = state.deals.flatMap((deal, index) => (deal.origin === 'notCoSell' ? [{ deal, index }] : []));
  const wanted = new Set(state.syncOnlyCoSell ? [] : notCoSell.map(({ deal }) => deal.referralId));
  for (const lead of leads.filter((row) => !wanted.has(display(row[key] ?? '')))) {
    const held = display(lead[key] ?? '');
    const mine = state.deals.find((deal) => deal.referralId === held);
    violations.push(
      mine
        ? {
            invariant: 'lead',
            detail: `referral ${held} (${mine.origin}) became a lead with Sync only co-sell ${state.syncOnlyCoSell ? 'Yes' : 'No'}`,
          }
        : {
            invariant: 'no-duplicate-lead',
            detail: `lead ${JSON.stringify(lead.subject)} holds no referral of its own (${JSON.stringify(held)})`,
          },
    );
  }
  for (const { deal, index } of notCoSell) {
    const referralId = deal.referralId ?? '';
    if (opportunityByReferral(sim, world, referralId))
      violations.push({
        invariant: 'lead',
        detail: `deal ${index}: an opportunity was made for referral ${referralId}, which is not co-sell`,
      });
    if (!wanted.has(referralId)) continue;
    const held = leads.filter((row) => row[key] === referralId);
    if (held.length !== 1) {
      violations.push({
        invariant: held.length > 1 ? 'no-duplicate-lead' : 'lead',
        detail: `deal ${index}: ${held.length} leads hold referral ${referralId}`,
      });
      continue;
    }
    for (const field of Object.keys(LEAD_COLUMNS) as SharedField[]) {
      const [inLead, latest] = [comparable(field, held[0]![LEAD_COLUMNS[field]]), comparable(field, deal.latest?.[field])];
      if (inLead !== latest)
        violations.push({
          invariant: 'lead',
          detail: `deal ${index} ${field}: the lead holds ${JSON.stringify(inLead)}, the referral's latest is ${JSON.stringify(latest)}`,
        });
    }
  }
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
