/**
 * A sync history as data: what sellers, partner users, Microsoft and the network do, step by step. A history is
 * plain JSON, so a failing one can be printed, replayed and shrunk. `applyStep` performs one step on a running
 * simulation through the emulators' public hooks only.
 */
import { Flow } from '../../flows/context.js';
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

/** Partner Center solutions a seller picks from (the first is the one every seller's opportunity starts with). */
export const SOLUTIONS = {
  'SOL-34104-EBB': 'Contoso Copilot Accelerator',
  'SOL-15974-MQF': 'Contoso Data Platform',
  'SOL-52210-KRT': 'Fabrikam Secure Workplace',
} as const;
export type SolutionId = keyof typeof SOLUTIONS;

/**
 * Flows a history may turn off for a while: those whose missed work the sync heals (Partner Center's redelivery, the
 * reconciliation). Not the lead decision flow: a lead's Decision missed while it is off is not retried (README,
 * "Solutions and decisions").
 */
export const SWITCHABLE_FLOWS = [
  Flow.PartnerCenterToDynamics.name,
  Flow.DynamicsToPartnerCenter.name,
  Flow.OpportunityToPartnerCenter.name,
  Flow.CreateOrGetDetails.name,
  Flow.Reconciliation.name,
  Flow.SolutionsToPartnerCenter.name,
  Flow.ReferralDecision.name,
] as const;
export type SwitchableFlow = (typeof SWITCHABLE_FLOWS)[number];

export type Step =
  /**
   * The environment's "Sync only co-sell opportunities" for the whole history: a history's first step, as the
   * rehearsal starts with it (`historyEnvironment`). No makes referrals that are not co-sell leads.
   */
  | { kind: 'syncOnlyCoSell'; on: boolean }
  /** A customer or partner user creates a referral that is not co-sell (type Independent) in Partner Center. */
  | { kind: 'notCoSellArrives'; name: string }
  /** A seller adds a Partner Center solution to a synced opportunity, or removes it (deactivates its row). */
  | { kind: 'sellerChangesSolution'; deal: number; solution: SolutionId; add: boolean }
  /** A seller creates an opportunity and marks it for sync: the sync creates its referral. */
  | { kind: 'sellerShares'; name: string }
  /** A seller marks for sync an opportunity Partner Center would refuse (its account has no country): Audit must say so. */
  | { kind: 'sellerSharesIncomplete'; name: string }
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
  /** Partner Center's API answers 503 for a while, asking for a retry in 30 s (the connector's retries run out first). */
  | { kind: 'partnerCenterOutage'; minutes: number; status?: 429 | 503 }
  /** Partner Center's next API call is carried out (a write commits) but answers 504, as a gateway time-out would. */
  | { kind: 'partnerCenterCommitThenFail' }
  /** Dataverse throttles every Web API request for a while (429, Retry-After: the seconds left, as its service protection says). */
  | { kind: 'dataverseThrottled'; seconds: number }
  /** Partner Center holds its webhooks for a while (its dispatcher is down): they go out when it ends. */
  | { kind: 'webhooksHeldUp'; minutes: number }
  /** The next webhooks due together go out in reverse order. */
  | { kind: 'webhooksOutOfOrder' }
  /** From now on, webhooks due together go out at once, not one by one. */
  | { kind: 'webhooksConcurrent' }
  /** The next Dataverse Web API request is carried out (its write commits) but answers 503. */
  | { kind: 'dataverseCommitThenFail' }
  /** A maker turns a flow off; it is on again when the minutes have passed, or at the next rest, whichever is first. */
  | { kind: 'flowTurnedOff'; flow: SwitchableFlow; minutes: number }
  /** The next runs of the [Customize] child flow fail (a maker's change gone wrong). */
  | { kind: 'childFlowFails'; runs: number }
  /** A seller switches Sync with Partner Center off (the deal goes private) or back on. */
  | { kind: 'sellerSwitchesSync'; deal: number; on: boolean }
  /** Microsoft's seller answers a referral we shared, with a CRM id. */
  | { kind: 'microsoftResponds'; deal: number; response: 'Accepted' | 'Declined' }
  /** A seller closes a deal as Won. */
  | { kind: 'sellerWins'; deal: number }
  /** A seller closes a deal as Lost. */
  | { kind: 'sellerLoses'; deal: number }
  /** A seller accepts or declines (reason Others) a referral Microsoft shared, from the opportunity (issue 14). */
  | { kind: 'sellerDecides'; deal: number; decision: 'Accept' | 'Decline' }
  /** Everything in flight comes to rest (without it, the next steps overlap the runs still going). */
  | { kind: 'settle' }
  /** An hour passes and the reconciliation runs. */
  | { kind: 'reconcile' };

