/**
 * status and unmanaged layers: our flows, forms and env var definitions that a maker edited, read from the solution
 * layers (msdyn_componentlayers, CONTRACT.md section L [L15]–[L17]) of the Dataverse emulator over HTTP, and the
 * conflicts with our next version (packaging/diff against the installed version).
 */
import { readZip } from '../../core/io/zip.js';
import { loadPackage } from '../../core/package/reader.js';
import { LAYER_WARNING, type LayerInput, type PackageComponents } from '../../deploy/layers.js';
import { deploy } from '../../deploy/sequence.js';
import { validateSettings } from '../../deploy/settings.js';
import { formatStatus, readStatus } from '../../deploy/status.js';
import { readComponents } from '../../packaging/diff/components.js';
import type { DataverseEmulator } from '../../sim/dataverse/emulator.js';
import { CUSTOMIZE_FLOW_ID, editCustomizeFlow, ourZip, zipBytes } from '../diff/helpers.js';
import { builtPackage, builtZip, clientOf, filledSettings, requestLines, startEnvironment } from './support.js';

const pkg = builtPackage();
let dv: DataverseEmulator;
let clock: Awaited<ReturnType<typeof startEnvironment>>['clock'];

beforeEach(async () => {
  ({ dv, clock } = await startEnvironment());
  const { api, sleep } = clientOf(dv, clock);
  await deploy({ api, pkg, settings: validateSettings(filledSettings(pkg), pkg, 'staging.json'), sleep });
});
afterEach(() => dv.stop());

const componentsOf = (bytes: Uint8Array, label: string): PackageComponents => {
  const solution = loadPackage(readZip(bytes, label), label);
  return { label, version: solution.manifest!.version!, components: readComponents(solution) };
};
const installedVersion = componentsOf(builtZip(), 'CoSellSync_1_0_0_0_managed.zip');
/** Our next version: 1.0.0.5 with one more action in the [Customize] flow, or (`changed` false) the same flows. */
const nextVersion = (changed: boolean): PackageComponents => {
  const entries = ourZip((config) => void (config.solution.version = '1.0.0.5'));
  const edited = changed
    ? editCustomizeFlow(entries, (actions) => {
        actions.Our_new_step = { type: 'Compose', inputs: 'ours', runAfter: {} };
      })
    : entries;
  return componentsOf(zipBytes(edited), 'CoSellSync_1_0_0_5_managed.zip');
};
const layerInput = (next?: PackageComponents, bases = [installedVersion]): LayerInput => ({
  ours: installedVersion.components,
  bases,
  ...(next ? { next } : {}),
});
const status = (layers: LayerInput) => readStatus(clientOf(dv, clock).api, 'staging', pkg.uniqueName, 'pcs', pkg.sha256, pkg, layers);
const ourComponentCount =
  pkg.flows.length + [...installedVersion.components.values()].filter((c) => c.kind === 'form').length + pkg.envVars.length;

test('[L16] no customisation: none listed, one layer query per flow, form and env var definition, with both filters', async () => {
  const before = dv.calls.length;
  const result = await status(layerInput(nextVersion(true)));
  expect(result.customisations).toEqual({ checked: ourComponentCount, customised: [], warning: LAYER_WARNING });
  expect(result.healthy).toBe(true);
  const layerQueries = requestLines(dv)
    .slice(before)
    .filter((line) => line.startsWith('GET msdyn_componentlayers'));
  expect(layerQueries).toHaveLength(ourComponentCount);
  expect(layerQueries).toContain(
    `GET msdyn_componentlayers?$select=msdyn_solutionname,msdyn_order&$filter=msdyn_componentid eq '${CUSTOMIZE_FLOW_ID}' and msdyn_solutioncomponentname eq 'Workflow'`,
  );
  expect(formatStatus([result])).toContain(
    `layers     no unmanaged layer on our ${ourComponentCount} flows, forms and env var definitions`,
  );
});

test('[L17] after an edit of the [Customize] flow in the maker portal it is listed, with the warning; healthy is unaffected', async () => {
  dv.alm.customize(CUSTOMIZE_FLOW_ID, { clientdata: '{"edited":true}' });
  const result = await status(layerInput());
  expect(result.healthy).toBe(true);
  expect(result.customisations!.customised).toEqual([
    expect.objectContaining({ kind: 'flow', id: CUSTOMIZE_FLOW_ID, layers: ['CoSellSync', 'Active'] }),
  ]);
  expect(result.customisations!.customised[0]!.name).toMatch(/\[Customize\] Create or Get Details/);
  expect(result.customisations!.customised[0]).not.toHaveProperty('conflict');
  expect(result.customisations!.conflictsUnknown).toMatch(/--zip/);
  const text = formatStatus([result]);
  expect(text).toMatch(/ {2}customised flow "\[Customize\] Create or Get Details[^"]*" has an unmanaged \(Active\) layer\n/);
  expect(text).toContain(LAYER_WARNING);
});

