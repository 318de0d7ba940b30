/**
 * Runs one history on a fresh simulation (both emulators, the packaged flows), lets it come to rest, runs one
 * reconciliation pass, and checks the invariants.
 */
import type { ZipEntry } from '../../core/io/zip.js';
import type { SolutionModel } from '../../solution/model.js';
import { worldOf } from '../simulate/run.js';
import { Simulation } from '../simulate/session.js';
import { checkInvariants, type Violation } from './invariants.js';
import { applyStep, endFlowFaults, historyEnvironment, newHistoryState, type Step } from './steps.js';

export interface HistoryInput {
  readonly entries: readonly ZipEntry[];
  readonly label: string;
  readonly model: SolutionModel;
}

export interface HistoryResult {
  readonly violations: Violation[];
  /** A crash of the rehearsal itself (a trigger loop, a runtime error), reported as a violation too. */
  readonly error?: string;
  readonly partnerCenterCalls: number;
  readonly virtualMs: number;
}

export async function runHistory(steps: readonly Step[], input: HistoryInput): Promise<HistoryResult> {
  const world = worldOf(input.model);
  const sim = await Simulation.start({ ...input, environment: historyEnvironment(world, steps) });
  const started = sim.clock.now().getTime();
  const state = newHistoryState();
  let error: string | undefined;
  let violations: Violation[] = [];
  try {
    await sim.runManual('Partner Center Webhook Registration', { text: sim.webhookUrl, boolean: true });
    for (const step of steps) await applyStep(sim, world, state, step);
    endFlowFaults(sim);
    await applyStep(sim, world, state, { kind: 'reconcile' });
    await sim.settle();
    violations = checkInvariants(sim, world, state);
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
  } finally {
    await sim.stop();
  }
  return {
    violations,
    ...(error !== undefined ? { error } : {}),
    partnerCenterCalls: sim.partnerCenter.calls.length,
    virtualMs: sim.clock.now().getTime() - started,
  };
}