/** One deal the history made: its opportunity (once known) and its referral. */
export interface Deal {
  /** `notCoSell`: a referral that is not co-sell; it becomes a lead (Sync only co-sell = No) or nothing, never an opportunity. */
  readonly origin: 'seller' | 'microsoft' | 'notCoSell';
  /** A referral that is not co-sell: its mapped fields as the history last set them in Partner Center. */
  latest?: Partial<Record<SharedField, unknown>>;
  /** Closed as Won by the seller. */
  closed?: 'Won' | 'Lost';
  /** Marked for sync while incomplete: no referral may be made, and Audit must tell the seller what to correct. */
  incomplete?: boolean;
  /** Sync with Partner Center switched off by the seller: nothing flows either way until it is on again. */
  syncOff?: boolean;
  /** The CRM id Microsoft's answer carried (a deal we shared). */
  microsoftCrmId?: string;
  /** The seller's answer to a referral shared with us (only ever one: the step answers a New referral). */
  decision?: 'Accept' | 'Decline';
  opportunityId?: string;
  referralId?: string;
}

/** The edits of one deal's field made since both sides last held the same value, per side (the latest of each). */
export interface PendingEdits {
  seller?: string | number;
  partner?: string | number;
}

/** What the history has made so far, and the edits not yet seen on both sides, per deal and field. */
export interface HistoryState {
  /** The environment's "Sync only co-sell opportunities" (the package's default, Yes, unless the history says). */
  syncOnlyCoSell: boolean;
  readonly deals: Deal[];
  /** `${deal}:${field}` → the edits made since the field was last equal on both sides. */
  readonly pending: Map<string, PendingEdits>;
  /** Lost updates seen at a rest point (the sides agreed on a value no rule allows). */
  readonly violations: Array<{ invariant: 'no-lost-update'; detail: string }>;
}

export const newHistoryState = (): HistoryState => ({ syncOnlyCoSell: true, deals: [], pending: new Map(), violations: [] });

/** The environment variables a history's rehearsal starts with (schema names), from its `syncOnlyCoSell` step. */
export function historyEnvironment(world: World, steps: readonly Step[]): Record<string, unknown> {
  const setting = steps.find((step) => step.kind === 'syncOnlyCoSell');
  return setting ? { [`${world.prefix}_SyncOnlyCoSell`]: setting.on } : {};
}

const pendingOf = (state: HistoryState, key: string): PendingEdits => {
  const found = state.pending.get(key);
  if (found) return found;
  const created: PendingEdits = {};
  state.pending.set(key, created);
  return created;
};

const dealOf = (state: HistoryState, index: number): Deal | undefined =>
  state.deals.length === 0 ? undefined : state.deals[index % state.deals.length];

/** The referral of a deal, read from its opportunity when the history did not see it made (a create retried later). */
export function referralIdOf(sim: Simulation, world: World, deal: Deal): string | undefined {
  if (!deal.referralId && deal.opportunityId) {
    const id = sim.dataverse.row('opportunities', deal.opportunityId)?.[world.column('ReferralIdentifier')];
    if (typeof id === 'string' && id !== '') deal.referralId = id;
  }
  return deal.referralId;
}

/** The opportunity of a deal, found again by its referral when the history did not see it made. */
export function opportunityOf(sim: Simulation, world: World, deal: Deal): Row | undefined {
  if (deal.origin === 'notCoSell') return undefined; // the rules give it none (the invariants look for one made anyway)
  if (deal.opportunityId) return sim.dataverse.row('opportunities', deal.opportunityId);
  const found = deal.referralId ? opportunityByReferral(sim, world, deal.referralId) : undefined;
  if (found) deal.opportunityId = display(found.opportunityid);
  return found;
}

