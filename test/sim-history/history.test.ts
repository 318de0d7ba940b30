import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { historyArbitrary } from '../../sim/history/generate.js';
import { runHistory } from '../../sim/history/run.js';
import { checkInvariants, type Violation } from '../../sim/history/invariants.js';
import { applyStep, newHistoryState, opportunityOf, type Step } from '../../sim/history/steps.js';
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
  check: (history: {
    apply: (...steps: Step[]) => Promise<void>;
    invariants: () => Violation[];
    sim: Simulation;
    opportunity: (deal: number) => Row;
  }) => Promise<void>,
): Promise<void> {
  const sim = await Simulation.start(input);
  try {
    const world = worldOf(model);
    const state = newHistoryState();
    await sim.runManual('Partner Center Webhook Registration', { text: sim.webhookUrl, boolean: true });
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
    expect(first![0]!.kind).toMatch(/Shares$/);
  });

  test('the checker sees a Partner Center edit whose webhook was lost, and the reconciliation heals it', async () => {
    await inRehearsal(async ({ apply, invariants }) => {
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
    await inRehearsal(async ({ apply, invariants }) => {
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

  test('the checker sees a lost update: both sides agree, on a value the rule does not give', async () => {
    await inRehearsal(async ({ apply, invariants, sim, opportunity }) => {
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

  /**
   * Histories the full mix once failed on (shrunk by fast-check), kept as regressions: each lost an edit through
   * a write made from an old copy of the opportunity (seeds 111, 136, 190 of the full mix before the fixes).
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
  ])('%s: no invariant broken', async (_title, steps) => {
    const result = await runHistory(steps, input);
    expect(result.error).toBeUndefined();
    expect(result.violations).toEqual([]);
  });
});
