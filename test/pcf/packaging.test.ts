import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkSolution, type Finding } from '../../packaging/check/check-solution.js';
import { assertImportable, buildPackages } from '../../packaging/build-solution.js';
import { readBuiltControl } from '../../packaging/pcf-control.js';
import { UserError } from '../../core/errors.js';
import { generatePackage } from '../../packaging/generate/package.js';
import { decodeText, encodeText, readZip, type ZipEntry } from '../../core/io/zip.js';
import type { PacConfig } from '../../solution/config/config.js';
import type { CodeComponent } from '../../solution/model.js';
import { validateModel } from '../../solution/validate.js';
import { tempDir } from '../support/cli.js';
import { defaultModel } from '../support/model.js';
import { queryXml, xpathAttributes, xpathValues } from '../support/xpath.js';
import { writeBuiltControlFixture } from './support.js';

const NAME = 'pcs_CoSell.PartnerCenterSection';
const text = (entries: readonly ZipEntry[], name: string): string => decodeText(entries.find((entry) => entry.name === name)!.data);
const edit =
  (name: string, change: (value: string) => string) =>
  (entries: ZipEntry[]): ZipEntry[] =>
    entries.map((entry) => (entry.name === name ? { name, data: encodeText(change(decodeText(entry.data))) } : entry));
const rules = (findings: Finding[]) => findings.map((f) => `${f.severity} ${f.rule}`);

let control: CodeComponent;
beforeAll(async () => {
  control = await readBuiltControl(await writeBuiltControlFixture(await tempDir('pcf')), 'pcs');
});

describe('the built control → CodeComponent', () => {
  test('named <prefix>_<namespace>.<constructor>, manifest first, every file the manifest names', () => {
    expect(control.name).toBe(NAME);
    expect(control.files.map((file) => file.path)).toEqual([
      'ControlManifest.xml',
      'bundle.js',
      'strings/PartnerCenterSection.1033.resx',
      'strings/PartnerCenterSection.1028.resx',
    ]);
    expect(control.properties?.find((property) => property.name === 'HowCanMicrosoftHelp')).toEqual({
      name: 'HowCanMicrosoftHelp',
      usage: 'bound',
      types: ['MultiSelectOptionSet'],
      required: false,
    });
  });

  test('another publisher prefix names the control with it', async () => {
    expect((await readBuiltControl(await writeBuiltControlFixture(await tempDir('pcf')), 'abc')).name).toBe(
      'abc_CoSell.PartnerCenterSection',
    );
  });

  test('no build output: a UserError that says to run the PCF build', async () => {
    const missing = path.join(await tempDir('pcf'), 'nothing-here');
    const error = await readBuiltControl(missing, 'pcs', 'pcf/out/controls/PartnerCenterSection').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      'pcf/out/controls/PartnerCenterSection: has no built PCF control (ControlManifest.xml is missing)\n' +
        '  fix: run the PCF build first: `npm run pcf:build` (`npm run build` runs it before `cosell build`)',
    );
  });

  test.each<[string, (dir: string) => Promise<unknown>, RegExp]>([
    [
      'the input manifest instead of the built one',
      (dir) =>
        writeFile(
          path.join(dir, 'ControlManifest.xml'),
          '<manifest><control namespace="CoSell" constructor="PartnerCenterSection" version="1.0.0" display-name-key="x"><resources><code path="index.ts" order="1"/></resources></control></manifest>',
        ),
      /names no bundle\.js/,
    ],
    [
      'a resx file the manifest names is missing',
      (dir) => rm(path.join(dir, 'strings', 'PartnerCenterSection.1028.resx')),
      /strings\/PartnerCenterSection\.1028\.resx: is named by ControlManifest\.xml but missing/,
    ],
    [
      'another control',
      (dir) =>
        writeFile(
          path.join(dir, 'ControlManifest.xml'),
          '<manifest><control namespace="Other" constructor="Thing" version="1.0.0" display-name-key="x"><resources><code path="bundle.js" order="1"/></resources></control></manifest>',
        ),
      /is control Other\.Thing/,
    ],
    ['broken XML', (dir) => writeFile(path.join(dir, 'ControlManifest.xml'), '<manifest><control'), /is not well-formed XML/],
  ])('%s is a UserError', async (_name, damage, message) => {
    const dir = await writeBuiltControlFixture(await tempDir('pcf'));
    await damage(dir);
    await expect(readBuiltControl(dir, 'pcs')).rejects.toThrow(message);
    await expect(readBuiltControl(dir, 'pcs')).rejects.toBeInstanceOf(UserError);
  });
});

