import { describe, expect, test } from '@jest/globals';
import { decodeText, encodeText, readZip, type ZipEntry } from '../../core/io/zip.js';
import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { runScenario } from '../../sim/simulate/run.js';
import { SCENARIOS } from '../../sim/simulate/scenarios.js';
import type { Json } from '../support/json.js';
import { defaultModel } from '../support/model.js';

/**
 * The rehearsal fails when a connector-contract violation the flows once had is put back into the built zip,
 * independently of `check`: the emulators' adapters take the published contract (contracts/connectors), and the
 * Partner Center emulator the documented attribute values.
 */
const model = withFlows(defaultModel());
const [zip] = buildPackages(model, ['managed']);

function mutated(flowName: string, change: (actions: Record<string, Json>) => void): ZipEntry[] {
  const flow = model.flows.find((candidate) => candidate.name === flowName)!;
  return readZip(zip!.bytes, zip!.fileName).map((entry) => {
    if (!entry.name.toUpperCase().endsWith(`-${flow.id.toUpperCase()}.JSON`)) return entry;
    const document: Json = JSON.parse(decodeText(entry.data));
    const actions: Record<string, Json> = {};
    const walk = (container: Json): void => {
      for (const [name, action] of Object.entries((container ?? {}) as Record<string, Json>)) {
        actions[name] = action;
        walk(action.actions);
        walk(action.else?.actions);
      }
    };
    walk(document.properties.definition.actions);
    change(actions);
    return { name: entry.name, data: encodeText(JSON.stringify(document)) };
  });
}

const scenario = (name: string) => SCENARIOS.find((candidate) => candidate.name === name)!;
const failed = async (entries: ZipEntry[], name: string): Promise<string[]> => {
  const result = await runScenario(scenario(name), { entries, label: zip!.fileName, model });
  return result.expectations.filter((expectation) => !expectation.pass).map((e) => `${e.description}: ${e.actual ?? ''}`);
};

describe('the rehearsal catches contract violations put back', () => {
  test('[Connector · PatchReferralById] an if-match passed again is dropped by the adapter, and the scenario fails naming it', async () => {
    const entries = mutated('Dynamics 365 to Partner Center', (actions) => {
      actions.Patch_referral.inputs.parameters['if-match'] = "@coalesce(body('Get_opportunity')?['pcs_partnercenteretag'], '*')";
    });
    expect(await failed(entries, 'updates-both-ways')).toEqual([
      'every connector parameter the flows pass is one its connector declares (the platform drops the others): shared_partnercenterref PatchReferralById if-match',
    ]);
  });

  test('[Referrals API · attributes] help sent as option values again: Partner Center refuses the referral', async () => {
    const entries = mutated('Create Co-sell Referral – Dynamics 365 to Partner Center', (actions) => {
      const help = "body('Get_opportunity')?['pcs_howcanmicrosofthelp']";
      actions.Help_requested.inputs = `@json(concat('[{"id":"', replace(${help}, ',', '","type":"HelpType"},{"id":"'), '","type":"HelpType"}]'))`;
    });
    const failures = await failed(entries, 'cosell-referral-created');
    expect(failures[0]).toBe('a referral exists in Partner Center: ');
    expect(failures.join('\n')).toContain('the help asked for travelled as its Partner Center code');
  });

  test('the flows as built pass both', async () => {
    const entries = readZip(zip!.bytes, zip!.fileName);
    expect(await failed(entries, 'updates-both-ways')).toEqual([]);
    expect(await failed(entries, 'cosell-referral-created')).toEqual([]);
  });
});