type FaultStep = Extract<
  Step,
  {
    kind:
      | 'partnerCenterOutage'
      | 'partnerCenterCommitThenFail'
      | 'dataverseThrottled'
      | 'webhooksHeldUp'
      | 'webhooksOutOfOrder'
      | 'webhooksConcurrent'
      | 'dataverseCommitThenFail'
      | 'dropNextWebhook'
      | 'duplicateNextWebhook'
      | 'flowTurnedOff'
      | 'childFlowFails';
  }
>;

/** Every flow a history turned off is on again (a rest ends an off period). */
const turnFlowsOn = (sim: Simulation): void => {
  for (const flow of SWITCHABLE_FLOWS) sim.turnOn(flow);
};

/**
 * The maker undoes what the history did to the flows, before the final reconciliation: they are on, and [Customize]
 * runs again. Otherwise an armed child failure would fail that one pass, which the next hour would heal.
 */
export function endFlowFaults(sim: Simulation): void {
  turnFlowsOn(sim);
  sim.failNextRuns(Flow.CreateOrGetDetails.name, 0);
}

/** A network or service fault, set on the emulators. */
function applyFault(sim: Simulation, step: FaultStep): void {
  switch (step.kind) {
    case 'partnerCenterOutage':
      sim.partnerCenter.faults.outage({ durationMs: step.minutes * 60_000, retryAfterSeconds: 30, status: step.status ?? 503 });
      return;
    case 'partnerCenterCommitThenFail':
      sim.partnerCenter.faults.add({ afterCommit: true, status: 504, times: 1 });
      return;
    case 'dataverseThrottled':
      sim.dataverse.faults.throttle({ forMs: step.seconds * 1000, retryAfterSeconds: step.seconds });
      return;
    case 'webhooksHeldUp':
      sim.partnerCenter.faults.deliveryOutage({ durationMs: step.minutes * 60_000 });
      return;
    case 'webhooksOutOfOrder':
      sim.partnerCenter.faults.deliverOutOfOrder(1);
      return;
    case 'webhooksConcurrent':
      sim.partnerCenter.faults.deliveries({ order: 'concurrent' });
      return;
    case 'dataverseCommitThenFail':
      sim.dataverse.faults.serverError({ afterCommit: true, times: 1 });
      return;
    case 'dropNextWebhook':
      sim.partnerCenter.faults.dropDeliveries(1);
      return;
    case 'duplicateNextWebhook':
      sim.partnerCenter.faults.duplicateDeliveries(1);
      return;
    case 'flowTurnedOff':
      sim.turnOff(step.flow, { forMs: step.minutes * 60_000 });
      return;
    case 'childFlowFails':
      sim.failNextRuns(Flow.CreateOrGetDetails.name, step.runs);
      return;
  }
}

