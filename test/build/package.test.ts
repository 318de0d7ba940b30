import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { componentId } from '../../solution/ids.js';
import { projectFile } from '../../core/paths.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { generatePackage, packageFileName } from '../../packaging/generate/package.js';
import { decodeText, readZip, type ZipEntry } from '../../core/io/zip.js';
import { XmlDocument, type XmlElement } from 'libxml2-wasm';
import { configFixtureFile, defaultModel } from '../support/model.js';

const text = (entries: ZipEntry[], name: string): string => decodeText(entries.find((entry) => entry.name === name)!.data);
const select = (xml: string, tag: string): string[] => [...xml.matchAll(new RegExp(`<${tag}[ >/][^>]*>?`, 'g'))].map((m) => m[0]);

describe('generated solution package', () => {
  const model = defaultModel();
  const managed = generatePackage(model, 'managed');
  const unmanaged = generatePackage(model, 'unmanaged');

  test('names files as Dataverse exports do', () => {
    expect(packageFileName(model, 'managed')).toBe('CoSellSync_1_0_0_0_managed.zip');
    expect(packageFileName(model, 'unmanaged')).toBe('CoSellSync_1_0_0_0.zip');
  });

  test('root files first in export order, components sorted, no folder entries', () => {
    expect(managed.map((entry) => entry.name)).toEqual([
      'customizations.xml',
      '[Content_Types].xml',
      'solution.xml',
      'environmentvariabledefinitions/pcs_Checkmark/environmentvariabledefinition.xml',
      'environmentvariabledefinitions/pcs_CustomerCountryCodeField/environmentvariabledefinition.xml',
      'environmentvariabledefinitions/pcs_DealValueField/environmentvariabledefinition.xml',
      'environmentvariabledefinitions/pcs_SyncOnlyCoSell/environmentvariabledefinition.xml',
    ]);
  });

  test('[Content_Types].xml is the single BOM line exports have', () => {
    const bytes = managed.find((entry) => entry.name === '[Content_Types].xml')!.data;
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(decodeText(bytes)).toBe(
      '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/octet-stream" /></Types>',
    );
  });

  test('managed and unmanaged differ only in <Managed>', () => {
    expect(text(managed, 'solution.xml')).toContain('<Managed>1</Managed>');
    expect(text(unmanaged, 'solution.xml')).toContain('<Managed>0</Managed>');
    expect(text(unmanaged, 'solution.xml').replace('<Managed>0</Managed>', '<Managed>1</Managed>')).toBe(text(managed, 'solution.xml'));
    expect(text(unmanaged, 'customizations.xml')).toBe(text(managed, 'customizations.xml'));
  });

  test('neither zip ships an environment variable current value', () => {
    for (const entries of [managed, unmanaged])
      expect(entries.some((entry) => entry.name.endsWith('environmentvariablevalues.json'))).toBe(false);
  });

  test('root components: opportunity as a shell, the custom table, the choices, the form', () => {
    const formId = model.forms[0]!.placement.formId;
    expect(select(text(managed, 'solution.xml'), 'RootComponent')).toEqual([
      '<RootComponent type="1" schemaName="opportunity" behavior="2" />',
      '<RootComponent type="1" schemaName="pcs_partnercentersolution" behavior="0" />',
      '<RootComponent type="9" schemaName="pcs_howcanmicrosofthelp" behavior="0" />',
      '<RootComponent type="9" schemaName="pcs_referralstatus" behavior="0" />',
      '<RootComponent type="9" schemaName="pcs_referralsubstatus" behavior="0" />',
      `<RootComponent type="60" id="{${formId}}" behavior="0" />`,
    ]);
  });

  test('customizations.xml holds the columns, key, relationship, choices and connection references', () => {
    const xml = text(managed, 'customizations.xml');
    expect(xml.startsWith('<ImportExportXml xmlns:xsi=')).toBe(true);
    expect(xml).toContain('<Name LocalizedName="Opportunity" OriginalName="Opportunity">Opportunity</Name>');
    expect(xml).toContain('<attribute PhysicalName="pcs_HowCanMicrosoftHelp">\r\n              <Type>multiselectpicklist</Type>');
    expect(xml).toContain('<OptionSetName>pcs_howcanmicrosofthelp</OptionSetName>');
    expect(xml).toContain('<AttributeName>pcs_referralidentifier</AttributeName>');
    expect(xml).toContain('<EntityRelationship Name="pcs_Opportunity_PartnerCenterSolution">');
    expect(xml).toContain('<ReferencedEntityName>Opportunity</ReferencedEntityName>');
    expect(xml).toContain('<connectorid>/providers/Microsoft.PowerApps/apis/shared_partnercenterref</connectorid>');
    expect(xml).toContain('<Language>1028</Language>');
    expect(xml).toContain('<label description="Microsoft 合作夥伴中心" languagecode="1028" />');
  });

  test('the solutions table ships its main form and the standard system views', () => {
    const doc = XmlDocument.fromString(text(managed, 'customizations.xml'));
    const entity = '/ImportExportXml/Entities/Entity[Name="pcs_PartnerCenterSolution"]';
    const types = (doc.find(`${entity}/SavedQueries/savedqueries/savedquery/querytype`) as XmlElement[])
      .map((e) => Number(e.content))
      .sort((a, b) => a - b);
    expect(types).toEqual([0, 0, 1, 2, 4, 64]);
    const quickFind = (
      doc.find(`${entity}//savedquery[isquickfindquery="1"]//filter[@isquickfindfields="1"]/condition`) as XmlElement[]
    ).map((e) => e.attr('attribute')?.value);
    expect(quickFind).toEqual(['pcs_name', 'pcs_solutionidentifier']);
    const fields = (doc.find(`${entity}/FormXml/forms[@type="main"]/systemform//control`) as XmlElement[]).map(
      (e) => e.attr('datafieldname')?.value,
    );
    expect(fields).toEqual(['pcs_name', 'pcs_solutionidentifier', 'pcs_opportunity', 'ownerid']);
    doc.dispose();
  });

  test('the Partner Center section lists the solutions in a subgrid on the associated view', () => {
    const solutions = model.tables.find((table) => table.kind === 'custom')!;
    const associated = solutions.kind === 'custom' ? solutions.views.find((view) => view.queryType === 2)! : undefined;
    const doc = XmlDocument.fromString(text(managed, 'customizations.xml'));
    const grid = doc.get('//section[@name="pcs_microsoftpartnercenter"]//control[@id="pcs_partnercentersolution_grid"]') as XmlElement;
    expect(grid.get('parameters/ViewId')?.content).toBe(`{${associated!.id}}`);
    expect(grid.get('parameters/RelationshipName')?.content).toBe('pcs_Opportunity_PartnerCenterSolution');
    expect(grid.get('parameters/TargetEntityType')?.content).toBe('pcs_partnercentersolution');
    doc.dispose();
  });

  test('read-only fields are disabled on the form and hidden bookkeeping is not on it', () => {
    const xml = text(managed, 'customizations.xml');
    expect(xml).toMatch(/<control id="pcs_referralidentifier" [^>]*disabled="true"/);
    expect(xml).toMatch(/<control id="pcs_syncwithpartnercenter" [^>]*disabled="false"/);
    expect(xml).not.toContain('datafieldname="pcs_partnercenteretag"');
  });

  test('a Boolean env var default is written yes/no; strings as given', () => {
    expect(text(managed, 'environmentvariabledefinitions/pcs_Checkmark/environmentvariabledefinition.xml')).toContain(
      '<defaultvalue>yes</defaultvalue>',
    );
    expect(text(managed, 'environmentvariabledefinitions/pcs_DealValueField/environmentvariabledefinition.xml')).toContain(
      '<defaultvalue>estimatedvalue</defaultvalue>',
    );
  });

  test('the same input gives byte-identical zips', () => {
    const [first] = buildPackages(defaultModel(), ['managed']);
    const [second] = buildPackages(defaultModel(), ['managed']);
    expect(Buffer.from(first!.bytes).equals(Buffer.from(second!.bytes))).toBe(true);
  });

  test('the zip bytes do not depend on the time zone of the machine', () => {
    const script = `import('${projectFile('dist/packaging/build-solution.js')}').then(async (b) => {
      const { loadConfig } = await import('${projectFile('dist/solution/config/config.js')}');
      const { buildCoSellModel } = await import('${projectFile('dist/solution/cosell.js')}');
      const model = buildCoSellModel(await loadConfig(${JSON.stringify(configFixtureFile('default'))}));
      process.stdout.write(b.buildPackages(model, ['managed'])[0].sha256);
    })`;
    const hashIn = (tz: string) =>
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TZ: tz } }).toString();
    const [local] = buildPackages(defaultModel(), ['managed']);
    expect(hashIn('Asia/Taipei')).toBe(local!.sha256);
    expect(hashIn('America/Los_Angeles')).toBe(local!.sha256);
  });

  test('a new version keeps every component id, so the import upgrades in place', () => {
    const next = generatePackage(
      defaultModel(undefined, (config) => {
        config.solution.version = '1.0.0.1';
      }),
      'managed',
    );
    expect(text(next, 'customizations.xml')).toBe(text(managed, 'customizations.xml'));
    const ids = (xml: string) => [...xml.matchAll(/\{[0-9a-f-]{36}\}/g)].map((m) => m[0]);
    expect(ids(text(next, 'solution.xml'))).toEqual(ids(text(managed, 'solution.xml')));
    expect(text(next, 'solution.xml')).toContain('<Version>1.0.0.1</Version>');
  });

  test('labels with XML-special characters, emoji and CJK round-trip intact', () => {
    const tricky = 'Co-sell <&"\'> 🤝 共同銷售';
    const built = generatePackage(
      defaultModel(undefined, (config) => {
        config.solution.displayName = tricky;
        config.solution.description = tricky;
      }),
      'managed',
    );
    const doc = XmlDocument.fromString(text(built, 'solution.xml'));
    const described = doc.find('/ImportExportXml/SolutionManifest/*/*[@languagecode="1033"]') as XmlElement[];
    expect(described.map((element) => element.attr('description')?.value)).toEqual([tricky, tricky]);
    doc.dispose();
    expect(text(built, 'customizations.xml')).toContain(
      '<connectionreferencedisplayname>Co-sell &lt;&amp;"\'&gt; 🤝 共同銷售 | Dataverse</connectionreferencedisplayname>',
    );
  });

  test('flows and code components given to the model are packaged with their files and roots', () => {
    const flowId = componentId('workflow', 'test-flow');
    const withParts = defaultModel({
      flows: [
        {
          id: flowId,
          name: 'Test Flow: one',
          description: 'A test flow',
          document: { properties: { definition: {} }, schemaVersion: '1.0.0.0' },
        },
      ],
      controls: [
        {
          name: 'pcs_CoSell.ReferralPanel',
          files: [
            { path: 'ControlManifest.xml', data: new TextEncoder().encode('<manifest />') },
            { path: 'bundle.js', data: new TextEncoder().encode('void 0;') },
          ],
        },
      ],
    });
    const entries = generatePackage(withParts, 'managed');
    const fileName = `Workflows/TestFlowone-${flowId.toUpperCase()}.json`;
    expect(entries.map((entry) => entry.name)).toEqual(
      expect.arrayContaining([
        fileName,
        'Controls/pcs_CoSell.ReferralPanel/ControlManifest.xml',
        'Controls/pcs_CoSell.ReferralPanel/bundle.js',
      ]),
    );
    expect(text(entries, fileName)).toBe('{\r\n  "properties": {\r\n    "definition": {}\r\n  },\r\n  "schemaVersion": "1.0.0.0"\r\n}');
    const customizations = text(entries, 'customizations.xml');
    expect(customizations).toContain(`<Workflow WorkflowId="{${flowId}}" Name="Test Flow: one">`);
    expect(customizations).toContain(`<JsonFileName>/${fileName}</JsonFileName>`);
    expect(customizations).toContain('<StateCode>0</StateCode>');
    expect(customizations).toContain('<FileName>/Controls/pcs_CoSell.ReferralPanel/ControlManifest.xml</FileName>');
    const solution = text(entries, 'solution.xml');
    expect(solution).toContain(`<RootComponent type="29" id="{${flowId}}" behavior="0" />`);
    expect(solution).toContain('<RootComponent type="66" schemaName="pcs_CoSell.ReferralPanel" behavior="0" />');
    expect(text(entries, '[Content_Types].xml')).toContain(
      '<Default Extension="xml" ContentType="application/octet-stream" /><Default Extension="json" ContentType="application/octet-stream" /><Default Extension="js" ContentType="application/octet-stream" />',
    );
  });

  test('an existing form gets a diff section marked Added under the given tab', () => {
    const tabId = '11111111-2222-3333-4444-555555555555';
    const diff = generatePackage(
      defaultModel(undefined, (config) => {
        config.form = { mode: 'existingForm', formId: '{A837E4A7-01B8-4F82-A475-BE9ABD67E667}', tabId, columnIndex: 1 };
      }),
      'managed',
    );
    const xml = text(diff, 'customizations.xml');
    expect(xml).toContain('<formid>{a837e4a7-01b8-4f82-a475-be9abd67e667}</formid>');
    expect(xml).toContain(`<tab id="{${tabId}}" solutionaction="Modified">`);
    expect(xml).toMatch(/<section name="pcs_microsoftpartnercenter" [^>]*solutionaction="Added"/);
    expect(xml).not.toContain('datafieldname="name"');
    expect(text(diff, 'solution.xml')).toContain('<RootComponent type="60" id="{a837e4a7-01b8-4f82-a475-be9abd67e667}" behavior="0" />');
  });

  test('the written zip reads back to the same entries', () => {
    const [built] = buildPackages(model, ['managed']);
    const back = readZip(built!.bytes, 'built');
    expect(back.map((entry) => entry.name)).toEqual(managed.map((entry) => entry.name));
    expect(createHash('sha256').update(back[0]!.data).digest('hex')).toBe(createHash('sha256').update(managed[0]!.data).digest('hex'));
  });
});