test('with our next version changing that flow it is a CONFLICT; a next version that leaves it alone is not', async () => {
  dv.alm.customize(CUSTOMIZE_FLOW_ID, { clientdata: '{"edited":true}' });
  const result = await status(layerInput(nextVersion(true)));
  const conflicting = result.customisations!;
  expect(conflicting.next).toEqual({ label: 'CoSellSync_1_0_0_5_managed.zip', version: '1.0.0.5' });
  expect(conflicting.customised).toEqual([expect.objectContaining({ conflict: true, ourChanges: ['added action Our_new_step'] })]);
  expect(formatStatus([result])).toMatch(
    /CONFLICT {3}flow "\[Customize\] Create or Get Details[^"]*" has an unmanaged \(Active\) layer; 1\.0\.0\.5 changes it: added action Our_new_step/,
  );

  const untouched = await status(layerInput(nextVersion(false)));
  expect(untouched.customisations!.customised).toEqual([expect.objectContaining({ conflict: false, ourChanges: [] })]);
  expect(formatStatus([untouched])).toContain('CoSellSync_1_0_0_5_managed.zip changes none of them');
});

test('the installed version unknown: conflicts are not guessed, and the fix names --base', async () => {
  dv.alm.customize(CUSTOMIZE_FLOW_ID, {});
  const other = { ...installedVersion, label: 'built', version: '1.0.0.3' };
  const result = (await status(layerInput(nextVersion(true), [other]))).customisations!;
  expect(result.customised[0]).not.toHaveProperty('conflict');
  expect(result.conflictsUnknown).toMatch(
    /installed version 1\.0\.0\.0, and no zip of it is known \(built is 1\.0\.0\.3\): pass it with --base <zip>/,
  );
});

test('env var definitions and forms are layered too, by the ids the environment and the zip give them', async () => {
  const definition = [...dv.alm.envVarDefinitions.values()][0]!;
  const form = [...installedVersion.components.values()].find((component) => component.kind === 'form')!;
  const formId = /\{(.*)\}/.exec(form.key)![1]!;
  dv.alm.customize(String(definition.environmentvariabledefinitionid), { defaultvalue: 'edited' });
  dv.alm.customize(formId, { formxml: '<form/>' });
  const customised = (await status(layerInput())).customisations!.customised;
  expect(customised.map((component) => [component.kind, component.id]).sort()).toEqual(
    [
      ['env var', String(definition.environmentvariabledefinitionid)],
      ['form', formId],
    ].sort(),
  );
});

test('an upgrade leaves the unmanaged layer on top of the new managed one', async () => {
  dv.alm.customize(CUSTOMIZE_FLOW_ID, {});
  const next = builtPackage('1.0.0.5');
  const { api, sleep } = clientOf(dv, clock);
  await deploy({ api, pkg: next, settings: validateSettings(filledSettings(next), next, 'staging.json'), sleep });
  const result = await status(layerInput(undefined, [installedVersion, componentsOf(builtZip('1.0.0.5'), 'next')]));
  expect(result.installedVersion).toBe('1.0.0.5');
  expect(result.customisations!.customised.map((component) => component.layers)).toEqual([['CoSellSync', 'Active']]);
});

describe('[L16] the msdyn_componentlayers table', () => {
  const get = (query: string) => fetch(`${dv.baseUrl}/api/data/v9.2/msdyn_componentlayers${query}`);

  test('refuses a query without both equality filters, with 400', async () => {
    for (const query of [
      '',
      `?$filter=msdyn_componentid eq '${CUSTOMIZE_FLOW_ID}'`,
      "?$filter=msdyn_solutioncomponentname eq 'Workflow'",
    ]) {
      const response = await get(query);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
        /msdyn_componentid eq '<id>' and msdyn_solutioncomponentname/,
      );
    }
  });

  test('answers the layers bottom to top: our managed solution, then Active after an edit', async () => {
    const query = `?$filter=msdyn_componentid eq '${CUSTOMIZE_FLOW_ID}' and msdyn_solutioncomponentname eq 'Workflow'`;
    const rows = async () => ((await (await get(query)).json()) as { value: Array<Record<string, unknown>> }).value;
    expect((await rows()).map((row) => [row.msdyn_solutionname, row.msdyn_order])).toEqual([['CoSellSync', 1]]);
    dv.alm.customize(CUSTOMIZE_FLOW_ID, { clientdata: 'x' });
    const layered = await rows();
    expect(layered.map((row) => [row.msdyn_solutionname, row.msdyn_order])).toEqual([
      ['CoSellSync', 1],
      ['Active', 2],
    ]);
    expect(JSON.parse(String(layered[1]!.msdyn_changes))).toEqual({ Attributes: [{ Key: 'clientdata', Value: 'x' }] });
    expect(() => dv.alm.customize('00000000-0000-4000-8000-000000000000', {})).toThrow(
      /no imported workflow, form or environment variable definition/,
    );
  });
});