export async function applyStep(sim: Simulation, world: World, state: HistoryState, step: Step): Promise<void> {
  switch (step.kind) {
    case 'partnerCenterOutage':
    case 'partnerCenterCommitThenFail':
    case 'dataverseThrottled':
    case 'webhooksHeldUp':
    case 'webhooksOutOfOrder':
    case 'webhooksConcurrent':
    case 'dataverseCommitThenFail':
    case 'dropNextWebhook':
    case 'duplicateNextWebhook':
    case 'flowTurnedOff':
    case 'childFlowFails':
      applyFault(sim, step);
      return;
    case 'syncOnlyCoSell':
      // The rehearsal started with it (historyEnvironment): later, it would not say what the flows run with.
      if (state.deals.length > 0) throw new Error('syncOnlyCoSell must come before the history makes any deal');
      state.syncOnlyCoSell = step.on;
      return;
    case 'notCoSellArrives': {
      const referral = sim.partnerCenter.shareReferralFromMicrosoft({ name: step.name, type: 'Independent' });
      const latest = Object.fromEntries(
        (Object.keys(SHARED_FIELDS) as SharedField[]).map((field) => [field, referralValue(referral, field)]),
      );
      state.deals.push({ origin: 'notCoSell', referralId: display(referral.id), latest });
      return;
    }
    case 'sellerChangesSolution':
      sellerChangesSolution(sim, world, state, step);
      return;
    case 'sellerShares': {
      const id = sellerOpportunity(sim, world, { name: step.name });
      const opportunity = await markForSync(sim, world, id, false);
      const referralId = opportunity[world.column('ReferralIdentifier')];
      state.deals.push({ origin: 'seller', opportunityId: id, ...(referralId ? { referralId: display(referralId) } : {}) });
      observeAgreement(sim, world, state); // marking for sync lets the world come to rest
      return;
    }
    case 'sellerSharesIncomplete': {
      const id = sellerOpportunity(sim, world, { name: step.name, country: null });
      await markForSync(sim, world, id, false);
      state.deals.push({ origin: 'seller', opportunityId: id, incomplete: true });
      observeAgreement(sim, world, state);
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
      if (!deal || deal.decision === 'Decline' || !opportunity || !referralIdOf(sim, world, deal)) return;
      const column = SHARED_FIELDS[step.field].dynamics;
      // A form sends only the columns that changed: saving the value a field already has is no edit.
      if (sameValue(step.field, opportunity[column], step.value)) return;
      try {
        sim.dataverse.userUpdate('opportunities', display(opportunity.opportunityid), { [column]: step.value });
      } catch {
        return; // the form is read-only (a closed opportunity): nothing changed, nothing to expect.
      }
      pendingOf(state, `${index}:${step.field}`).seller = step.value;
      return;
    }
    case 'partnerEdits': {
      const index = state.deals.length === 0 ? -1 : step.deal % state.deals.length;
      const deal = dealOf(state, step.deal);
      const referralId = deal && deal.decision !== 'Decline' ? referralIdOf(sim, world, deal) : undefined;
      if (!referralId) return;
      if (sameValue(step.field, referralValue(sim.partnerCenter.referral(referralId), step.field), step.value)) return;
      try {
        sim.partnerCenter.editAsPartnerUser(referralId, [
          { op: 'replace', path: SHARED_FIELDS[step.field].partnerCenter, value: step.value },
        ]);
      } catch {
        return; // Partner Center refused the edit (a closed referral): nothing changed, nothing to expect.
      }
      // A referral that is not co-sell flows one way (to its lead): the latest edit is what the lead must hold.
      if (deal?.latest) deal.latest[step.field] = step.value;
      else pendingOf(state, `${index}:${step.field}`).partner = step.value;
      return;
    }
    case 'sellerSwitchesSync': {
      const deal = dealOf(state, step.deal);
      const opportunity = deal && opportunityOf(sim, world, deal);
      if (!deal || !opportunity || !referralIdOf(sim, world, deal) || opportunity.statecode !== 0 || !deal.syncOff === step.on) return;
      sim.dataverse.userUpdate('opportunities', display(opportunity.opportunityid), { [world.column('SyncWithPartnerCenter')]: step.on });
      deal.syncOff = !step.on;
      return;
    }
    case 'microsoftResponds': {
      const deal = dealOf(state, step.deal);
      const referralId = deal?.origin === 'seller' ? referralIdOf(sim, world, deal) : undefined;
      if (!deal || !referralId || deal.microsoftCrmId) return;
      const crmId = `7-MSX${String(state.deals.indexOf(deal)).padStart(4, '0')}`;
      try {
        sim.partnerCenter.microsoftResponds(referralId, step.response, { crmId });
      } catch {
        return; // Partner Center refused the answer (our referral is closed): nothing to expect.
      }
      deal.microsoftCrmId = crmId;
      return;
    }
    case 'sellerWins':
    case 'sellerLoses':
      sellerCloses(sim, world, state, step.deal, step.kind === 'sellerWins' ? 'Won' : 'Lost');
      return;
    case 'sellerDecides':
      sellerDecides(sim, world, state, step);
      return;
    case 'settle':
      await sim.settle();
      turnFlowsOn(sim);
      observeAgreement(sim, world, state);
      return;
    case 'reconcile':
      await sim.settle();
      sim.clock.advance(60 * 60 * 1000);
      await sim.runScheduled();
      await sim.settle();
      observeAgreement(sim, world, state);
      return;
  }
}

/**
 * The seller answers a referral shared with us while it waits (New), once, with no edit of the deal in flight: a
 * decline ends the referral, so an edit racing it could never reach Partner Center. The decision flow does the rest.
 */
