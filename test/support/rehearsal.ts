import { afterEach } from '@jest/globals';
import { display } from '../../sim/display.js';
import { worldOf } from '../../sim/simulate/run.js';
import { markForSync, sellerOpportunity } from '../../sim/simulate/scenarios.js';
import { Simulation } from '../../sim/simulate/session.js';
import { historyInput } from './history.js';
import { defaultModel } from './model.js';

/**
 * A rehearsal per test, of the packaged flows of the default model (read back from the managed zip), with the
 * webhook registered: `const start = rehearsalPerTest()` at the top of a test file, `const sim = await start()` in a
 * test; each is stopped after its test.
 */
export function rehearsalPerTest(): () => Promise<Simulation> {
  const input = historyInput();
  let running: Simulation | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  return async () => {
    running = await Simulation.start(input);
    await running.runManual('Partner Center Webhook Registration', { text: running.webhookUrl, boolean: true });
    return running;
  };
}

/** The names of the default model's columns and options, as the rehearsal's rows carry them. */
export const defaultWorld = () => worldOf(defaultModel());

/** A seller's opportunity marked for sync, come to rest: its id and the referral the sync created for it. */
export async function sharedDeal(sim: Simulation, name: string): Promise<{ id: string; referralId: string }> {
  const world = defaultWorld();
  const id = sellerOpportunity(sim, world, { name });
  const opportunity = await markForSync(sim, world, id, false);
  return { id, referralId: display(opportunity[world.column('ReferralIdentifier')]) };
}

/** An hour passes, the reconciliation runs, and what it started comes to rest. */
export async function reconcileAfterAnHour(sim: Simulation): Promise<void> {
  sim.clock.advance(60 * 60 * 1000);
  await sim.runScheduled();
  await sim.settle();
}
