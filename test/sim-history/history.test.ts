import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { historyArbitrary } from '../../sim/history/generate.js';
import { runHistory } from '../../sim/history/run.js';
import { checkInvariants, type Violation } from '../../sim/history/invariants.js';
import { applyStep, historyEnvironment, newHistoryState, opportunityOf, type Step } from '../../sim/history/steps.js';
import { worldOf } from '../../sim/simulate/run.js';
import type { Row } from '../../sim/simulate/scenarios.js';
import { Simulation } from '../../sim/simulate/session.js';
import { historyInput } from '../support/history.js';

/**
 * Seeded random histories over the rehearsal (issue 11): the generator is deterministic per seed, and the invariant
 * checker sees a divergence and its healing, and a lost update. The seeds CI runs are in seeds-*.test.ts.
 */
const input = historyInput();
const { model } = input;

/**
 * A fresh rehearsal with the webhook registered, in which `check` applies steps (in order) and reads what the
 * invariant checker says, as a history would.
 */
async function inRehearsal(
  setting: Step | undefined,
  check: (history: {
    apply: (...steps: Step[]) => Promise<void>;
    invariants: () => Violation[];
    sim: Simulation;
    opportunity: (deal: number) => Row;
  }) => Promise<void>,
): Promise<void> {
  const world = worldOf(model);
  const sim = await Simulation.start({ ...input, environment: historyEnvironment(world, setting ? [setting] : []) });
  try {
    const state = newHistoryState();
    await sim.runManual('Partner Center Webhook Registration', { text: sim.webhookUrl, boolean: true });
    if (setting) await applyStep(sim, world, state, setting);
    await check({
      sim,
      apply: async (...steps) => {
        for (const step of steps) await applyStep(sim, world, state, step);
      },
      invariants: () => checkInvariants(sim, world, state),
      opportunity: (deal) => opportunityOf(sim, world, state.deals[deal]!)!,
    });
  } finally {
    await sim.stop();
  }
}