function sellerDecides(sim: Simulation, world: World, state: HistoryState, step: Extract<Step, { kind: 'sellerDecides' }>): void {
  const index = state.deals.length === 0 ? -1 : step.deal % state.deals.length;
  const deal = dealOf(state, step.deal);
  const opportunity = deal && opportunityOf(sim, world, deal);
  const referralId = deal && referralIdOf(sim, world, deal);
  const referral = referralId ? sim.partnerCenter.referral(referralId) : undefined;
  // The decision flow watches synced opportunities only: a private one (Sync off) sends no answer.
  if (!deal || deal.origin !== 'microsoft' || deal.decision || deal.syncOff || !opportunity || referral?.status !== 'New') return;
  if ([...state.pending.keys()].some((key) => key.startsWith(`${index}:`))) return;
  sim.dataverse.userUpdate('opportunities', display(opportunity.opportunityid), {
    [world.column('Decision')]: world.option('referraldecision', step.decision),
    ...(step.decision === 'Decline' ? { [world.column('DeclineReason')]: world.option('declinereason', 'Others') } : {}),
  });
  deal.decision = step.decision;
}

/** A seller closes an open, synced deal as Won or Lost in Dynamics. */
function sellerCloses(sim: Simulation, world: World, state: HistoryState, dealIndex: number, outcome: 'Won' | 'Lost'): void {
  const deal = dealOf(state, dealIndex);
  const opportunity = deal && opportunityOf(sim, world, deal);
  if (!deal || deal.decision === 'Decline' || !referralIdOf(sim, world, deal) || !opportunity || opportunity.statecode !== 0) return;
  const id = display(opportunity.opportunityid);
  if (outcome === 'Won') sim.dataverse.userWin(id);
  else sim.dataverse.userLose(id);
  deal.closed = outcome;
  // The README's rule: closing sends every shared field as Dynamics holds it (the seller's last word).
  const index = dealIndex % state.deals.length;
  for (const field of Object.keys(SHARED_FIELDS) as SharedField[]) {
    const value = opportunity[SHARED_FIELDS[field].dynamics];
    pendingOf(state, `${index}:${field}`).seller = typeof value === 'number' ? value : display(value ?? '');
  }
}

/** The Partner Center solution rows of an opportunity (active and inactive), as the subgrid lists them. */
export function solutionRowsOf(sim: Simulation, world: World, opportunityId: string): Row[] {
  const lookup = `_${world.column('Opportunity')}_value`;
  return sim.dataverse.rows(`${world.prefix}_partnercentersolutions`).filter((row) => row[lookup] === opportunityId);
}

/**
 * The seller adds a solution in the opportunity's subgrid (reactivating its row when it was removed before: the
 * table's key is opportunity + solution) or removes one (deactivates its row), on an open, synced opportunity whose
 * referral is open. The last solution is not removed: Partner Center needs one on a co-sell referral.
 */
function sellerChangesSolution(
  sim: Simulation,
  world: World,
  state: HistoryState,
  step: Extract<Step, { kind: 'sellerChangesSolution' }>,
): void {
  const deal = dealOf(state, step.deal);
  const opportunity = deal && !deal.incomplete && !deal.syncOff ? opportunityOf(sim, world, deal) : undefined;
  const referralId = deal && opportunity ? referralIdOf(sim, world, deal) : undefined;
  if (!opportunity || !referralId || opportunity.statecode !== 0 || sim.partnerCenter.referral(referralId)?.status === 'Closed') return;
  const opportunityId = display(opportunity.opportunityid);
  const rows = solutionRowsOf(sim, world, opportunityId);
  const row = rows.find((candidate) => candidate[world.column('SolutionIdentifier')] === step.solution);
  const table = `${world.prefix}_partnercentersolutions`;
  const rowId = row ? display(row[`${world.prefix}_partnercentersolutionid`]) : '';
  if (step.add) {
    if (!row) {
      sim.dataverse.userCreate(table, {
        [world.column('Name')]: SOLUTIONS[step.solution],
        [world.column('SolutionIdentifier')]: step.solution,
        [`${world.prefix}_Opportunity@odata.bind`]: `/opportunities(${opportunityId})`,
      });
    } else if (row.statecode !== 0) sim.dataverse.userUpdate(table, rowId, { statecode: 0, statuscode: 1 });
    return;
  }
  const active = rows.filter((candidate) => candidate.statecode === 0);
  if (row?.statecode === 0 && active.length > 1) sim.dataverse.userUpdate(table, rowId, { statecode: 1, statuscode: 2 });
}

