import { buildPackages } from '../../packaging/build-solution.js';
import { checkSolution } from '../../packaging/check/check-solution.js';
import { readZip, decodeText } from '../../core/io/zip.js';
import { withFlows } from '../../flows/index.js';
import { runScenario } from '../../sim/simulate/run.js';
import { SCENARIOS } from '../../sim/simulate/scenarios.js';
import { generatePackage } from '../../packaging/generate/package.js';
import { defaultModel, fixtureModel } from '../support/model.js';
import { xpathValues } from '../support/xpath.js';

/**
 * Another publisher's configuration (test/fixtures/config/contoso-existing-form.json: prefix ctso,
 * option-value prefix 23456, version 2.3.0.17, the section added to an existing form) goes through the
 * whole path a user takes: build, check, rehearse. Nothing in the product may assume the default's `pcs`.
 */
describe('a build from another configuration', () => {
  const model = withFlows(fixtureModel('contoso-existing-form'));
  const packages = buildPackages(model, ['managed', 'unmanaged']);
  const entriesOf = (index: number) => readZip(packages[index]!.bytes, packages[index]!.fileName);
  const text = (name: string) => decodeText(entriesOf(0).find((entry) => entry.name === name)!.data);

  test('names its zips after the solution and version', () => {
    expect(packages.map((built) => built.fileName)).toEqual(['ContosoCoSell_2_3_0_17_managed.zip', 'ContosoCoSell_2_3_0_17.zip']);
  });

  test('passes check with no Critical or High finding, managed and unmanaged', async () => {
    for (const [index, built] of packages.entries()) {
      const findings = await checkSolution(entriesOf(index), built.fileName);
      expect(findings.filter((finding) => finding.severity === 'Critical' || finding.severity === 'High')).toEqual([]);
    }
  });

  test('carries the publisher, version and prefix into solution.xml', () => {
    const xml = text('solution.xml');
    expect(xpathValues(xml, '/ImportExportXml/SolutionManifest/Version')).toEqual(['2.3.0.17']);
    expect(xpathValues(xml, '/ImportExportXml/SolutionManifest/Publisher/CustomizationPrefix')).toEqual(['ctso']);
    expect(xpathValues(xml, '/ImportExportXml/SolutionManifest/Publisher/CustomizationOptionValuePrefix')).toEqual(['23456']);
  });

  test('names every custom column with its prefix and numbers options from its option-value prefix', () => {
    // The default configuration's package is the yardstick: the same columns and options, renamed and renumbered.
    const xml = text('customizations.xml');
    const byDefault = decodeText(generatePackage(defaultModel(), 'managed').find((entry) => entry.name === 'customizations.xml')!.data);
    const columns = "//entity[@Name='Opportunity' or Name='opportunity']//attribute/@PhysicalName";
    const prefixed = (names: string[]) => names.filter((name) => /^[a-z]+_/i.test(name));
    const defaultColumns = prefixed(xpathValues(byDefault, columns));
    expect(defaultColumns).toHaveLength(21);
    expect(prefixed(xpathValues(xml, columns))).toEqual(defaultColumns.map((name) => name.replace(/^pcs_/, 'ctso_')));
    const options = '//optionsets/optionset//option/@value';
    expect(xpathValues(xml, options).map(Number)).toEqual(
      xpathValues(byDefault, options).map((value) => Number(value) - 104370000 + 234560000),
    );
  });

  test('adds the section to the existing form as a diff', () => {
    const xml = text('customizations.xml');
    // The named tab is only the path to the section: it carries no solutionaction (nothing of it changes).
    expect(xpathValues(xml, "//systemform[formid='{a837e4a7-01b8-4f82-a475-be9abd67e667}']//tab/@solutionaction")).toEqual([]);
    expect(xpathValues(xml, "//systemform[formid='{a837e4a7-01b8-4f82-a475-be9abd67e667}']//column/@width")).toEqual(['33%']);
    expect(xpathValues(xml, "//systemform//section[@solutionaction='Added']/@name")).toEqual(['ctso_microsoftpartnercenter']);
  });

  test.each([
    ['cosell-referral-created', ['CreateReferral 201']],
    ['updates-both-ways', ['CreateReferral 201', 'PatchReferralById 204', 'PatchReferralById 204']],
  ])('rehearses scenario %s with every expectation met and the same Partner Center writes', async (name, writes) => {
    const scenario = SCENARIOS.find((candidate) => candidate.name === name);
    if (!scenario) throw new Error(`no scenario ${name}`);
    const result = await runScenario(scenario, { entries: entriesOf(0), label: packages[0]!.fileName, model });
    expect(result.error).toBeUndefined();
    expect(result.expectations.filter((expectation) => !expectation.pass)).toEqual([]);
    const referralWrites = result.connectorCalls
      .filter((call) => call.api === 'Partner Center' && /^(Create|Patch|Update)Referral/.test(call.operationId))
      .map((call) => `${call.operationId} ${call.statusCode}`);
    expect(referralWrites).toEqual(writes);
  });
});
