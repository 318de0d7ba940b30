import { readZip } from '../../core/io/zip.js';
import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { describeFailure, runSeed, type HistoryMix } from '../../sim/history/generate.js';
import type { HistoryInput } from '../../sim/history/run.js';
import { defaultModel } from './model.js';

/** The packaged flows of the default model, as the seeded histories run them (read back from the managed zip). */
export function historyInput(): HistoryInput {
  const model = withFlows(defaultModel());
  const [zip] = buildPackages(model, ['managed']);
  return { entries: readZip(zip!.bytes, zip!.fileName), label: zip!.fileName, model };
}

/** Runs seeds `from`…`from + count - 1` of a mix; returns the report of each failing seed (replay command, shrunk history). */
export async function failingSeeds(mix: HistoryMix, from: number, count: number, input: HistoryInput): Promise<string[]> {
  const failures: string[] = [];
  for (let seed = from; seed < from + count; seed += 1) {
    const outcome = await runSeed(seed, mix, input);
    if (!outcome.passed) failures.push(describeFailure(outcome, mix));
  }
  return failures;
}