/** How a step reads in a printed history. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'sellerShares':
    case 'sellerSharesIncomplete':
    case 'microsoftShares':
    case 'notCoSellArrives':
      return `${step.kind} "${step.name}"`;
    case 'syncOnlyCoSell':
      return `${step.kind}: ${step.on ? 'Yes' : 'No'}`;
    case 'sellerChangesSolution':
      return `${step.kind} deal ${step.deal}: ${step.add ? 'add' : 'remove'} ${step.solution}`;
    case 'sellerEdits':
    case 'partnerEdits':
      return `${step.kind} deal ${step.deal}: ${step.field} = ${JSON.stringify(step.value)}`;
    case 'partnerCenterOutage':
      return `${step.kind} (${step.status ?? 503}) for ${step.minutes} min`;
    case 'dataverseThrottled':
      return `${step.kind} for ${step.seconds} s`;
    case 'webhooksHeldUp':
      return `${step.kind} for ${step.minutes} min`;
    case 'flowTurnedOff':
      return `${step.kind} "${step.flow}" for ${step.minutes} min`;
    case 'childFlowFails':
      return `${step.kind}: the next ${step.runs} runs of [Customize]`;
    case 'microsoftResponds':
      return `${step.kind} deal ${step.deal}: ${step.response}`;
    case 'sellerSwitchesSync':
      return `${step.kind} deal ${step.deal}: ${step.on ? 'on' : 'off'}`;
    case 'sellerWins':
    case 'sellerLoses':
      return `${step.kind} deal ${step.deal}`;
    case 'sellerDecides':
      return `${step.kind} deal ${step.deal}: ${step.decision}`;
    default:
      return step.kind;
  }
}

const CHECK_MARKS = /^[✔✘] /;

/** A field's value as both sides are compared: names without our mark, numbers to cents, empty text as null. */
export function comparable(field: SharedField, value: unknown): string | number | null {
  if (value === undefined || value === null || value === '') return null;
  if (field === 'dealValue') return Math.round(Number(value) * 100) / 100;
  const text = display(value);
  return field === 'name' ? text.replace(CHECK_MARKS, '') : text;
}

const sameValue = (field: SharedField, current: unknown, value: unknown): boolean =>
  comparable(field, current) === comparable(field, value);

/** A shared field of a referral, read at its Partner Center path. */
export const referralValue = (referral: Row | undefined, field: SharedField): unknown => {
  const path = SHARED_FIELDS[field].partnerCenter.split('/').slice(1);
  return path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Row)[key] : undefined), referral);
};

/**
 * The README's rule, per field: an edit made on one side only is what both sides end with; when both sides
 * changed the field since they last agreed (a conflict), the seller's value wins.
 */
export const expectedValue = (pending: PendingEdits | undefined): string | number | undefined => pending?.seller ?? pending?.partner;

/**
 * At a rest point, a field both sides hold equally is synced: its value must be the one the rule expects, and its
 * pending edits are settled. A field the sides still disagree on stays pending (a lost webhook waits for the
 * reconciliation; the final check reports it if it never converges).
 */
export function observeAgreement(sim: Simulation, world: World, state: HistoryState): void {
  state.deals.forEach((deal, index) => {
    if (deal.syncOff) return; // private: the sides may differ until Sync is on again
    const referralId = referralIdOf(sim, world, deal);
    const referral = referralId ? sim.partnerCenter.referral(referralId) : undefined;
    const opportunity = opportunityOf(sim, world, deal);
    if (!referral || !opportunity) return;
    for (const field of Object.keys(SHARED_FIELDS) as SharedField[]) {
      const key = `${index}:${field}`;
      const inDynamics = comparable(field, opportunity[SHARED_FIELDS[field].dynamics]);
      if (inDynamics !== comparable(field, referralValue(referral, field))) continue;
      const expected = expectedValue(state.pending.get(key));
      if (expected !== undefined && comparable(field, expected) !== inDynamics) {
        state.violations.push({
          invariant: 'no-lost-update',
          detail: `deal ${index} ${field}: the rule gives ${JSON.stringify(expected)}, both sides hold ${JSON.stringify(inDynamics)}`,
        });
      }
      state.pending.delete(key);
    }
  });
}
