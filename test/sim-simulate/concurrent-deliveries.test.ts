import { describe, expect, test } from '@jest/globals';
import { decodeText, encodeText, readZip, type ZipEntry } from '../../core/io/zip.js';
import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { runScenario } from '../../sim/simulate/run.js';
import { SCENARIOS } from '../../sim/simulate/scenarios.js';
import type { Json } from '../support/json.js';
import { defaultModel } from '../support/model.js';

/**
 * Partner Center delivers at least once and concurrently (sim/partner-center/CONTRACT.md, "Event delivery"), and the
 * runtime honours trigger concurrency: the webhook flow is safe only because its trigger lets one run go at a time.
 * Put back without it, the rehearsal catches the race.
 */
const model = withFlows(defaultModel());
const [zip] = buildPackages(model, ['managed']);
const WEBHOOK_FLOW = 'Partner Center to Dynamics 365';

function withoutTriggerConcurrency(): ZipEntry[] {
  const flow = model.flows.find((candidate) => candidate.name === WEBHOOK_FLOW)!;
  return readZip(zip!.bytes, zip!.fileName).map((entry) => {
    if (!entry.name.toUpperCase().endsWith(`-${flow.id.toUpperCase()}.JSON`)) return entry;
    const document: Json = JSON.parse(decodeText(entry.data));
    for (const trigger of Object.values(document.properties.definition.triggers as Record<string, Json>))
      delete trigger.runtimeConfiguration;
    return { name: entry.name, data: encodeText(JSON.stringify(document)) };
  });
}

/** Failed expectations and runs that did not succeed. */
const failures = async (entries: readonly ZipEntry[], name: string): Promise<string[]> => {
  const result = await runScenario(
    SCENARIOS.find((scenario) => scenario.name === name)!,
    { entries, label: zip!.fileName, model },
  );
  return [
    ...result.expectations.filter((expectation) => !expectation.pass).map((expectation) => expectation.description),
    ...result.runs.filter((run) => run.status !== 'Succeeded').map((run) => `${run.flowName} ${run.status}`),
  ];
};

describe('concurrent webhook deliveries against the webhook flow', () => {
  test.each(['duplicate-webhooks-at-once', 'same-customer-webhooks-at-once'])(
    '[Event delivery · concurrent] %s passes with the trigger concurrency and fails without it',
    async (name) => {
      expect(await failures(readZip(zip!.bytes, zip!.fileName), name)).toEqual([]);
      expect((await failures(withoutTriggerConcurrency(), name)).length).toBeGreaterThan(0);
    },
  );
});
