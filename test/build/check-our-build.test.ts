import { checkSolution, type Finding } from '../../packaging/check/check-solution.js';
import { generatePackage } from '../../packaging/generate/package.js';
import { decodeText, encodeText, type ZipEntry } from '../../core/io/zip.js';
import { componentId } from '../../solution/ids.js';
import { defaultModel } from '../support/model.js';

/**
 * `check` on what `build` produces: clean as built, and each mutation of our own package (the ways a
 * hand edit or a generator bug would break it) is caught with the rule and severity Dataverse implies.
 */

const flowId = componentId('workflow', 'check-test-flow');
const model = defaultModel({
  flows: [
    {
      id: flowId,
      name: 'Check Test Flow',
      description: 'uses a connection reference and an env var',
      document: {
        properties: {
          connectionReferences: {
            shared_commondataserviceforapps: {
              runtimeSource: 'embedded',
              connection: { connectionReferenceLogicalName: 'pcs_Dataverse' },
              api: { name: 'shared_commondataserviceforapps' },
            },
          },
          definition: {
            $schema: 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
            contentVersion: '1.0.0.0',
            parameters: {
              $connections: { defaultValue: {}, type: 'Object' },
              $authentication: { defaultValue: {}, type: 'SecureObject' },
              'Checkmark (pcs_Checkmark)': { defaultValue: true, type: 'Bool', metadata: { schemaName: 'pcs_Checkmark' } },
            },
            triggers: { manual: { type: 'Request', kind: 'Button', inputs: { schema: { type: 'object', properties: {} } } } },
            actions: {},
          },
        },
        schemaVersion: '1.0.0.0',
      },
    },
  ],
});
const built = generatePackage(model, 'managed');
const flowFile = `Workflows/CheckTestFlow-${flowId.toUpperCase()}.json`;

const edit =
  (name: string, change: (text: string) => string) =>
  (entries: ZipEntry[]): ZipEntry[] =>
    entries.map((entry) => (entry.name === name ? { name, data: encodeText(change(decodeText(entry.data))) } : entry));
const blocking = (findings: Finding[]) => findings.filter((f) => f.severity === 'Critical' || f.severity === 'High');

describe('check on our own build', () => {
  test('the built package (with a flow) has no findings at all', async () => {
    expect(await checkSolution(built, 'ours')).toEqual([]);
    expect(await checkSolution(generatePackage(defaultModel(), 'unmanaged'), 'ours')).toEqual([]);
  });

  test.each<[string, (entries: ZipEntry[]) => ZipEntry[], Finding['severity'], RegExp, string]>([
    ['solution.xml removed', (e) => e.filter((x) => x.name !== 'solution.xml'), 'Critical', /solution\.xml/, 'root-entries'],
    [
      'column schema name without prefix',
      edit('customizations.xml', (t) => t.replace(/pcs_Products\b/g, 'Products').replace(/pcs_products\b/g, 'products')),
      'High',
      /Products/,
      'name-no-prefix',
    ],
    [
      'broken XML',
      edit('customizations.xml', (t) => t.replace('</Entities>', '</Entitie>')),
      'Critical',
      /customizations\.xml|XML/,
      'customizations-xml-invalid',
    ],
    [
      'flow id differs from its root component',
      edit('solution.xml', (t) => t.replace(flowId, componentId('workflow', 'other'))),
      'Critical',
      /not declared as a root component/,
      'workflow-not-root',
    ],
    ['flow JSON file missing', (e) => e.filter((x) => x.name !== flowFile), 'Critical', /Workflows\//, 'flow-json-missing'],
    [
      'connection reference not declared',
      edit('customizations.xml', (t) =>
        t.replace('connectionreferencelogicalname="pcs_Dataverse"', 'connectionreferencelogicalname="pcs_Other"'),
      ),
      'High',
      /pcs_Dataverse/,
      'connection-reference-undeclared',
    ],
    [
      'env var definition missing',
      (e) => e.filter((x) => !x.name.startsWith('environmentvariabledefinitions/pcs_Checkmark/')),
      'High',
      /pcs_Checkmark/,
      'flow-envvar-undefined',
    ],
    [
      'XSD-invalid element',
      edit('customizations.xml', (t) => t.replace('<IsSecured>0</IsSecured>', '<IsSecured>maybe</IsSecured>')),
      'Critical',
      /IsSecured/,
      'customizations-xsd',
    ],
  ])('%s is caught', async (_name, mutate, severity, mentions, rule) => {
    const findings = await checkSolution(mutate(built), 'mutated');
    const hit = findings.find(
      (f) => f.rule === rule && f.severity === severity && mentions.test(`${f.message} ${f.entry ?? ''} ${f.where ?? ''}`),
    );
    if (!hit) throw new Error(`not caught as ${severity}:\n${JSON.stringify(findings, null, 2)}`);
    expect(blocking(findings)).toContainEqual(hit);
  });

  test('a current value baked into the managed package is a Medium finding', async () => {
    const valueFile = {
      name: 'environmentvariabledefinitions/pcs_Checkmark/environmentvariablevalues.json',
      data: encodeText(
        JSON.stringify({
          environmentvariablevalues: {
            environmentvariablevalue: { '@environmentvariablevalueid': componentId('envvalue', 'x'), iscustomizable: '1', value: 'no' },
          },
        }),
      ),
    };
    const findings = await checkSolution([...built, valueFile], 'mutated');
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'Medium',
        rule: 'envvar-value-in-managed',
        entry: valueFile.name,
        message: expect.stringContaining('managed package ships a current value for pcs_Checkmark'),
      }),
    ]);
  });
});

describe('check on the full build with the co-sell flows', () => {
  test('the eleven flows pass every check rule, the flow validator included', async () => {
    const { withFlows } = await import('../../flows/index.js');
    const full = withFlows(defaultModel());
    expect(full.flows).toHaveLength(11);
    for (const type of ['managed', 'unmanaged'] as const) expect(await checkSolution(generatePackage(full, type), type)).toEqual([]);
  });
});

describe('check on the existing-form (diff) placement', () => {
  test('the diff form passes every check rule, XSD included', async () => {
    const model = defaultModel(undefined, (config) => {
      config.form = {
        mode: 'existingForm',
        formId: 'a837e4a7-01b8-4f82-a475-be9abd67e667',
        tabId: '11111111-2222-3333-4444-555555555555',
        columnIndex: 1,
        columnWidth: '33%',
        formName: 'Opportunity',
      };
    });
    expect(await checkSolution(generatePackage(model, 'managed'), 'diff')).toEqual([]);
  });
});
