import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeText, readZip } from '../../core/io/zip.js';
import { runCli } from '../../scripts/cli.js';
import { writeProjectControl } from '../pcf/support.js';
import { captureIo, tempDir } from '../support/cli.js';
import { fixtureConfig, writeProjectConfig } from '../support/model.js';
import { xpathValues } from '../support/xpath.js';

/**
 * `cosell build` then `cosell check` on a project whose pac.config.json has "mappings"
 * (test/fixtures/config/with-mappings.json): the partner's columns are used by the flows but not created by the
 * package, so solution.xml requires them (MissingDependency type 2, the import fails clearly where they are
 * absent), and the flows that move them are regenerated with them.
 */
describe("a build with the partner's mappings", () => {
  let dir: string;
  let entries: ReturnType<typeof readZip>;
  const text = (name: string): string => decodeText(entries.find((entry) => entry.name === name)!.data);

  beforeAll(async () => {
    dir = await tempDir('mappings-build');
    await writeProjectConfig(dir, fixtureConfig('with-mappings'));
    await writeProjectControl(dir);
    const io = captureIo(dir);
    expect(await runCli(['build', '--package-type', 'managed'], io)).toBe(0);
    const zip = path.join(dir, 'out', 'CoSellSync_1_0_0_0_managed.zip');
    entries = readZip(new Uint8Array(await readFile(zip)), zip);
  }, 120_000);

  test('declares each partner column as a required component of the flows that use it, and creates none', () => {
    const xml = text('solution.xml');
    const required = (column: string): string[] =>
      xpathValues(xml, `//MissingDependency[Required[@type='2' and @schemaName='${column}']]/Dependent/@displayName`);
    expect(required('new_customersize').sort()).toEqual(
      [
        'Create Co-sell Referral – Dynamics 365 to Partner Center',
        'Dynamics 365 to Partner Center',
        'Partner Center Reconciliation',
        'Partner Center to Dynamics 365',
        '[Customize] Create or Get Details from Dynamics 365',
      ].sort(),
    );
    expect(xpathValues(xml, "//MissingDependency/Required[@schemaName='new_customersize']/@solution")).toContain('ContosoSales (1.0.0.0)');
    expect(xpathValues(xml, "//MissingDependency/Required[@schemaName='new_invitationnotes']/@solution")).toContain('Active');
    expect(xpathValues(xml, "//MissingDependency/Required[@schemaName='new_lossreason']/@parentSchemaName")).toContain('opportunity');
    expect(xpathValues(text('customizations.xml'), "//attribute[starts-with(@PhysicalName, 'new_')]/@PhysicalName")).toEqual([]);
  });

  test("the outbound trigger watches the partner's outbound columns, not the inbound-only ones", () => {
    const flow = entries.find((entry) => /^Workflows\/Dynamics365toPartnerCenter-/i.test(entry.name));
    const trigger = JSON.stringify(JSON.parse(decodeText(flow!.data)).properties.definition.triggers);
    // The list is a concat() expression (the deal value column is an environment variable): its parts are quoted names.
    const filtering = /"subscriptionRequest\/filteringattributes":"([^"]*)"/.exec(trigger)?.[1] ?? '';
    expect(filtering).toContain("'estimatedclosedate'");
    expect(filtering).toContain("'new_customersize'");
    expect(filtering).toContain("'new_lossreason'");
    expect(filtering).not.toContain('new_invitationnotes');
  });

  test('cosell check finds nothing at all in it', async () => {
    const io = captureIo(dir);
    expect(await runCli(['check', path.join('out', 'CoSellSync_1_0_0_0_managed.zip'), '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout.join('')) as {
      results: Array<{ findings: Array<{ rule: string; severity: string; message: string }> }>;
    };
    expect(report.results[0]!.findings).toEqual([]);
  });
});
