import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { readZip } from '../../core/io/zip.js';
import { formatRun } from '../../sim/runtime/format.js';
import { runScenario } from '../../sim/simulate/run.js';
import { SCENARIOS } from '../../sim/simulate/scenarios.js';
import { defaultModel } from '../support/model.js';

/**
 * Every rehearsal scenario, run on the flows read back from the built managed zip, against the two
 * emulators over real HTTP on 127.0.0.1. Each expectation is a contract point of the sync.
 */
const model = withFlows(defaultModel());
const [zip] = buildPackages(model, ['managed']);
const entries = readZip(zip!.bytes, zip!.fileName);

describe('simulate: the seed stories, end to end', () => {
  test.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))('%s', async (_name, scenario) => {
    const result = await runScenario(scenario, { entries, label: zip!.fileName, model });
    const failures = result.expectations.filter((expectation) => !expectation.pass);
    if (!result.passed) {
      const runs = result.runs
        .filter((run) => run.status !== 'Succeeded')
        .map(formatRun)
        .join('\n');
      throw new Error(`${result.error ?? ''}\n${failures.map((f) => `✗ ${f.description}: ${f.actual}`).join('\n')}\n${runs}`);
    }
    expect(result.expectations.length).toBeGreaterThan(0);
  });
});
