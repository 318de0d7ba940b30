import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkSolution, type Finding } from '../../packaging/check/check-solution.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { readBuiltControl } from '../../packaging/pcf-control.js';
import { UserError } from '../../core/errors.js';
import { generatePackage } from '../../packaging/generate/package.js';
import { decodeText, encodeText, type ZipEntry } from '../../core/io/zip.js';
import type { PacConfig } from '../../solution/config/config.js';
import type { CodeComponent } from '../../solution/model.js';
import { validateModel } from '../../solution/validate.js';
import { tempDir } from '../support/cli.js';
import { defaultModel } from '../support/model.js';
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
    expect(text(entries, 'customizations.xml')).toMatch(
      new RegExp(
        `<CustomControl>\\s*<Name>${NAME.replace('.', '\\.')}</Name>\\s*<FileName>/Controls/${NAME.replace('.', '\\.')}/ControlManifest\\.xml</FileName>`,
      ),
    );
    expect(text(entries, 'solution.xml')).toContain(`<RootComponent type="66" schemaName="${NAME}" behavior="0" />`);
    expect(text(entries, '[Content_Types].xml')).toContain('<Default Extension="resx" ContentType="application/octet-stream" />');
  });

  test('controlDescriptions: the classic fallback, then the control for form factors 0, 1 and 2 with every bound property and its of-type', () => {
    const xml = text(built(), 'customizations.xml');
    const description = /<controlDescription forControl="(\{[^"]+\})">([\s\S]*?)<\/controlDescription>/.exec(xml)!;
    expect(xml).toMatch(new RegExp(`<control id="pcs_syncwithpartnercenter" [^>]*uniqueid="${description[1]!.replace(/[{}]/g, '\\$&')}"`));
    const body = description[2]!;
    expect(body.indexOf('<customControl id="{B0C6723A-8503-4FD7-BB28-C8A06AC933C2}">')).toBeLessThan(body.indexOf('formFactor="0"'));
    expect(body).toContain('<datafieldname>pcs_syncwithpartnercenter</datafieldname>');
    expect([...body.matchAll(/<customControl formFactor="(\d)" name="([^"]+)">/g)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      `0 ${NAME}`,
      `1 ${NAME}`,
      `2 ${NAME}`,
    ]);
    for (const parameter of [
      '<SyncWithPartnerCenter type="TwoOptions">pcs_syncwithpartnercenter</SyncWithPartnerCenter>',
      '<ReferralLink type="SingleLine.URL">pcs_referrallink</ReferralLink>',
      '<HowCanMicrosoftHelp type="MultiSelectOptionSet">pcs_howcanmicrosofthelp</HowCanMicrosoftHelp>',
      '<ReferralStatus type="OptionSet">pcs_referralstatus</ReferralStatus>',
      '<Audit type="Multiple">pcs_audit</Audit>',
      '<CustomerContact type="Lookup.Simple">parentcontactid</CustomerContact>',
    ])
      expect(body.split(parameter)).toHaveLength(4);
  });

  test('the other section fields stay on the form as hidden cells; the anchor cell has no label', () => {
    const xml = text(built(), 'customizations.xml');
    const section = /<section name="pcs_microsoftpartnercenter"[\s\S]*?<\/section>/.exec(xml)![0];
    expect(section).toMatch(/<cell id="[^"]+" showlabel="false">\s*<labels>[\s\S]*?<control id="pcs_syncwithpartnercenter"/);
    expect(section.match(/visible="false"/g)).toHaveLength(9 + 2);
    expect(section).toMatch(
      /<cell id="[^"]+" showlabel="true" visible="false">[\s\S]*?<control id="pcs_microsoftpartnercenter_parentcontactid" classid="\{270BD3DB-D9AF-4782-9025-509E298DEC0A\}" datafieldname="parentcontactid"/,
    );
    expect(section).toContain('TargetEntityType>pcs_partnercentersolution<');
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
      };
    };
    const existing = defaultModel({ controls: [control] }, onExistingForm);
    const diff = generatePackage(existing, 'managed');
    expect(text(diff, 'customizations.xml')).toContain(`<customControl formFactor="2" name="${NAME}">`);
    // The diff form has the same (schema) findings with or without the control: the binding adds none.
    const withoutControl = generatePackage(defaultModel(undefined, onExistingForm), 'managed');
    expect(rules(await checkSolution(diff, 'ours'))).toEqual(rules(await checkSolution(withoutControl, 'ours')));
  });

  test('the build path (validate, generate, zip, check) accepts it', async () => {
    const [item] = buildPackages(model(), ['managed']);
    expect(item!.bytes.length).toBeGreaterThan(0);
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
