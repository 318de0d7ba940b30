import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeText, readZip, writeZip, type ZipEntry } from '../../core/io/zip.js';
import { packSolution, unpackSolution, type UnpackedFile } from '../../packaging/unpack/index.js';
import { FIXTURES, MULTILINE, normalizedXml, REAL_ZIPS, SYNTHETIC_FILES, syntheticZip, text, TRICKY } from './helpers.js';
import { describeWithShared } from '../support/fixtures.js';

const toMap = (files: readonly UnpackedFile[]): Map<string, Uint8Array> => new Map(files.map((file) => [file.path, file.data]));
const roundTrip = (entries: readonly ZipEntry[], label: string): ZipEntry[] => packSolution(toMap(unpackSolution(entries, label)), label);
const names = (entries: readonly ZipEntry[]): string[] => entries.map((entry) => entry.name).sort();
const entry = (entries: readonly ZipEntry[], name: string): Uint8Array => {
  const found = entries.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no entry ${name}`);
  return found.data;
};

describe('synthetic zip built with the project conventions', () => {
  const zip = syntheticZip();
  const entries = readZip(zip, 'synthetic.zip');
  const files = toMap(unpackSolution(entries, 'synthetic.zip'));

  it('round-trips byte-identical through unpack → pack', () => {
    expect(Buffer.from(writeZip(roundTrip(entries, 'synthetic.zip'))).equals(Buffer.from(zip))).toBe(true);
  });

  it('writes the SolutionPackager layout', () => {
    const { flowA, flowB, control } = SYNTHETIC_FILES;
    expect([...files.keys()].sort()).toEqual(
      [
        `Controls/${control}/ControlManifest.xml`,
        `Controls/${control}/ControlManifest.xml.data.xml`,
        `Controls/${control}/bundle.js`,
        `Controls/${control}/strings/ReferralPanel.1033.resx`,
        'Entities/Opportunity/Entity.xml',
        'Entities/Opportunity/FormXml/main/{11111111-0000-0000-0000-00000000000a}.xml',
        'Entities/Opportunity/FormXml/main/{22222222-0000-0000-0000-00000000000b}.xml',
        'Entities/Opportunity/FormXml/quick/{33333333-0000-0000-0000-00000000000c}.xml',
        'Entities/Opportunity/RibbonDiff.xml',
        'Entities/Opportunity/SavedQueries/{44444444-0000-0000-0000-00000000000d}.xml',
        'Entities/pcc_Referral/Entity.xml',
        'environmentvariabledefinitions/pcc_SyncOnlyCoSell/environmentvariabledefinition.xml',
        'environmentvariabledefinitions/pcc_SyncOnlyCoSell/environmentvariablevalues.json',
        'OptionSets/pcc_dealstage.xml',
        'OptionSets/pcc_referralstatus.xml',
        'Other/Customizations.xml',
        'Other/Relationships.xml',
        'Other/Relationships/Opportunity.xml',
        'Other/Relationships/pcc_Referral.xml',
        'Other/Solution.xml',
        flowA,
        `${flowA}.data.xml`,
        flowB,
        `${flowB}.data.xml`,
      ].sort(),
    );
  });

  it('leaves empty placeholders in Customizations.xml and Entity.xml, with the XML declaration', () => {
    const customizations = text(files.get('Other/Customizations.xml'));
    expect(customizations.startsWith('<?xml version="1.0" encoding="utf-8"?>\r\n<ImportExportXml')).toBe(true);
    for (const placeholder of ['<Entities />', '<Workflows />', '<EntityRelationships />', '<optionsets />', '<CustomControls />']) {
      expect(customizations).toContain(placeholder);
    }
    expect(customizations).toContain('connectionreferencelogicalname="pcc_dataverse"');
    const entity = text(files.get('Entities/Opportunity/Entity.xml'));
    expect(entity).toMatch(
      /^<\?xml version="1\.0" encoding="utf-8"\?>\r\n<Entity xmlns:xsi="http:\/\/www\.w3\.org\/2001\/XMLSchema-instance">/,
    );
    expect(entity).toContain('<FormXml />\r\n  <SavedQueries />\r\n  <RibbonDiffXml />\r\n</Entity>');
    expect(entity).toContain('<AutoNumberFormat> </AutoNumberFormat>');
  });

  it('writes forms, views, relationships and side files as SolutionPackager does', () => {
    const form = text(files.get('Entities/Opportunity/FormXml/main/{11111111-0000-0000-0000-00000000000a}.xml'));
    expect(form).toMatch(
      /^<\?xml[^>]*\?>\r\n<forms xmlns:xsi="[^"]+">\r\n  <systemform>\r\n    <formid>\{11111111-0000-0000-0000-00000000000a\}<\/formid>/,
    );
    expect(text(files.get('Entities/Opportunity/SavedQueries/{44444444-0000-0000-0000-00000000000d}.xml'))).toContain(
      '<savedqueries xmlns:xsi=',
    );
    expect(text(files.get('Other/Relationships.xml'))).toContain(
      '<EntityRelationship Name="pcc_referral_opportunity" />\r\n  <EntityRelationship Name="pcc_contact_referral" />\r\n  <EntityRelationship Name="pcc_account_opportunity" />',
    );
    const parentGroup = text(files.get('Other/Relationships/Opportunity.xml'));
    expect(parentGroup.indexOf('pcc_referral_opportunity')).toBeLessThan(parentGroup.indexOf('pcc_account_opportunity'));
    expect(parentGroup).not.toContain('pcc_contact_referral');
    const workflow = text(files.get(`${SYNTHETIC_FILES.flowA}.data.xml`));
    expect(workflow).toMatch(/<Workflow WorkflowId="\{0a1b2c3d-1111-4a4a-9b9b-000000000001\}" Name="[^"]+" xmlns:xsi="[^"]+">/);
    expect(workflow).toContain('<Description xsi:nil="true" />');
    expect(text(files.get(`Controls/${SYNTHETIC_FILES.control}/ControlManifest.xml.data.xml`))).toContain(
      `<CustomControl xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\r\n  <Name>${SYNTHETIC_FILES.control}</Name>`,
    );
  });

  it('copies flow JSON, control files and environment variables byte for byte', () => {
    for (const original of entries) {
      if (['solution.xml', 'customizations.xml', '[Content_Types].xml'].includes(original.name)) continue;
      expect(Buffer.from(files.get(original.name) ?? []).equals(Buffer.from(original.data))).toBe(true);
    }
  });

  it.each([
    ['special characters', `<&"'> \\ / a&b`],
    ['emoji', '😀🚀 👩‍💻'],
    ['CJK', '推荐紹介 추천'],
    ['whitespace', '  padded  '],
  ])('keeps labels with %s through the round trip', (_kind, label) => {
    const zip2 = syntheticZip(label);
    const entries2 = readZip(zip2, 'labels.zip');
    expect(Buffer.from(writeZip(roundTrip(entries2, 'labels.zip'))).equals(Buffer.from(zip2))).toBe(true);
    const unpacked = toMap(unpackSolution(entries2, 'labels.zip'));
    expect(normalizedXml(unpacked.get('OptionSets/pcc_dealstage.xml') as Uint8Array).attributes).toContain(`localizedName=${label}`);
  });

  it('keeps the tricky default label and multi-line descriptions', () => {
    const packed = decodeText(entry(roundTrip(entries, 'synthetic.zip'), 'customizations.xml'));
    expect(packed).toContain("Referral &lt;&amp;&quot;'&gt; 😀 推荐 紹介");
    expect(packed).toContain(MULTILINE.replace('&', '&amp;'));
    expect(TRICKY).toContain('😀');
  });
});

