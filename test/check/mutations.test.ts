import { checkSolutionZip } from '../../packaging/check/check-solution.js';
import type { Finding } from '../../packaging/check/types.js';
import { encodeText, writeZip, type ZipEntry } from '../../core/io/zip.js';
import {
  AI_BUILDER,
  APPROVALS,
  blocking,
  check,
  fixtureEntries,
  renameEntry,
  replaceIn,
  summary,
  textOf,
  withEntry,
  withoutEntry,
} from './helpers.js';
import { describeWithShared } from '../support/fixtures.js';

/**
 * Mutation catalogue: start from a real export that passes, break one thing in memory, and assert the
 * exact rule and severity that catches it. `only` tests also assert that nothing else blocks, so a
 * rule firing on the wrong cause is noticed.
 */

// ApprovalsConnectorSetup (unmanaged): 1 flow, 1 env var, 1 connection reference.
const FLOW_ID = '79cc39cc-595a-ee11-be6f-6045bd033774';
const FLOW_JSON = 'Workflows/ApprovalsSetup-79CC39CC-595A-EE11-BE6F-6045BD033774.json';
const CONNECTION_REFERENCE = 'powercat_sharedapprovals_f76aa';
const ENV_VAR = 'powercat_AdminAccount';
const ENV_VAR_DEFINITION = `environmentvariabledefinitions/${ENV_VAR}/environmentvariabledefinition.xml`;
const SOLUTION = 'solution.xml';
const CUSTOMIZATIONS = 'customizations.xml';
const CONTENT_TYPES = '[Content_Types].xml';

const approvals = (): ZipEntry[] => fixtureEntries(APPROVALS);
const aiBuilder = (): ZipEntry[] => fixtureEntries(AI_BUILDER);

/** The rule/severity pairs of the blocking findings, sorted, for exact comparison. */
const blockingSummary = (findings: readonly Finding[]): string[] => summary(blocking(findings)).sort();

async function expectFinding(entries: readonly ZipEntry[], expected: string, options: { only?: boolean } = {}): Promise<Finding[]> {
  const findings = await check(entries);
  expect(summary(findings)).toContain(expected);
  if (options.only) expect(new Set(blockingSummary(findings))).toEqual(new Set([expected]));
  return findings;
}

