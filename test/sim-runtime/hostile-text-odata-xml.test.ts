import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { XmlDocument } from 'libxml2-wasm';
import { readZip } from '../../core/io/zip.js';
import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { DataverseEmulator } from '../../sim/dataverse/emulator.js';
import { compileFilter } from '../../sim/dataverse/filter.js';
import type { StoredRow } from '../../sim/dataverse/odata.js';
import { tokenize } from '../../sim/dataverse/odata-tokens.js';
import { evaluateTemplate } from '../../sim/runtime/evaluate.js';
import { flowsFromZip } from '../../sim/simulate/package-flows.js';
import { defaultModel } from '../support/model.js';

/**
 * Issue 11 point 5, OData hop: referral text from the hostile set, put into the $filter the packaged
 * "create or get details" flow builds (account by company name + postal code, contact by email), evaluated by the
 * runtime with the flow's own replace(…,'''','''''') expressions and read back by the Dataverse emulator's OData
 * parser, is one string literal equal to the input, and matches exactly the row holding that text.
 */
const model = withFlows(defaultModel());
const [zip] = buildPackages(model, ['managed']);
const flows = flowsFromZip(readZip(zip!.bytes, zip!.fileName), zip!.fileName);
const metadata = new DataverseEmulator({ model, clock: { now: () => new Date(), sleep: () => Promise.resolve() } }).metadata;

/** The hostile-text rehearsal's strings (sim/simulate/scenarios.ts) and the OData-specific ones around them. */
const HOSTILE_TEXT: readonly string[] = [
  `Deal ✔ phase 2 <script>alert('x')</script> "quoted" \u202Eevil\u202C\u200B 👩‍👩‍👧`,
  `O'Brien "&" <Partners>\u200D`,
  "1 O'Connell St",
  `${'Ünïcode ‍👨‍💻 & <b>bold</b> \u0007 '.repeat(100)}`.slice(0, 2500),
  "'",
  "''",
  "' or 1 eq 1 or name eq '",
  "x') or (name ne 'x",
  '%27 or 1 eq 1',
  "\\' or true",
  'tab\there, line\nbreak, cr\r',
  '\u0000\u0001\u001f\u007f',
  '  leading and trailing  ',
  '\u202Bمرحبا\u202C \u2066isolate\u2069 \uFEFFbom',
  '👨‍👩‍👧‍👦🏳️‍🌈🇮🇪',
  '',
];

interface Action {
  type?: string;
  inputs?: { parameters?: Record<string, unknown> };
  actions?: Record<string, Action>;
  else?: { actions?: Record<string, Action> };
  cases?: Record<string, { actions?: Record<string, Action> }>;
  default?: { actions?: Record<string, Action> };
}

/** An action of a packaged flow, found at any depth of its definition. */
function findAction(flowName: string, actionName: string): Action {
  const flow = flows.find((candidate) => candidate.name === flowName);
  if (!flow) throw new Error(`the package has no flow "${flowName}"`);
  const search = (actions: Record<string, Action> | undefined): Action | undefined => {
    for (const [name, action] of Object.entries(actions ?? {})) {
      if (name === actionName) return action;
      const nested = [
        action.actions,
        action.else?.actions,
        action.default?.actions,
        ...Object.values(action.cases ?? {}).map((c) => c.actions),
      ];
      for (const inner of nested) {
        const found = search(inner);
        if (found) return found;
      }
    }
    return undefined;
  };
  const definition = (flow.document as { properties: { definition: { actions: Record<string, Action> } } }).properties.definition;
  const action = search(definition.actions);
  if (!action) throw new Error(`flow "${flowName}" has no action ${actionName}`);
  return action;
}

const DETAILS_FLOW = flows.find((flow) => /create or get/i.test(flow.name))?.name ?? 'the create-or-get-details flow';

/** The $filter the flow's action sends for this referral, as the runtime evaluates it. */
function filterFor(actionName: string, referral: unknown): string {
  const template = findAction(DETAILS_FLOW, actionName).inputs?.parameters?.$filter;
  if (typeof template !== 'string') throw new Error(`${actionName} has no $filter parameter`);
  const value = evaluateTemplate(template, {
    now: () => new Date('2025-03-03T09:00:00Z'),
    action: (name) => (name === 'Referral' ? { record: { outputs: referral as Record<string, unknown> } } : undefined),
  });
  if (typeof value !== 'string') throw new Error(`${actionName}'s $filter evaluated to ${typeof value}`);
  return value;
}

const stringLiterals = (filter: string): unknown[] =>
  tokenize(filter)
    .filter((token) => token.kind === 'literal' && token.edm === 'Edm.String')
    .map((token) => (token as { value: unknown }).value);

const referralWith = (name: string, postalCode: string, email: string) => ({
  customerProfile: { name, address: { postalCode }, team: [{ firstName: 'Ann', lastName: 'Lee', email }] },
});