describeWithShared.each(REAL_ZIPS)('real export %s', (zipName) => {
  let entries: ZipEntry[];
  let files: Map<string, Uint8Array>;
  let packed: ZipEntry[];

  beforeAll(async () => {
    entries = readZip(await readFile(path.join(FIXTURES, zipName)), zipName);
    files = toMap(unpackSolution(entries, zipName));
    packed = packSolution(files, zipName);
  });

  it('maps every zip entry to a file of the unpacked folder', () => {
    for (const original of entries) {
      if (original.name === '[Content_Types].xml') continue; // regenerated by pack
      const target =
        { 'solution.xml': 'Other/Solution.xml', 'customizations.xml': 'Other/Customizations.xml' }[original.name] ?? original.name;
      expect(files.has(target)).toBe(true);
      if (target === original.name) expect(Buffer.from(files.get(target) ?? []).equals(Buffer.from(original.data))).toBe(true);
    }
  });

  it('packs back to the same entry names, equivalent XML and identical component files', () => {
    expect(names(packed)).toEqual(names(entries));
    for (const name of ['solution.xml', 'customizations.xml', '[Content_Types].xml']) {
      expect(normalizedXml(entry(packed, name))).toEqual(normalizedXml(entry(entries, name)));
    }
    for (const original of entries.filter((candidate) => !candidate.name.endsWith('.xml') || candidate.name.includes('/'))) {
      expect(Buffer.from(entry(packed, original.name)).equals(Buffer.from(original.data))).toBe(true);
    }
  });

  it('is in canonical form after one round trip (a second one changes no byte)', () => {
    const once = writeZip(packed);
    const twice = writeZip(roundTrip(readZip(once, zipName), zipName));
    expect(Buffer.from(twice).equals(Buffer.from(once))).toBe(true);
  });
});

describeWithShared('components of the real exports', () => {
  const unpackFixture = async (zipName: string): Promise<string[]> =>
    unpackSolution(readZip(await readFile(path.join(FIXTURES, zipName)), zipName), zipName).map((file) => file.path);

  it('splits the AI Builder tables, forms, views, ribbons, relationships, option set and flow', async () => {
    const paths = await unpackFixture('AIBuilderPromptsDataverse_1_0_0_1_managed.zip');
    const count = (pattern: RegExp): number => paths.filter((candidate) => pattern.test(candidate)).length;
    expect(count(/^Entities\/[^/]+\/Entity\.xml$/)).toBe(3);
    expect(count(/^Entities\/aib_Issuer\/FormXml\/(card|main|quick)\/\{[0-9a-f-]+\}\.xml$/)).toBe(3);
    expect(count(/^Entities\/[^/]+\/SavedQueries\/\{[0-9a-f-]+\}\.xml$/)).toBe(21);
    expect(count(/^Entities\/[^/]+\/RibbonDiff\.xml$/)).toBe(3);
    expect(paths).toEqual(
      expect.arrayContaining([
        'Other/Relationships.xml',
        'Other/Relationships/aib_Issuer.xml',
        'Other/Relationships/SystemUser.xml',
        'OptionSets/aib_proposalstatus.xml',
        'Workflows/Importdataset-55337EAE-B7D7-EE11-904D-00224822316D.json.data.xml',
      ]),
    );
  });

  it('keeps the system-table shell of the Contoso sample (Name + RibbonDiffXml only)', async () => {
    const paths = await unpackFixture('Contoso_sample_1_0_0_1_managed.zip');
    expect(paths).toEqual(
      expect.arrayContaining([
        'Entities/Account/Entity.xml',
        'Entities/Account/RibbonDiff.xml',
        'environmentvariabledefinitions/new_ContosoURL/environmentvariablevalues.json',
      ]),
    );
  });
});
