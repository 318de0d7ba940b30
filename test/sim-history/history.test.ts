import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { readZip } from '../../core/io/zip.js';
import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { describeFailure, historyArbitrary, runSeed } from '../../sim/history/generate.js';
import { checkInvariants } from '../../sim/history/invariants.js';
import { applyStep, newHistoryState } from '../../sim/history/steps.js';
import { worldOf } from '../../sim/simulate/run.js';
import { Simulation } from '../../sim/simulate/session.js';
import { defaultModel } from '../support/model.js';

/**
 * Seeded random histories over the rehearsal (issue 11): the generator is deterministic per seed, the invariant
 * checker sees a divergence and its healing, and the calm mix (one change at a time, no faults) holds every
 * invariant on every seed CI runs. The full mix (overlapping edits, lost and duplicated webhooks) still finds
 * lost updates: `npm run soak` reports them.
 */
const model = withFlows(defaultModel());
const [zip] = buildPackages(model, ['managed']);
const input = { entries: readZip(zip!.bytes, zip!.fileName), label: zip!.fileName, model };
const CALM_SEEDS = 40;

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
    const sim = await Simulation.start(input);
    try {
      const world = worldOf(model);
      const state = newHistoryState();
      await sim.runManual('Partner Center Webhook Registration', { text: sim.webhookUrl, boolean: true });
      await applyStep(sim, world, state, { kind: 'sellerShares', name: 'Contoso rollout' });
      await applyStep(sim, world, state, { kind: 'dropNextWebhook' });
      await applyStep(sim, world, state, { kind: 'partnerEdits', deal: 0, field: 'notes', value: 'Edited in Partner Center' });
      await applyStep(sim, world, state, { kind: 'settle' });
      expect(checkInvariants(sim, world, state)).toEqual([
        { invariant: 'converged', detail: 'deal 0 notes: Dynamics "Rollout to 5,000 seats", Partner Center "Edited in Partner Center"' },
      ]);
      await applyStep(sim, world, state, { kind: 'reconcile' });
      expect(checkInvariants(sim, world, state)).toEqual([]);
    } finally {
      await sim.stop();
    }
  });

  test(`the calm mix holds every invariant on seeds 1–${CALM_SEEDS}`, async () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= CALM_SEEDS; seed += 1) {
      const outcome = await runSeed(seed, 'calm', input);
      if (!outcome.passed) failures.push(describeFailure(outcome, 'calm'));
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
