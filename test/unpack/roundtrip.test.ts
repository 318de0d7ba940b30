import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeText, readZip, writeZip, type ZipEntry } from '../../core/io/zip.js';
import { packSolution, unpackSolution, type UnpackedFile } from '../../packaging/unpack/index.js';
import { FIXTURES, MULTILINE, normalizedXml, REAL_ZIPS, SYNTHETIC_FILES, syntheticZip, text, TRICKY } from './helpers.js';
import { describeWithShared } from '../support/fixtures.js';
import { queryXml, xpathValues, type XmlQuery } from '../support/xpath.js';

const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\r\n';
const XSI = { xsi: 'http://www.w3.org/2001/XMLSchema-instance' };

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

  // SolutionPackager writes each unpacked XML file with this declaration line and xsi declared on its root.
  const unpackedXml = (name: string, use: (xml: XmlQuery) => void): void => {
    const data = text(files.get(name));
    expect(data.slice(0, XML_DECLARATION.length)).toBe(XML_DECLARATION);
    queryXml(data, (xml) => {
      expect(xml.declarations('/*')).toEqual([XSI]);
      use(xml);
    });
  };

  it('leaves empty placeholders in Customizations.xml and Entity.xml, with the XML declaration', () => {
    unpackedXml('Other/Customizations.xml', (xml) => {
      expect(xml.names('/ImportExportXml/*[not(node())]')).toEqual([
        'Entities',
        'Roles',
        'Workflows',
        'FieldSecurityProfiles',
        'Templates',
        'EntityMaps',
        'EntityRelationships',
        'OrganizationSettings',
        'optionsets',
        'CustomControls',
        'EntityDataProviders',
      ]);
      expect(xml.values('/ImportExportXml/connectionreferences/connectionreference/@connectionreferencelogicalname')).toEqual([
        'pcc_dataverse',
      ]);
    });
    unpackedXml('Entities/Opportunity/Entity.xml', (xml) => {
      expect(xml.names('/Entity/*')).toEqual(['Name', 'EntityInfo', 'FormXml', 'SavedQueries', 'RibbonDiffXml']);
      expect(xml.names('/Entity/*[not(node())]')).toEqual(['FormXml', 'SavedQueries', 'RibbonDiffXml']);
      expect(xml.values('//attribute/AutoNumberFormat')).toEqual([' ', ' ']);
    });
  });

  it('writes forms, views, relationships and side files as SolutionPackager does', () => {
    unpackedXml('Entities/Opportunity/FormXml/main/{11111111-0000-0000-0000-00000000000a}.xml', (xml) => {
      expect(xml.values('/forms/systemform/formid')).toEqual(['{11111111-0000-0000-0000-00000000000a}']);
    });
    unpackedXml('Entities/Opportunity/SavedQueries/{44444444-0000-0000-0000-00000000000d}.xml', (xml) => {
      expect(xml.values('/savedqueries/savedquery/savedqueryid')).toEqual(['{44444444-0000-0000-0000-00000000000d}']);
    });
    unpackedXml('Other/Relationships.xml', (xml) => {
      expect(xml.attributes('/EntityRelationships/EntityRelationship')).toEqual([
        { Name: 'pcc_referral_opportunity' },
        { Name: 'pcc_contact_referral' },
        { Name: 'pcc_account_opportunity' },
      ]);
      expect(xml.count('/EntityRelationships/EntityRelationship/node()')).toBe(0);
    });
    unpackedXml('Other/Relationships/Opportunity.xml', (xml) => {
      expect(xml.values('/EntityRelationships/EntityRelationship/@Name')).toEqual(['pcc_referral_opportunity', 'pcc_account_opportunity']);
    });
    unpackedXml(`${SYNTHETIC_FILES.flowA}.data.xml`, (xml) => {
      expect(xml.attributes('/Workflow')).toEqual([{ WorkflowId: '{0a1b2c3d-1111-4a4a-9b9b-000000000001}', Name: `Sync ${TRICKY}` }]);
      expect(xml.attributes('/Workflow/Description')).toEqual([{ 'xsi:nil': 'true' }]);
    });
    unpackedXml(`Controls/${SYNTHETIC_FILES.control}/ControlManifest.xml.data.xml`, (xml) => {
      expect(xml.names('/CustomControl/*')).toEqual(['Name', 'FileName']);
      expect(xml.value('/CustomControl/Name')).toBe(SYNTHETIC_FILES.control);
    });
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
    expect(xpathValues(packed, '//attribute/displaynames/displayname/@description')).toEqual([TRICKY, TRICKY]);
    // The CR LF inside the attribute is written raw, as the export had it; a parser would normalize it to spaces.
    expect(packed).toContain(`description="${MULTILINE.replace('&', '&amp;')}"`);
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