const row = (values: Record<string, string>): StoredRow => values;

describe('OData hop: hostile referral text in the filters the flows build', () => {
  test.each(HOSTILE_TEXT.map((text, index): [number, string] => [index, text]))(
    '[Dataverse $filter · string literal] account match by company name + postal code: text #%i reads back as one literal, matches only its row',
    (_index, text) => {
      const filter = filterFor('Find_account', referralWith(text, `${text}-9`, 'a@b.example'));
      expect(stringLiterals(filter)).toEqual([text, `${text}-9`]);
      const matches = compileFilter(metadata.bySet.get('accounts')!, filter);
      expect(matches(row({ name: text, address1_postalcode: `${text}-9` }))).toBe(true);
      expect(matches(row({ name: `${text}x`, address1_postalcode: `${text}-9` }))).toBe(false);
      expect(matches(row({ name: 'Contoso', address1_postalcode: `${text}-9` }))).toBe(false);
    },
  );

  test.each(HOSTILE_TEXT.filter((text) => text !== '').map((text, index): [number, string] => [index, text]))(
    '[Dataverse $filter · string literal] contact match by email: text #%i reads back as one literal, matches only its row',
    (_index, text) => {
      const filter = filterFor('Find_contact', referralWith('Contoso', '98101', text));
      expect(stringLiterals(filter)).toEqual([text]);
      const matches = compileFilter(metadata.bySet.get('contacts')!, filter);
      expect(matches(row({ emailaddress1: text }))).toBe(true);
      expect(matches(row({ emailaddress1: `${text} ` }))).toBe(false);
    },
  );

  test('[Dataverse $filter · string literal] any string (property, 300 runs) reads back exactly from the account filter', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 30 }), (name, postal) => {
        const filter = filterFor('Find_account', referralWith(name, postal || 'x', 'a@b.example'));
        expect(stringLiterals(filter)).toEqual([name, postal || 'x']);
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * Issue 11 point 5, XML hop: label text from pac.config.json (publisher and solution names and descriptions) goes into
 * attributes of solution.xml. Each hostile text either reads back exactly from the built zip (libxml2, Dataverse's
 * kind of strict parser, as the reader) or is refused by the configuration check with an error naming the field.
 */
const LABELS = [
  { field: '/solution/displayName', xpath: '/ImportExportXml/SolutionManifest/LocalizedNames/LocalizedName/@description' },
  { field: '/solution/description', xpath: '/ImportExportXml/SolutionManifest/Descriptions/Description/@description' },
  { field: '/publisher/displayName', xpath: '/ImportExportXml/SolutionManifest/Publisher/LocalizedNames/LocalizedName/@description' },
  { field: '/publisher/description', xpath: '/ImportExportXml/SolutionManifest/Publisher/Descriptions/Description/@description' },
] as const;

/** The label as solution.xml of the built managed zip holds it, or the error that refused the configuration. */
function builtLabel(field: string, xpath: string, text: string): { read: string | undefined } | { refused: string } {
  let entries;
  try {
    const labelled = defaultModel(undefined, (config) => {
      const [, section, key] = field.split('/') as [string, 'solution' | 'publisher', 'displayName' | 'description'];
      config[section][key] = text;
    });
    const [built] = buildPackages(labelled, ['managed']);
    entries = readZip(built!.bytes, built!.fileName);
  } catch (error) {
    return { refused: (error as Error).message };
  }
  const solutionXml = entries.find((entry) => entry.name === 'solution.xml');
  if (!solutionXml) throw new Error('the built zip has no solution.xml');
  const doc = XmlDocument.fromString(Buffer.from(solutionXml.data).toString('utf8'));
  try {
    const node = doc.get(xpath) as { value?: string; content?: string } | null;
    return { read: node?.value ?? node?.content };
  } finally {
    doc.dispose();
  }
}

describe('XML hop: hostile label text from the configuration in solution.xml', () => {
  const cases = LABELS.flatMap(({ field, xpath }) => HOSTILE_TEXT.map((text, index) => [field, index, xpath, text] as const));
  test.each(cases)(
    '[solution.xml · label attribute] %s = hostile text #%i reads back exactly or is refused naming the field',
    (field, _i, xpath, text) => {
      const outcome = builtLabel(field, xpath, text);
      // An empty description is simply not written.
      if ('read' in outcome) expect(outcome.read ?? '').toBe(text);
      else expect(outcome.refused).toMatch(new RegExp(`${field}: .*(must NOT have|must match pattern)`));
    },
  );

  test('[pac.config.json · label] a line break in a label is refused with the field and the fix', () => {
    const outcome = builtLabel('/solution/description', LABELS[1].xpath, 'first line\nsecond line');
    expect(outcome).toEqual({ refused: expect.stringContaining('/solution/description: "first line\\nsecond line" must match pattern') });
    expect((outcome as { refused: string }).refused).toContain('without tabs, line breaks or other control characters');
  });
});