describe('packaged and bound on the Partner Center section', () => {
  const model = () => defaultModel({ controls: [control] });
  const built = () => generatePackage(model(), 'managed');

  test('the model binds every bound property on the section and validates', () => {
    const section = model().forms[0]!.section;
    expect(section.control).toEqual({
      control: NAME,
      anchor: 'pcs_syncwithpartnercenter',
      bindings: [
        ['SyncWithPartnerCenter', 'pcs_syncwithpartnercenter'],
        ['ReferralIdentifier', 'pcs_referralidentifier'],
        ['ReferralLink', 'pcs_referrallink'],
        ['HowCanMicrosoftHelp', 'pcs_howcanmicrosofthelp'],
        ['ReferralVisibility', 'pcs_referralvisibility'],
        ['ReferralStatus', 'pcs_referralstatus'],
        ['ReferralSubstatus', 'pcs_referralsubstatus'],
        ['MicrosoftCrmIdentifier', 'pcs_microsoftcrmidentifier'],
        ['Audit', 'pcs_audit'],
        ['RespondBy', 'pcs_respondby'],
        ['Decision', 'pcs_decision'],
        ['DeclineReason', 'pcs_declinereason'],
        ['CustomerAccount', 'parentaccountid'],
        ['CustomerContact', 'parentcontactid'],
      ].map(([property, column]) => ({ property, column })),
    });
    expect(() => validateModel(model(), 'test')).not.toThrow();
    expect(defaultModel().forms[0]!.section.control).toBeUndefined();
  });

  test('Controls/ files, the CustomControl entry and the type-66 root component', () => {
    const entries = built();
    expect(entries.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(control.files.map((file) => `Controls/${NAME}/${file.path}`)),
    );
    queryXml(text(entries, 'customizations.xml'), (xml) => {
      expect(xml.values('/ImportExportXml/CustomControls/CustomControl/Name')).toEqual([NAME]);
      expect(xml.values('/ImportExportXml/CustomControls/CustomControl/FileName')).toEqual([`/Controls/${NAME}/ControlManifest.xml`]);
    });
    expect(
      xpathAttributes(text(entries, 'solution.xml'), '/ImportExportXml/SolutionManifest/RootComponents/RootComponent[@type="66"]'),
    ).toEqual([{ type: '66', schemaName: NAME, behavior: '0' }]);
    expect(
      xpathValues(text(entries, '[Content_Types].xml'), '/ct:Types/ct:Default[@ContentType="application/octet-stream"]/@Extension', {
        namespaces: { ct: 'http://schemas.openxmlformats.org/package/2006/content-types' },
      }),
    ).toEqual(['xml', 'js', 'resx']);
  });

  test('controlDescriptions: the classic fallback, then the control for form factors 0, 1 and 2 with every bound property and its of-type', () => {
    queryXml(text(built(), 'customizations.xml'), (xml) => {
      const form = '/ImportExportXml/Entities/Entity[Name="Opportunity"]/FormXml/forms[@type="main"]/systemform/form';
      expect(xml.values(`${form}/controlDescriptions/controlDescription/@forControl`)).toEqual([
        xml.value(`${form}//section[@name="pcs_microsoftpartnercenter"]//control[@id="pcs_syncwithpartnercenter"]/@uniqueid`),
      ]);
      const description = `${form}/controlDescriptions/controlDescription`;
      expect(xml.attributes(`${description}/customControl`)).toEqual([
        { id: '{B0C6723A-8503-4FD7-BB28-C8A06AC933C2}' },
        { formFactor: '0', name: NAME },
        { formFactor: '1', name: NAME },
        { formFactor: '2', name: NAME },
      ]);
      expect(xml.names(`${description}/customControl[1]/parameters/*`)).toEqual(['datafieldname']);
      expect(xml.value(`${description}/customControl[1]/parameters/datafieldname`)).toBe('pcs_syncwithpartnercenter');
      for (const formFactor of ['0', '1', '2']) {
        const parameters = `${description}/customControl[@formFactor="${formFactor}"]/parameters/*`;
        const names = xml.names(parameters);
        const types = xml.values(`${parameters}/@type`);
        const columns = xml.values(parameters);
        expect(names.map((name, index) => `${name} ${types[index]} ${columns[index]}`)).toEqual([
          'SyncWithPartnerCenter TwoOptions pcs_syncwithpartnercenter',
          'ReferralIdentifier SingleLine.Text pcs_referralidentifier',
          'ReferralLink SingleLine.URL pcs_referrallink',
          'HowCanMicrosoftHelp MultiSelectOptionSet pcs_howcanmicrosofthelp',
          'ReferralVisibility TwoOptions pcs_referralvisibility',
          'ReferralStatus OptionSet pcs_referralstatus',
          'ReferralSubstatus OptionSet pcs_referralsubstatus',
          'MicrosoftCrmIdentifier SingleLine.Text pcs_microsoftcrmidentifier',
          'Audit Multiple pcs_audit',
          'RespondBy DateAndTime.DateAndTime pcs_respondby',
          'Decision OptionSet pcs_decision',
          'DeclineReason OptionSet pcs_declinereason',
          'CustomerAccount Lookup.Simple parentaccountid',
          'CustomerContact Lookup.Simple parentcontactid',
        ]);
      }
    });
  });

  test('the other section fields stay on the form as hidden cells; the anchor cell has no label', () => {
    queryXml(text(built(), 'customizations.xml'), (xml) => {
      const section = '//forms[@type="main"]/systemform//section[@name="pcs_microsoftpartnercenter"]';
      expect(xml.attributes(`${section}//cell[control/@id="pcs_syncwithpartnercenter"]`)).toEqual([
        { id: expect.any(String), showlabel: 'false' },
      ]);
      expect(xml.values(`${section}//cell[@visible="false"]/control/@datafieldname`)).toEqual([
        'pcs_referralidentifier',
        'pcs_referrallink',
        'pcs_howcanmicrosofthelp',
        'pcs_referralvisibility',
        'pcs_products',
        'pcs_referralstatus',
        'pcs_referralsubstatus',
        'pcs_microsoftcrmidentifier',
        'pcs_respondby',
        'pcs_decision',
        'pcs_declinereason',
        'pcs_audit',
        'parentaccountid',
        'parentcontactid',
      ]);
      expect(xml.values(`${section}//cell[@visible="false"]/@showlabel`)).toEqual(Array<string>(14).fill('true'));
      expect(xml.attributes(`${section}//cell/control[@datafieldname="parentcontactid"]`)).toEqual([
        expect.objectContaining({ id: 'pcs_microsoftpartnercenter_parentcontactid', classid: '{270BD3DB-D9AF-4782-9025-509E298DEC0A}' }),
      ]);
      expect(xml.values(`${section}//cell[not(@visible)]/control/parameters/TargetEntityType`)).toEqual(['pcs_partnercentersolution']);
    });
  });

  test('check finds nothing wrong in the package (managed and unmanaged, new form and existing form)', async () => {
    expect(await checkSolution(built(), 'ours')).toEqual([]);
    expect(await checkSolution(generatePackage(model(), 'unmanaged'), 'ours')).toEqual([]);
    const onExistingForm = (config: PacConfig): void => {
      config.form = {
        mode: 'existingForm',
        formId: '{A837E4A7-01B8-4F82-A475-BE9ABD67E667}',
        tabId: '11111111-2222-3333-4444-555555555555',
        columnIndex: 1,
        columnWidth: '50%',
      };
    };
    const existing = defaultModel({ controls: [control] }, onExistingForm);
    const diff = generatePackage(existing, 'managed');
    expect(xpathValues(text(diff, 'customizations.xml'), '//controlDescription/customControl/@formFactor')).toEqual(['0', '1', '2']);
    // The diff form has the same (schema) findings with or without the control: the binding adds none.
    const withoutControl = generatePackage(defaultModel(undefined, onExistingForm), 'managed');
    expect(rules(await checkSolution(diff, 'ours'))).toEqual(rules(await checkSolution(withoutControl, 'ours')));
  });

  test('the build path (validate, generate, zip, check) accepts it', async () => {
    const [item] = buildPackages(model(), ['managed']);
    expect(await assertImportable(item!)).toEqual([]);
    const zipped = readZip(item!.bytes, item!.fileName).map((entry) => [entry.name, Buffer.from(entry.data).toString('base64')]);
    expect(zipped).toEqual(built().map((entry) => [entry.name, Buffer.from(entry.data).toString('base64')]));
    expect(zipped.map(([name]) => name)).toContain(`Controls/${NAME}/bundle.js`);
  });

  const manifestEntry = `Controls/${NAME}/ControlManifest.xml`;
  test.each<[string, (entries: ZipEntry[]) => ZipEntry[], string, RegExp]>([
    [
      'a parameter the manifest does not have',
      edit('customizations.xml', (t) =>
        t.replaceAll('<Audit type="Multiple">pcs_audit</Audit>', '<AuditLog type="Multiple">pcs_audit</AuditLog>'),
      ),
      'High form-control-property-unknown',
      /parameter <AuditLog> is not a property of Controls\/pcs_CoSell\.PartnerCenterSection\/ControlManifest\.xml/,
    ],
    [
      'a property bound to a column of another type',
      edit('customizations.xml', (t) =>
        t.replaceAll('<Audit type="Multiple">pcs_audit</Audit>', '<Audit type="Multiple">pcs_syncwithpartnercenter</Audit>'),
      ),
      'High form-control-type-mismatch',
      /property Audit \(Multiple\) is bound to pcs_syncwithpartnercenter, a TwoOptions column/,
    ],
    [
      'a parameter type the property does not declare',
      edit('customizations.xml', (t) => t.replaceAll('<ReferralLink type="SingleLine.URL">', '<ReferralLink type="SingleLine.Text">')),
      'High form-control-type-mismatch',
      /parameter ReferralLink says type="SingleLine\.Text", but the manifest declares SingleLine\.URL/,
    ],
    [
      'a manifest whose property type changed',
      edit(manifestEntry, (t) =>
        t.replace(
          'name="HowCanMicrosoftHelp" display-name-key="Property_HowCanMicrosoftHelp" of-type="MultiSelectOptionSet"',
          'name="HowCanMicrosoftHelp" display-name-key="Property_HowCanMicrosoftHelp" of-type="OptionSet"',
        ),
      ),
      'High form-control-type-mismatch',
      /HowCanMicrosoftHelp \(OptionSet\) is bound to pcs_howcanmicrosofthelp, a MultiSelectOptionSet column/,
    ],
    [
      'a bound column the package does not have',
      edit('customizations.xml', (t) =>
        t.replaceAll(
          '<ReferralIdentifier type="SingleLine.Text">pcs_referralidentifier<',
          '<ReferralIdentifier type="SingleLine.Text">pcs_referralnumber<',
        ),
      ),
      'High form-control-column-unknown',
      /ReferralIdentifier is bound to pcs_referralnumber, which is not an attribute of Opportunity/,
    ],
    [
      'a required property left unbound',
      edit('customizations.xml', (t) =>
        t.replaceAll(/<SyncWithPartnerCenter type="TwoOptions">pcs_syncwithpartnercenter<\/SyncWithPartnerCenter>/g, ''),
      ),
      'High form-control-property-missing',
      /required property SyncWithPartnerCenter not bound/,
    ],
    [
      'a control name the package does not ship',
      edit('customizations.xml', (t) => t.replaceAll(`name="${NAME}"`, 'name="pcs_CoSell.ReferralPanel"')),
      'High form-custom-control-unknown',
      /custom control pcs_CoSell\.ReferralPanel is not a CustomControl of this package/,
    ],
    [
      'a damaged control manifest',
      edit(manifestEntry, () => '<manifest><control'),
      'High custom-control-manifest-invalid',
      /ControlManifest\.xml is not well-formed XML/,
    ],
    [
      'a control without the bundle.js its manifest names',
      (entries) => entries.filter((entry) => entry.name !== `Controls/${NAME}/bundle.js`),
      'High custom-control-resource-missing',
      /ControlManifest\.xml names bundle\.js in <resources>, which is not in the package at Controls\/pcs_CoSell\.PartnerCenterSection\/bundle\.js/,
    ],
    [
      'a control without one of its resx files',
      (entries) => entries.filter((entry) => !entry.name.endsWith('.1028.resx')),
      'High custom-control-resource-missing',
      /names strings\/PartnerCenterSection\.1028\.resx in <resources>/,
    ],
  ])('%s is caught', async (_name, mutate, rule, message) => {
    const findings = await checkSolution(mutate(built()), 'mutated');
    expect(rules(findings)).toContain(rule);
    expect(findings.filter((f) => `${f.severity} ${f.rule}` === rule).map((f) => f.message)).toContainEqual(expect.stringMatching(message));
  });

  test('a control from another publisher (e.g. a Microsoft control) is not ours to check', async () => {
    const findings = await checkSolution(
      edit('customizations.xml', (t) => t.replaceAll(`name="${NAME}"`, 'name="MscrmControls.FieldControls.ToggleControl"'))(built()),
      'mutated',
    );
    expect(rules(findings)).not.toContain('High form-custom-control-unknown');
  });

  test('validateModel: a section control that names a missing control or an unknown property', () => {
    const bad = { ...model(), controls: [] };
    expect(() => validateModel(bad, 'm')).toThrow(
      /names code component "pcs_CoSell\.PartnerCenterSection" that model\.controls does not have/,
    );
    const renamed = model();
    const form = renamed.forms[0]!;
    const broken = {
      ...renamed,
      forms: [
        {
          ...form,
          section: { ...form.section, control: { ...form.section.control!, bindings: [{ property: 'Nope', column: 'pcs_audit' }] } },
        },
      ],
    };
    expect(() => validateModel(broken, 'm')).toThrow(/binds "Nope", which is not a bound property/);
  });
});

describe('cosell build with the control', () => {
  test('the default build reads pcf/out next to the config; a missing output stops it with the fix', async () => {
    const { runCli } = await import('../../scripts/cli.js');
    const { captureIo } = await import('../support/cli.js');
    const { readdir } = await import('node:fs/promises');
    const { writeProjectConfig } = await import('../support/model.js');
    const dir = await tempDir('pcf-build');
    await writeProjectConfig(dir);
    const io = captureIo(dir);
    expect(await runCli(['build'], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain(
      'pcf/out/controls/PartnerCenterSection: has no built PCF control (ControlManifest.xml is missing)\n  fix: run the PCF build first: `npm run pcf:build`',
    );
    expect(await runCli(['build', '--no-pcf', '--out', 'classic'], captureIo(dir))).toBe(0);
    const controlDir = path.join(dir, 'built-control');
    await mkdir(controlDir);
    await writeBuiltControlFixture(controlDir);
    const ok = captureIo(dir);
    expect(await runCli(['build', '--pcf', 'built-control', '--package-type', 'managed'], ok)).toBe(0);
    expect(await readdir(path.join(dir, 'out'))).toEqual(['CoSellSync_1_0_0_0_managed.zip']);
  });
});