describeWithShared('mutation catalogue', () => {
  // --- the zip itself ------------------------------------------------------------------------------
  test('not-a-zip bytes → zip-unreadable / Critical', async () => {
    const findings = await checkSolutionZip(encodeText('this is not a zip file at all'), 'random.zip');
    expect(summary(findings)).toEqual(['zip-unreadable/Critical']);
    expect(findings[0]?.message).toContain('random.zip is not a readable zip archive');
  });

  test("a zip without solution.xml → root-entries / Critical with Dataverse's message", async () => {
    const bytes = writeZip(withoutEntry(approvals(), (name) => name === SOLUTION));
    const findings = await checkSolutionZip(bytes, 'no-solution.zip');
    expect(blockingSummary(findings)).toEqual(['root-entries/Critical']);
    expect(findings[0]?.message).toContain(
      'The compressed file must contain the following files at its root: solution.xml, customizations.xml, and [Content_Types].xml',
    );
    expect(findings[0]?.message).toContain('missing: solution.xml');
  });

  test('a zip of unrelated files → only root-entries / Critical, "not a Dataverse solution"', async () => {
    const findings = await check([{ name: 'readme.txt', data: encodeText('hello') }]);
    expect(summary(findings)).toEqual(['root-entries/Critical']);
    expect(findings[0]?.fix).toContain('not a Dataverse solution');
  });

  test('root entry removed ([Content_Types].xml) → root-entries / Critical', async () => {
    await expectFinding(
      withoutEntry(approvals(), (name) => name === CONTENT_TYPES),
      'root-entries/Critical',
      { only: true },
    );
  });

  test('content type missing for an extension (json) → content-types / High', async () => {
    const entries = replaceIn(approvals(), CONTENT_TYPES, '<Default Extension="json" ContentType="application/octet-stream" />', '');
    const findings = await expectFinding(entries, 'content-types/High', { only: true });
    expect(findings.find((f) => f.rule === 'content-types')?.message).toContain('Extension="json"');
  });

  // --- solution.xml ----------------------------------------------------------------------------------
  test('Managed=2 in a zip → solution-managed / Critical', async () => {
    await expectFinding(replaceIn(approvals(), SOLUTION, '<Managed>0</Managed>', '<Managed>2</Managed>'), 'solution-managed/Critical', {
      only: true,
    });
  });

  test.each(['1.0.0.0.1', 'v1.0', '1', '1.0.x'])('bad version string %s → solution-version / Critical', async (version) => {
    await expectFinding(
      replaceIn(approvals(), SOLUTION, '<Version>1.0.0.1</Version>', `<Version>${version}</Version>`),
      'solution-version/Critical',
      { only: true },
    );
  });

  test.each(['mscrm', 'mscrmx', 'abcdefghi', '1ab', 'c'])('bad publisher prefix %s → publisher-prefix / Critical', async (prefix) => {
    await expectFinding(
      replaceIn(
        approvals(),
        SOLUTION,
        '<CustomizationPrefix>cat</CustomizationPrefix>',
        `<CustomizationPrefix>${prefix}</CustomizationPrefix>`,
      ),
      'publisher-prefix/Critical',
      { only: true },
    );
  });

  test.each(['9999', '100000', 'abc'])('option value prefix %s out of range → publisher-option-prefix / Critical', async (value) => {
    const entries = replaceIn(
      approvals(),
      SOLUTION,
      '<CustomizationOptionValuePrefix>69510</CustomizationOptionValuePrefix>',
      `<CustomizationOptionValuePrefix>${value}</CustomizationOptionValuePrefix>`,
    );
    await expectFinding(entries, 'publisher-option-prefix/Critical', { only: true });
  });

  test('solution UniqueName with a space → solution-unique-name / Critical', async () => {
    await expectFinding(
      replaceIn(approvals(), SOLUTION, '<UniqueName>ApprovalsConnectorSetup</UniqueName>', '<UniqueName>Approvals Setup</UniqueName>'),
      'solution-unique-name/Critical',
      { only: true },
    );
  });

  test('solution.xml element out of the export order → solution-xsd / High', async () => {
    const entries = replaceIn(approvals(), SOLUTION, /(<Version>1\.0\.0\.1<\/Version>)\s*(<Managed>0<\/Managed>)/, '$2$1');
    await expectFinding(entries, 'solution-xsd/High', { only: true });
  });

  // Form roots (type 60): a table form, a dashboard, or a form MissingDependencies says the target has.
  const FORM_ROOT_ID = '{e0d97cdc-4c20-4e03-bc2a-6dbc6cb1d2c2}';
  const withFormRoot = (entries: readonly ZipEntry[]): ZipEntry[] =>
    replaceIn(entries, SOLUTION, '</RootComponents>', `<RootComponent type="60" id="${FORM_ROOT_ID}" behavior="0" /></RootComponents>`);

  test('a form root that is in no table nor dashboard of the package → root-form-missing / Critical', async () => {
    await expectFinding(withFormRoot(approvals()), 'root-form-missing/Critical', { only: true });
  });

  test("a form root that MissingDependencies lists as Required (another solution's form, as P2CFieldService) is accepted", async () => {
    const entries = replaceIn(
      withFormRoot(approvals()),
      SOLUTION,
      '<MissingDependencies />',
      `<MissingDependencies><MissingDependency><Required type="60" displayName="Quick Create Work Order" solution="FieldService (8.2.0.286)" id="${FORM_ROOT_ID}" /><Dependent type="60" id="${FORM_ROOT_ID}" /></MissingDependency></MissingDependencies>`,
    );
    expect(blockingSummary(await check(entries))).toEqual([]);
  });

  test('a form root that is a dashboard of the package is accepted; another form id still is not', async () => {
    const dashboard = `<Dashboards><Dashboard><LocalizedNames><LocalizedName description="Overview" languagecode="1033" /></LocalizedNames><FormId>${FORM_ROOT_ID}</FormId><IsCustomizable>1</IsCustomizable><IsDefault>0</IsDefault><FormXml><forms type="dashboard"><form><tabs><tab><columns><column width="100%"><sections /></column></columns></tab></tabs></form></forms></FormXml></Dashboard></Dashboards>`;
    const withDashboard = replaceIn(
      withFormRoot(approvals()),
      CUSTOMIZATIONS,
      '<connectionreferences>',
      `${dashboard}<connectionreferences>`,
    );
    expect(summary(blocking(await check(withDashboard))).filter((s) => s.startsWith('root-form-missing'))).toEqual([]);
    const otherId = replaceIn(
      withDashboard,
      CUSTOMIZATIONS,
      `<FormId>${FORM_ROOT_ID}</FormId>`,
      '<FormId>{00000000-0000-0000-0000-000000000001}</FormId>',
    );
    expect(summary(blocking(await check(otherId)))).toContain('root-form-missing/Critical');
  });

  // MissingDependencies: a Required node may name its packages (corpus exports), nothing else.
  const missingDependency = (required: string): string =>
    `<MissingDependencies><MissingDependency><Required type="1" schemaName="opportunity" solution="msdynce_Sales (9.0.4.0076)">${required}</Required><Dependent type="2" schemaName="x" /></MissingDependency></MissingDependencies>`;

  test('a MissingDependency Required naming its <package>s (as corpus exports do) is accepted', async () => {
    const entries = replaceIn(
      approvals(),
      SOLUTION,
      '<MissingDependencies />',
      missingDependency('<package appName="Sales" version="9.0.1">msdynce_SalesAnchor (9.0.1)</package><package>other (1.0)</package>'),
    );
    expect(blockingSummary(await check(entries))).toEqual([]);
  });

  test('a MissingDependency Required with another child than <package> → solution-xsd / High', async () => {
    const entries = replaceIn(approvals(), SOLUTION, '<MissingDependencies />', missingDependency('<component>opportunity</component>'));
    await expectFinding(entries, 'solution-xsd/High', { only: true });
  });

  test('ConfigurationPage after Publisher (out of the export order) → solution-xsd / High', async () => {
    const entries = replaceIn(approvals(), SOLUTION, '</Publisher>', '</Publisher><ConfigurationPage>cat_/config.html</ConfigurationPage>');
    await expectFinding(entries, 'solution-xsd/High', { only: true });
  });

  test('a per-environment root component type (connection reference) → root-component-type / High', async () => {
    const entries = replaceIn(
      approvals(),
      SOLUTION,
      '</RootComponents>',
      `<RootComponent type="10091" schemaName="${CONNECTION_REFERENCE}" behavior="0" /></RootComponents>`,
    );
    await expectFinding(entries, 'root-component-type/High', { only: true });
  });

  // --- customizations.xml ----------------------------------------------------------------------------
  test('broken XML in customizations.xml → customizations-xml-invalid / Critical with the line', async () => {
    const findings = await expectFinding(
      replaceIn(approvals(), CUSTOMIZATIONS, '</Workflows>', '</Workflow>'),
      'customizations-xml-invalid/Critical',
    );
    expect(findings.find((f) => f.rule === 'customizations-xml-invalid')?.where).toMatch(/^line \d+$/);
  });

  test('XSD-invalid element → customizations-xsd / Critical with line and libxml2 message', async () => {
    const entries = replaceIn(approvals(), CUSTOMIZATIONS, '<Subprocess>0</Subprocess>', '<Subprocess>0</Subprocess><Colour>red</Colour>');
    const findings = await expectFinding(entries, 'customizations-xsd/Critical', { only: true });
    const xsd = findings.find((f) => f.rule === 'customizations-xsd');
    expect(xsd?.message).toContain('XSD validation failed');
    expect(xsd?.message).toContain("Element 'Colour': This element is not expected.");
    expect(xsd?.where).toBe('/ImportExportXml/Workflows/Workflow/Colour (line 8)');
  });

  test('ModernFlowType (admitted for agent flows) holding a word → customizations-xsd / Critical', async () => {
    const entries = replaceIn(
      approvals(),
      CUSTOMIZATIONS,
      '<PrimaryEntity>none</PrimaryEntity>',
      '<ModernFlowType>agent</ModernFlowType><PrimaryEntity>none</PrimaryEntity>',
    );
    await expectFinding(entries, 'customizations-xsd/Critical', { only: true });
  });

  test('ModernFlowType before IsCustomProcessingStepAllowedForOtherPublishers (out of order) → customizations-xsd / Critical', async () => {
    const entries = replaceIn(
      approvals(),
      CUSTOMIZATIONS,
      '<BusinessProcessType>0</BusinessProcessType>',
      '<BusinessProcessType>0</BusinessProcessType><ModernFlowType>0</ModernFlowType>',
    );
    await expectFinding(entries, 'customizations-xsd/Critical', { only: true });
  });

  test('the root attributes of 2024+ exports are admitted, an unknown root attribute is not → customizations-xsd / Critical', async () => {
    const root = '<ImportExportXml xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
    const modern = `${root} OrganizationVersion="9.2.25072.226" OrganizationSchemaType="Full" CRMServerServiceabilityVersion="9.2.25072.00226"`;
    expect(blockingSummary(await check(replaceIn(approvals(), CUSTOMIZATIONS, root, modern)))).toEqual([]);
    await expectFinding(replaceIn(approvals(), CUSTOMIZATIONS, root, `${modern} OrganizationFlavor="x"`), 'customizations-xsd/Critical', {
      only: true,
    });
  });

  test('XSD-invalid value (a version with letters) → customizations-xsd / Critical', async () => {
    const entries = replaceIn(
      approvals(),
      CUSTOMIZATIONS,
      '<IntroducedVersion>1.0.0.0</IntroducedVersion>',
      '<IntroducedVersion>one</IntroducedVersion>',
    );
    await expectFinding(entries, 'customizations-xsd/Critical', { only: true });
  });

  // --- root components ↔ components ------------------------------------------------------------------
  test('mismatched id between root component and Workflow → root-workflow-missing + workflow-not-root / Critical', async () => {
    const entries = replaceIn(approvals(), SOLUTION, `id="{${FLOW_ID}}"`, 'id="{00000000-1111-2222-3333-444444444444}"');
    const findings = await check(entries);
    expect(blockingSummary(findings)).toEqual(['root-workflow-missing/Critical', 'workflow-not-root/Critical']);
  });

  test('root ids compare case-insensitively and with or without braces', async () => {
    const entries = replaceIn(approvals(), SOLUTION, `id="{${FLOW_ID}}"`, `id="${FLOW_ID.toUpperCase()}"`);
    expect(blocking(await check(entries))).toEqual([]);
  });

  test('Entity without a type-1 root → entity-not-root / Critical (0x8004803a)', async () => {
    const entries = replaceIn(aiBuilder(), SOLUTION, /<RootComponent type="1" schemaName="aib_issuer" behavior="0" \/>\s*/, '');
    const findings = await expectFinding(entries, 'entity-not-root/Critical', { only: true });
    expect(findings.find((f) => f.rule === 'entity-not-root')?.message).toContain('0x8004803a');
  });

  test('type-1 root (include all) without an Entity node → root-entity-missing / Critical', async () => {
    const entries = replaceIn(
      aiBuilder(),
      SOLUTION,
      '</RootComponents>',
      '<RootComponent type="1" schemaName="aib_ghost" behavior="0" /></RootComponents>',
    );
    await expectFinding(entries, 'root-entity-missing/Critical', { only: true });
  });

  test('shell root of a system table without an Entity node is fine (Contoso-style extension)', async () => {
    const entries = replaceIn(
      aiBuilder(),
      SOLUTION,
      '</RootComponents>',
      '<RootComponent type="1" schemaName="opportunity" behavior="2" /></RootComponents>',
    );
    expect(blocking(await check(entries))).toEqual([]);
  });

  test('global option set without its type-9 root → optionset-not-root / Critical', async () => {
    const entries = replaceIn(aiBuilder(), SOLUTION, /<RootComponent type="9" schemaName="aib_proposalstatus" behavior="0" \/>\s*/, '');
    await expectFinding(entries, 'optionset-not-root/Critical', { only: true });
  });

  test('type-66 root without CustomControls entry, and a control without its manifest file', async () => {
    const control = 'cat_PowerCAT.Panel';
    let entries = replaceIn(
      approvals(),
      SOLUTION,
      '</RootComponents>',
      `<RootComponent type="66" schemaName="${control}" behavior="0" /></RootComponents>`,
    );
    expect(blockingSummary(await check(entries))).toEqual(['root-custom-control-missing/Critical']);
    entries = replaceIn(
      entries,
      CUSTOMIZATIONS,
      '<CustomControls />',
      `<CustomControls><CustomControl><Name>${control}</Name><FileName>/Controls/${control}/ControlManifest.xml</FileName></CustomControl></CustomControls>`,
    );
    expect(blockingSummary(await check(entries))).toEqual(['custom-control-manifest-missing/Critical']);
    entries = withEntry(
      entries,
      `Controls/${control}/ControlManifest.xml`,
      '<manifest><control namespace="PowerCAT" constructor="Panel" version="0.0.1" /></manifest>',
    );
    expect(blocking(await check(entries))).toEqual([]);
  });

  test('any other file reference into the zip (classic workflow XAML) must exist → referenced-file-missing / Critical', async () => {
    const entries = replaceIn(
      approvals(),
      CUSTOMIZATIONS,
      '<JsonFileName>',
      '<XamlFileName>/Workflows/Classic-79CC39CC-595A-EE11-BE6F-6045BD033774.xaml</XamlFileName><JsonFileName>',
    );
    const findings = await expectFinding(entries, 'referenced-file-missing/Critical', { only: true });
    expect(findings.find((f) => f.rule === 'referenced-file-missing')?.message).toBe(
      '<XamlFileName> of <Workflow> points to Workflows/Classic-79CC39CC-595A-EE11-BE6F-6045BD033774.xaml, which is not in the zip',
    );
  });

  // --- flows -------------------------------------------------------------------------------------------
  test('flow JSON file missing → flow-json-missing / Critical', async () => {
    await expectFinding(
      withoutEntry(approvals(), (name) => name === FLOW_JSON),
      'flow-json-missing/Critical',
      { only: true },
    );
  });

  test('flow JSON not valid JSON → flow-json-invalid / Critical', async () => {
    await expectFinding(withEntry(approvals(), FLOW_JSON, '{ "properties": { "definition": '), 'flow-json-invalid/Critical', {
      only: true,
    });
  });

  test('unknown trigger type in a cloud flow (Category 5) → flow-trigger-type / High; in a macro (Category 9000) it is not checked', async () => {
    const withStart = replaceIn(approvals(), FLOW_JSON, /"type": *"Request"/, '"type": "Start"');
    await expectFinding(withStart, 'flow-trigger-type/High', { only: true });
    const macro = replaceIn(withStart, CUSTOMIZATIONS, '<Category>5</Category>', '<Category>9000</Category>');
    expect(summary(await check(macro)).filter((rule) => rule.startsWith('flow-'))).toEqual([]);
  });

  test('an action name with spaces → flow-name-whitespace / Medium only (CustomerServiceCS ran one); over 80 characters → flow-name-invalid / High', async () => {
    const spaced = replaceIn(approvals(), FLOW_JSON, '"Create_an_approval"', '"Create an approval"');
    const findings = await check(spaced);
    expect(summary(findings)).toContain('flow-name-whitespace/Medium');
    expect(blockingSummary(findings)).toEqual([]);
    await expectFinding(replaceIn(approvals(), FLOW_JSON, '"Create_an_approval"', `"${'A'.repeat(81)}"`), 'flow-name-invalid/High', {
      only: true,
    });
  });

  test('flow JSON with a BOM is still read', async () => {
    expect(blocking(await check(withEntry(approvals(), FLOW_JSON, `\ufeff${textOf(approvals(), FLOW_JSON)}`)))).toEqual([]);
  });

  test('connection reference used but not declared → connection-reference-undeclared / High', async () => {
    const entries = replaceIn(
      approvals(),
      CUSTOMIZATIONS,
      /<connectionreferences>[\s\S]*<\/connectionreferences>/,
      '<connectionreferences />',
    );
    const findings = await expectFinding(entries, 'connection-reference-undeclared/High', { only: true });
    expect(findings.find((f) => f.rule === 'connection-reference-undeclared')?.where).toBe(
      'properties.connectionReferences.shared_approvals.connection.connectionReferenceLogicalName',
    );
  });

  test('env var parameter without definition → flow-envvar-undefined / High', async () => {
    await expectFinding(
      withoutEntry(approvals(), (name) => name === ENV_VAR_DEFINITION),
      'flow-envvar-undefined/High',
      { only: true },
    );
  });

  // --- environment variables ------------------------------------------------------------------------
  test('env var folder/schemaname mismatch → envvar-folder-mismatch / High', async () => {
    const entries = renameEntry(
      approvals(),
      ENV_VAR_DEFINITION,
      'environmentvariabledefinitions/powercat_AdminAcct/environmentvariabledefinition.xml',
    );
    await expectFinding(entries, 'envvar-folder-mismatch/High', { only: true });
  });

  test('value baked into a managed env var → envvar-value-in-managed / Medium (not blocking)', async () => {
    let entries = replaceIn(approvals(), SOLUTION, '<Managed>0</Managed>', '<Managed>1</Managed>');
    entries = withEntry(
      entries,
      `environmentvariabledefinitions/${ENV_VAR}/environmentvariablevalues.json`,
      '{"environmentvariablevalues":{"environmentvariablevalue":{"@environmentvariablevalueid":"02b34632-9c07-ec11-94ef-00224826aa05","iscustomizable":"1","value":"admin@contoso.com"}}}',
    );
    const findings = await check(entries);
    expect(summary(findings)).toContain('envvar-value-in-managed/Medium');
    expect(blocking(findings)).toEqual([]);
    expect(findings.find((f) => f.rule === 'envvar-value-in-managed')?.message).toContain(
      'the shipped current value overrides what each environment sets; ship only the default',
    );
  });

  test('the same value file in an UNMANAGED zip is fine', async () => {
    const entries = withEntry(
      approvals(),
      `environmentvariabledefinitions/${ENV_VAR}/environmentvariablevalues.json`,
      '{"environmentvariablevalues":{}}',
    );
    expect(summary(await check(entries))).not.toContain('envvar-value-in-managed/Medium');
  });

  test('unknown env var type → envvar-type / High', async () => {
    await expectFinding(
      replaceIn(approvals(), ENV_VAR_DEFINITION, '<type>100000000</type>', '<type>100000009</type>'),
      'envvar-type/High',
      { only: true },
    );
  });

  test('Boolean env var with default "true" → envvar-default / High; "yes" passes', async () => {
    const boolean = replaceIn(approvals(), ENV_VAR_DEFINITION, '<type>100000000</type>', '<type>100000002</type>');
    await expectFinding(
      replaceIn(boolean, ENV_VAR_DEFINITION, '<introducedversion>', '<defaultvalue>true</defaultvalue><introducedversion>'),
      'envvar-default/High',
      { only: true },
    );
    expect(
      blocking(
        await check(replaceIn(boolean, ENV_VAR_DEFINITION, '<introducedversion>', '<defaultvalue>yes</defaultvalue><introducedversion>')),
      ),
    ).toEqual([]);
  });

  test('reserved env var name $connections → envvar-reserved-name / High', async () => {
    let entries = replaceIn(approvals(), ENV_VAR_DEFINITION, `schemaname="${ENV_VAR}"`, 'schemaname="$connections"');
    entries = renameEntry(entries, ENV_VAR_DEFINITION, 'environmentvariabledefinitions/$connections/environmentvariabledefinition.xml');
    const findings = await check(entries);
    expect(summary(findings)).toContain('envvar-reserved-name/High');
  });

  // --- names -------------------------------------------------------------------------------------------
  test('schema name without prefix → name-no-prefix / High', async () => {
    let entries = replaceIn(approvals(), CUSTOMIZATIONS, CONNECTION_REFERENCE, 'sharedapprovals');
    entries = replaceIn(entries, FLOW_JSON, CONNECTION_REFERENCE, 'sharedapprovals');
    const findings = await expectFinding(entries, 'name-no-prefix/High', { only: true });
    expect(findings.find((f) => f.rule === 'name-no-prefix')?.message).toContain(
      'connection reference sharedapprovals has no publisher prefix',
    );
  });

  test('environment variable without prefix → name-no-prefix / Medium only (DocumentSubmission of the corpus imported with three)', async () => {
    let entries = replaceIn(approvals(), ENV_VAR_DEFINITION, `schemaname="${ENV_VAR}"`, 'schemaname="AdminAccount"');
    entries = renameEntry(entries, ENV_VAR_DEFINITION, 'environmentvariabledefinitions/AdminAccount/environmentvariabledefinition.xml');
    entries = replaceIn(entries, FLOW_JSON, new RegExp(ENV_VAR, 'g'), 'AdminAccount');
    const findings = await check(entries);
    expect(summary(findings)).toContain('name-no-prefix/Medium');
    expect(blockingSummary(findings)).toEqual([]);
  });

  test("prefix different from the publisher's → name-prefix-mismatch / Medium only (ApprovalsConnectorSetup imported fine)", async () => {
    const findings = await check(approvals());
    expect(summary(findings)).toEqual(['name-prefix-mismatch/Medium', 'name-prefix-mismatch/Medium']);
  });

  test('custom column without prefix → name-no-prefix / High', async () => {
    const entries = replaceIn(aiBuilder(), CUSTOMIZATIONS, '<attribute PhysicalName="aib_Title">', '<attribute PhysicalName="Title">');
    await expectFinding(entries, 'name-no-prefix/High', { only: true });
  });

  test('name too long (connection reference over 200 characters, its column MaxLength) → name-too-long / Critical', async () => {
    const long = `powercat_${'x'.repeat(192)}`;
    let entries = replaceIn(approvals(), CUSTOMIZATIONS, CONNECTION_REFERENCE, long);
    entries = replaceIn(entries, FLOW_JSON, CONNECTION_REFERENCE, long);
    await expectFinding(entries, 'name-too-long/Critical', { only: true });
  });

  test('a connection reference name of 110 characters (as Copilot Studio writes them) is accepted', async () => {
    const long = `powercat_${'x'.repeat(101)}`;
    let entries = replaceIn(approvals(), CUSTOMIZATIONS, CONNECTION_REFERENCE, long);
    entries = replaceIn(entries, FLOW_JSON, CONNECTION_REFERENCE, long);
    expect(blockingSummary(await check(entries))).toEqual([]);
  });

  test('column name over 50 characters → name-too-long / Critical (the XSD also rejects it)', async () => {
    const entries = replaceIn(
      aiBuilder(),
      CUSTOMIZATIONS,
      '<attribute PhysicalName="aib_Title">',
      `<attribute PhysicalName="aib_${'T'.repeat(50)}">`,
    );
    const findings = await check(entries);
    expect(summary(findings)).toContain('name-too-long/Critical');
  });

  // --- duplicates ------------------------------------------------------------------------------------
  test('duplicate WorkflowId → duplicate-id / Critical', async () => {
    const customizations = textOf(approvals(), CUSTOMIZATIONS);
    const workflow = /<Workflow [\s\S]*<\/Workflow>/.exec(customizations)?.[0] ?? '';
    const entries = replaceIn(approvals(), CUSTOMIZATIONS, '</Workflows>', `${workflow}</Workflows>`);
    await expectFinding(entries, 'duplicate-id/Critical', { only: true });
  });

  test('duplicate option value within a set → duplicate-id / Critical', async () => {
    const entries = replaceIn(aiBuilder(), CUSTOMIZATIONS, '<option value="747940001"', '<option value="747940000"');
    const findings = await expectFinding(entries, 'duplicate-id/Critical', { only: true });
    expect(findings.find((f) => f.rule === 'duplicate-id')?.message).toBe(
      'option value in aib_proposalstatus 747940000 is defined 2 times',
    );
  });

  test('duplicate column logical name within a table → duplicate-id / Critical', async () => {
    const entries = replaceIn(
      aiBuilder(),
      CUSTOMIZATIONS,
      /<Name>aib_title<\/Name>\s*<LogicalName>aib_title<\/LogicalName>/,
      '<Name>aib_name</Name><LogicalName>aib_name</LogicalName>',
    );
    await expectFinding(entries, 'duplicate-id/Critical');
  });

  test('duplicate cell id within a form → duplicate-form-element-id / High', async () => {
    const entries = replaceIn(
      aiBuilder(),
      CUSTOMIZATIONS,
      '<cell id="{e58ba60d-1d4e-495f-90ab-0d4e8b9baebd}"',
      '<cell id="{58e3a765-6d9d-4684-84a4-ee290f5a249f}"',
    );
    await expectFinding(entries, 'duplicate-form-element-id/High', { only: true });
  });

  // --- forms -------------------------------------------------------------------------------------------
  test('controlDescription for a control that is not in the form → form-control-description-orphan / Medium', async () => {
    const description =
      '<controlDescriptions><controlDescription forControl="{00000000-0000-0000-0000-0000000000aa}"><customControl name="aib_Sample.Control" formFactor="0"><parameters /></customControl></controlDescription></controlDescriptions>';
    const entries = replaceIn(aiBuilder(), CUSTOMIZATIONS, '</tabs>', `</tabs>${description}`);
    const findings = await check(entries);
    expect(summary(findings)).toContain('form-control-description-orphan/Medium');
    expect(blocking(findings)).toEqual([]);
  });

  test('form control bound to a column of the own prefix that is not in the package → form-field-unknown / High', async () => {
    const entries = replaceIn(aiBuilder(), CUSTOMIZATIONS, 'datafieldname="aib_name"', 'datafieldname="aib_nosuchcolumn"');
    await expectFinding(entries, 'form-field-unknown/High', { only: true });
  });

  test('a whole form without <tabs> → form-tabs-missing / Critical; a diff form (solutionaction) may omit them', async () => {
    const noTabs = replaceIn(aiBuilder(), CUSTOMIZATIONS, /<tabs>[\s\S]*?<\/tabs>/, '');
    const findings = await expectFinding(noTabs, 'form-tabs-missing/Critical', { only: true });
    expect(findings.find((f) => f.rule === 'form-tabs-missing')?.message).toContain('has no <tabs>');
    const diff = replaceIn(noTabs, CUSTOMIZATIONS, '<form>', '<form solutionaction="Modified">');
    expect(blockingSummary(await check(diff))).toEqual([]);
  });

  test('a control bound through a relationship (process flow forms) is checked against the table at its other end', async () => {
    const through = (relationship: string, column: string): ZipEntry[] =>
      replaceIn(
        aiBuilder(),
        CUSTOMIZATIONS,
        'datafieldname="aib_name" disabled="false"',
        `datafieldname="${column}" relationship="${relationship}" disabled="false"`,
      );
    expect(blockingSummary(await check(through('aib_Proposal_aib_Issuer_aib_Issuer', 'aib_name')))).toEqual([]);
    const findings = await expectFinding(through('aib_Proposal_aib_Issuer_aib_Issuer', 'aib_nosuchcolumn'), 'form-field-unknown/High', {
      only: true,
    });
    expect(findings.find((f) => f.rule === 'form-field-unknown')?.message).toMatch(
      /aib_nosuchcolumn, which is not an attribute of aib_(Proposal|Issuer)/,
    );
    // A relationship the package does not hold links tables of the target: their columns are not checked.
    expect(blockingSummary(await check(through('bpf_aib_proposal_other', 'aib_nosuchcolumn')))).toEqual([]);
  });
});