describe('seeded histories', () => {
  test('one seed is one history, the same every time', () => {
    const [first] = fc.sample(historyArbitrary('full'), { seed: 42, numRuns: 1 });
    const [again] = fc.sample(historyArbitrary('full'), { seed: 42, numRuns: 1 });
    const [other] = fc.sample(historyArbitrary('full'), { seed: 43, numRuns: 1 });
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first![0]!.kind).toBe('syncOnlyCoSell');
    expect(first![1]!.kind).toMatch(/Shares$|^notCoSellArrives$/);
  });

  test('the checker sees a Partner Center edit whose webhook was lost, and the reconciliation heals it', async () => {
    await inRehearsal(undefined, async ({ apply, invariants }) => {
      await apply(
        { kind: 'sellerShares', name: 'Contoso rollout' },
        { kind: 'dropNextWebhook' },
        { kind: 'partnerEdits', deal: 0, field: 'notes', value: 'Edited in Partner Center' },
        { kind: 'settle' },
      );
      expect(invariants()).toEqual([
        { invariant: 'converged', detail: 'deal 0 notes: Dynamics "Rollout to 5,000 seats", Partner Center "Edited in Partner Center"' },
      ]);
      await apply({ kind: 'reconcile' });
      expect(invariants()).toEqual([]);
    });
  });

  test("the checker sees Microsoft's answer that never reached Dynamics, and the reconciliation heals it", async () => {
    await inRehearsal(undefined, async ({ apply, invariants }) => {
      await apply(
        { kind: 'sellerShares', name: 'Contoso rollout' },
        { kind: 'dropNextWebhook' },
        { kind: 'microsoftResponds', deal: 0, response: 'Accepted' },
        { kind: 'settle' },
      );
      expect(invariants().map((violation) => violation.invariant)).toEqual(['microsoft-side']);
      await apply({ kind: 'reconcile' });
      expect(invariants()).toEqual([]);
    });
  });

  test('the checker sees a deal lost in Dynamics whose close never reached Partner Center (the outbound flow off)', async () => {
    await inRehearsal(undefined, async ({ apply, invariants, sim }) => {
      await apply({ kind: 'sellerShares', name: 'Contoso rollout' });
      sim.turnOff('Dynamics 365 to Partner Center');
      await apply({ kind: 'sellerLoses', deal: 0 }, { kind: 'settle' });
      expect(invariants()).toEqual([
        { invariant: 'terminal', detail: 'deal 0 was lost in Dynamics: referral Active/Accepted, opportunity state 2' },
      ]);
    });
  });

  test('the checker sees a lost update: both sides agree, on a value the rule does not give', async () => {
    await inRehearsal(undefined, async ({ apply, invariants, sim, opportunity }) => {
      await apply(
        { kind: 'sellerShares', name: 'Contoso rollout' },
        { kind: 'sellerEdits', deal: 0, field: 'notes', value: 'Budget approved' },
      );
      // An edit the history does not record stands in for a sync that overwrote the seller's change.
      sim.dataverse.userUpdate('opportunities', String(opportunity(0).opportunityid), { description: 'Overwritten' });
      await apply({ kind: 'settle' });
      expect(invariants()).toEqual([
        { invariant: 'no-lost-update', detail: 'deal 0 notes: the rule gives "Budget approved", both sides hold "Overwritten"' },
      ]);
    });
  });

  test('the checker sees a lead a Partner Center edit did not reach (healed by the reconciliation), and a lead made twice', async () => {
    await inRehearsal({ kind: 'syncOnlyCoSell', on: false }, async ({ apply, invariants, sim }) => {
      await apply({ kind: 'notCoSellArrives', name: 'Contoso rollout' }, { kind: 'settle' });
      expect(invariants()).toEqual([]);
      await apply(
        { kind: 'dropNextWebhook' },
        { kind: 'partnerEdits', deal: 0, field: 'notes', value: 'Needs a demo' },
        { kind: 'settle' },
      );
      expect(invariants()).toEqual([
        {
          invariant: 'lead',
          detail: 'deal 0 notes: the lead holds "Customer needs help deploying Dynamics 365.", the referral\'s latest is "Needs a demo"',
        },
      ]);
      await apply({ kind: 'reconcile' });
      expect(invariants()).toEqual([]);
      // A second lead for the same request, made without the referral's key, stands in for a create that was not an upsert.
      const [lead] = sim.dataverse.rows('leads');
      sim.dataverse.userCreate('leads', { subject: lead!.subject, companyname: lead!.companyname, emailaddress1: lead!.emailaddress1 });
      expect(invariants()).toEqual([
        { invariant: 'no-duplicate-lead', detail: 'lead "Contoso rollout" holds no referral of its own ("")' },
      ]);
    });
  });

  test("the checker sees a referral's customer made twice", async () => {
    await inRehearsal(undefined, async ({ apply, invariants, sim }) => {
      await apply({ kind: 'microsoftShares', name: 'Contoso rollout' }, { kind: 'settle' });
      expect(invariants()).toEqual([]);
      // Copies made by hand stand in for two runs that each found no customer and created one.
      sim.dataverse.userCreate('accounts', { name: 'Fabrikam Customer Inc', address1_postalcode: '98052' });
      sim.dataverse.userCreate('contacts', { lastname: 'Smith', emailaddress1: 'sue.smith@fabrikam.example' });
      expect(invariants()).toEqual([
        { invariant: 'no-duplicate-customer', detail: '2 accounts for Fabrikam Customer Inc 98052' },
        { invariant: 'no-duplicate-customer', detail: '2 contacts for sue.smith@fabrikam.example' },
      ]);
    });
  });

  test('with Sync only co-sell Yes, the checker sees a referral that is not co-sell made into a lead or an opportunity', async () => {
    await inRehearsal({ kind: 'syncOnlyCoSell', on: true }, async ({ apply, invariants, sim }) => {
      await apply({ kind: 'notCoSellArrives', name: 'Contoso rollout' }, { kind: 'settle' });
      expect(invariants()).toEqual([]);
      const [referral] = sim.partnerCenter.referrals();
      const key = worldOf(model).column('ReferralIdentifier');
      sim.dataverse.userCreate('leads', { subject: 'Contoso rollout', [key]: referral!.id });
      sim.dataverse.seed('opportunities', { name: 'Contoso rollout', [key]: referral!.id });
      expect(invariants()).toEqual([
        { invariant: 'lead', detail: `referral ${String(referral!.id)} (notCoSell) became a lead with Sync only co-sell Yes` },
        { invariant: 'lead', detail: `deal 0: an opportunity was made for referral ${String(referral!.id)}, which is not co-sell` },
      ]);
    });
  });

  test('the checker sees a solution removed in Dynamics (while Partner Center is down) that its referral still lists', async () => {
    await inRehearsal(undefined, async ({ apply, invariants }) => {
      await apply(
        { kind: 'sellerShares', name: 'Contoso rollout' },
        { kind: 'sellerChangesSolution', deal: 0, solution: 'SOL-15974-MQF', add: true },
        { kind: 'settle' },
      );
      expect(invariants()).toEqual([]);
      await apply(
        { kind: 'partnerCenterOutage', minutes: 5 },
        { kind: 'sellerChangesSolution', deal: 0, solution: 'SOL-34104-EBB', add: false },
        { kind: 'settle' },
      );
      expect(invariants()).toEqual([
        {
          invariant: 'solutions',
          detail: 'deal 0: the opportunity lists solutions ["SOL-15974-MQF"], its referral ["SOL-15974-MQF","SOL-34104-EBB"]',
        },
      ]);
    });
  });

  /**
   * Seed 191 of the full mix, shrunk by hand: a solution added as Partner Center goes down was never sent (the
   * solutions flow failed without Audit, and the reconciliation did not look at solutions). Fixed: the failure marks
   * Solutions Unsent and the reconciliation sends the list again.
   */
  test('a solution added as Partner Center goes down reaches the referral after the reconciliation (seed 191)', async () => {
    const result = await runHistory(
      [
        { kind: 'microsoftShares', name: 'Contoso rollout' },
        { kind: 'settle' },
        { kind: 'sellerChangesSolution', deal: 0, solution: 'SOL-34104-EBB', add: true },
        { kind: 'partnerCenterOutage', minutes: 4 },
      ],
      input,
    );
    expect(result.violations).toEqual([]);
  });

  /**
   * Histories the full mix once failed on (shrunk by fast-check), kept as regressions: three lost an edit through a
   * write made from an old copy of the opportunity (seeds 111, 136, 190 of the full mix before the fixes); one left a
   * Decision kept for a retry shown on a deal closed meanwhile (seed 159).
   */
  test.each<[string, Step[]]>([
    [
      'two outbound runs record a base older than the inbound write between them (seed 111)',
      [
        { kind: 'microsoftShares', name: 'Contoso rollout' },
        { kind: 'settle' },
        { kind: 'partnerEdits', deal: 0, field: 'name', value: 'Contoso rollout v2' },
        { kind: 'sellerEdits', deal: 0, field: 'notes', value: 'Needs a demo' },
        { kind: 'sellerEdits', deal: 0, field: 'dealValue', value: 1 },
        { kind: 'settle' },
      ],
    ],
    [
      "the ✔ mark after an outage races the inbound write of Partner Center's name (seed 136)",
      [
        { kind: 'microsoftShares', name: 'Contoso rollout' },
        { kind: 'settle' },
        { kind: 'sellerEdits', deal: 0, field: 'notes', value: 'Needs a demo' },
        { kind: 'partnerCenterOutage', minutes: 1 },
        { kind: 'partnerEdits', deal: 0, field: 'name', value: 'Contoso rollout v2' },
      ],
    ],
    [
      'the ✘ mark writes a name read before the outage (seed 190)',
      [
        { kind: 'sellerShares', name: 'Contoso rollout' },
        { kind: 'settle' },
        { kind: 'partnerEdits', deal: 0, field: 'name', value: 'Contoso rollout v2' },
        { kind: 'partnerEdits', deal: 0, field: 'notes', value: 'Needs a demo' },
        { kind: 'partnerCenterOutage', minutes: 4 },
        { kind: 'sellerEdits', deal: 1, field: 'notes', value: 'Needs a demo' },
      ],
    ],
    [
      'an Accept kept through an outage while the seller wins: the decision is refused with Audit, not left shown (seed 159)',
      [
        { kind: 'syncOnlyCoSell', on: true },
        { kind: 'microsoftShares', name: 'Contoso rollout' },
        { kind: 'settle' },
        { kind: 'sellerDecides', deal: 0, decision: 'Accept' },
        { kind: 'sellerWins', deal: 0 },
        { kind: 'sellerEdits', deal: 0, field: 'name', value: 'Contoso rollout v2' },
        { kind: 'partnerCenterOutage', minutes: 4, status: 503 },
        { kind: 'sellerEdits', deal: 0, field: 'name', value: 'Contoso rollout v2' },
        { kind: 'webhooksHeldUp', minutes: 1 },
      ],
    ],
  ])('%s: no invariant broken', async (_title, steps) => {
    const result = await runHistory(steps, input);
    expect(result.error).toBeUndefined();
    expect(result.violations).toEqual([]);
  });
});
