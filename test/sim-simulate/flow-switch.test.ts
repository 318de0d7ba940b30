import { afterEach, describe, expect, test } from '@jest/globals';
import { readZip } from '../../core/io/zip.js';
import { Flow } from '../../flows/context.js';
import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { worldOf } from '../../sim/simulate/run.js';
import { Simulation } from '../../sim/simulate/session.js';
import { defaultModel } from '../support/model.js';

/**
 * The Simulation's on/off switch, per trigger kind (sim/runtime/README.md, "Turned off"): a recurrence does not fire
 * while off and fires again once on; a Dataverse row trigger misses the changes made while off (its callback
 * registration is gone) and gets the ones made after; an unknown flow name is refused with the names there are.
 * The HTTP trigger and child flows are in test/sim-runtime/runtime-on-off.test.ts and the issue 11 scenarios.
 */
const model = withFlows(defaultModel());
const [zip] = buildPackages(model, ['managed']);
const entries = readZip(zip!.bytes, zip!.fileName);

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const start = async (): Promise<Simulation> => {
  sim = await Simulation.start({ entries, label: zip!.fileName, model });
  await sim.settle();
  return sim;
};

describe('Simulation.turnOff / turnOn', () => {
  test('a recurrence does not fire while off, and fires again once on', async () => {
    const simulation = await start();
    simulation.turnOff(Flow.Reconciliation.name);
    expect(await simulation.runScheduled()).toEqual([]);
    simulation.turnOn(Flow.Reconciliation.name);
    expect((await simulation.runScheduled()).map((run) => run.flowName)).toEqual([Flow.Reconciliation.name]);
  });

  test('a row trigger misses the changes made while off, for good, and gets the ones made once on', async () => {
    const simulation = await start();
    const runsOf = () => simulation.runs().filter((run) => run.flowName === Flow.SolutionsToPartnerCenter.name).length;
    simulation.turnOff(Flow.SolutionsToPartnerCenter.name, { forMs: 60_000 });
    const world = worldOf(model);
    const { prefix } = world;
    const column = (stem: string): string => world.column(stem);
    const solution = { [column('Name')]: 'Contoso Data Platform', [column('SolutionIdentifier')]: 'SOL-1' };
    simulation.dataverse.userCreate(`${prefix}_partnercentersolutions`, solution);
    await simulation.settle();
    expect(runsOf()).toBe(0);
    expect(simulation.missedRowChanges).toEqual([
      expect.objectContaining({ flowName: Flow.SolutionsToPartnerCenter.name, entity: `${prefix}_partnercentersolution`, message: 1 }),
    ]);
    simulation.clock.advance(60_000);
    expect(simulation.isOn(Flow.SolutionsToPartnerCenter.name)).toBe(true);
    expect(runsOf()).toBe(0);
    simulation.dataverse.userCreate(`${prefix}_partnercentersolutions`, { ...solution, [column('SolutionIdentifier')]: 'SOL-2' });
    await simulation.settle();
    expect(runsOf()).toBe(1);
  });

  test('a timed turnOn does not end a later off period', async () => {
    const simulation = await start();
    simulation.turnOff(Flow.Reconciliation.name, { forMs: 60_000 });
    simulation.turnOn(Flow.Reconciliation.name);
    simulation.turnOff(Flow.Reconciliation.name);
    simulation.clock.advance(120_000);
    expect(simulation.isOn(Flow.Reconciliation.name)).toBe(false);
  });

  test('an unknown flow name is refused, naming the flows there are', async () => {
    const simulation = await start();
    expect(() => simulation.turnOff('Reconciliation')).toThrow(
      /the package has no flow named "Reconciliation"; its flows: .*"Partner Center Reconciliation"/,
    );
    expect(() => simulation.failNextRuns('nope', 1)).toThrow(/no flow named "nope"/);
  });
});
