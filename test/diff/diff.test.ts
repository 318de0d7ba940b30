import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ZipEntry } from '../../core/io/zip.js';
import { childElement } from '../../core/xml/dom.js';
import { diffSolutions, type DiffReport } from '../../packaging/diff/diff.js';
import { runCli } from '../../scripts/cli.js';
import { captureIo, tempDir } from '../support/cli.js';
import { writeProjectConfig } from '../support/model.js';
import {
  asPackage,
  CUSTOMIZE_FLOW_ID,
  editCustomizations,
  editCustomizeFlow,
  envVarValueEntry,
  findElement,
  ourZip,
  replaceEntry,
  setSolutionXml,
  zipBytes,
} from './helpers.js';

/**
 * `cosell diff` on the scenario of issue 14: a customer edits our [Customize] flow, sets an env var's current
 * value, moves a form control into a section of their own and adds a column of their own; our next version
 * changes the [Customize] flow too. The flow is the one conflict; the rest is theirs and survives.
 */

const TAB_ID = '{0609decc-bc31-5742-91c7-fc3d42bca8ce}';
const OUR_SECTION_ID = '{479a508c-6a81-5d81-95ab-7c87ff00ce2d}';
const NEW_SECTION_ID = '{7d2f4b8e-3c1a-4e6b-9f0d-2a5c8e1b7f34}';
const PRODUCTS_CELL_ID = '{0bbd5a99-c7a4-504d-abed-7028eadc7d19}';
const ACCOUNT_NAME = "@outputs('Referral')?['customerProfile']?['name']";
const ACCOUNT_NAME_UPPER = "@toUpper(outputs('Referral')?['customerProfile']?['name'])";
const NOTIFY = { type: 'Compose', inputs: 'Account ready', runAfter: { If_account_exists: ['Succeeded'] } };

/** What the maker portal leaves in an unmanaged export of our solution after the customer's edits. */
function customerExport(base: readonly ZipEntry[]): ZipEntry[] {
  let entries = editCustomizeFlow(base, (actions) => {
    const scope = actions.Create_or_get_customer_account.actions;
    scope.If_account_exists.else.actions.Account_fields.inputs.name = ACCOUNT_NAME_UPPER;
    scope.Notify_sales_team = NOTIFY;
  });
  entries = editCustomizations(entries, (root, document) => {
    const ours = findElement(root, 'section', 'id', OUR_SECTION_ID);
    const section = document.createElement('section');
    section.setAttribute('name', 'new_cosellnotes');
    section.setAttribute('id', NEW_SECTION_ID);
    const label = section.appendChild(document.createElement('labels')).appendChild(document.createElement('label'));
    label.setAttribute('description', 'Co-sell notes');
    label.setAttribute('languagecode', '1033');
    const rows = section.appendChild(document.createElement('rows'));
    rows.appendChild(findElement(root, 'cell', 'id', PRODUCTS_CELL_ID).parentNode!);
    ours.parentNode!.appendChild(section);
    const products = findElement(root, 'attribute', 'PhysicalName', 'pcs_Products');
    const region = products.cloneNode(true) as Element;
    region.setAttribute('PhysicalName', 'new_Region');
    for (const name of ['Name', 'LogicalName']) childElement(region, name)!.textContent = 'new_region';
    products.parentNode!.appendChild(region);
  });
  return [
    ...setSolutionXml(entries, /<Managed>1<\/Managed>/, '<Managed>0</Managed>'),
    envVarValueEntry('pcs_DealValueField', 'new_dealsize'),
  ];
}

/** Our next version: 1.1.0.0, whose [Customize] flow writes the opportunity's description differently. */
function nextVersion(): ZipEntry[] {
  return editCustomizeFlow(
    ourZip((config) => {
      config.solution.version = '1.1.0.0';
    }),
    (actions) => {
      actions.If_opportunity.actions.Opportunity_fields.inputs.description = "@outputs('Referral')?['details']?['notes']";
    },
  );
}

let base: ZipEntry[];
let exported: ZipEntry[];
let next: ZipEntry[];
let report: DiffReport;

beforeAll(() => {
  base = ourZip();
  exported = customerExport(base);
  next = nextVersion();
  report = diffSolutions(asPackage(exported, 'export.zip'), asPackage(base, 'base.zip'), asPackage(next, 'next.zip'));
});

describe('what the customer changed in our components', () => {
  test('the [Customize] flow, action by action, is the one conflict, with our change beside theirs', () => {
    expect(report.conflicts.map((diff) => diff.key)).toEqual([`flow {${CUSTOMIZE_FLOW_ID}}`]);
    const [flow] = report.conflicts;
    expect(flow!.customer).toEqual([
      { change: 'changed', subject: 'action Account_fields', path: '/inputs/name', before: ACCOUNT_NAME, after: ACCOUNT_NAME_UPPER },
      {
        change: 'added',
        subject: 'action Notify_sales_team',
        note: 'Compose in Create_or_get_customer_account, after If_account_exists [Succeeded]',
        after: NOTIFY,
      },
    ]);
    expect(flow!.ours).toEqual([
      expect.objectContaining({ change: 'changed', subject: 'action Opportunity_fields', path: '/inputs/description' }),
    ]);
    expect(flow!.advice).toMatch(/Remove active customizations/);
  });

  test('the form: the new section and the control cell moved into it, not a removal and an addition', () => {
    const form = report.changes.find((diff) => diff.kind === 'form');
    expect(form?.customer).toEqual([
      expect.objectContaining({ change: 'added', subject: `section ${NEW_SECTION_ID} ("Co-sell notes")`, note: `in tab ${TAB_ID}` }),
      {
        change: 'moved',
        subject: `cell ${PRODUCTS_CELL_ID} ("Products")`,
        before: `section ${OUR_SECTION_ID}`,
        after: `section ${NEW_SECTION_ID}`,
      },
    ]);
    expect(form?.ours).toEqual([]);
  });

  test("an env var's current value is the customer's own record: a change, never a conflict", () => {
    const value = report.changes.find((diff) => diff.kind === 'env var value');
    expect(value).toMatchObject({
      name: 'pcs_DealValueField',
      customer: [{ change: 'added', subject: 'current value', after: 'new_dealsize' }],
      ours: [],
    });
    expect(report.changes.map((diff) => diff.kind).sort()).toEqual(['env var value', 'form']);
  });

  test('a column of their own is listed as not ours; what only our next version changes is not listed', () => {
    expect(report.foreign).toEqual([{ kind: 'column', key: 'column opportunity.new_region', name: 'Opportunity.new_Region' }]);
    expect(report.notInExport).toBe(0);
  });

  test('a zip against itself has no change at all', () => {
    const self = diffSolutions(asPackage(base, 'a.zip'), asPackage(base, 'a.zip'), asPackage(base, 'a.zip'));
    expect([self.conflicts, self.changes, self.foreign]).toEqual([[], [], []]);
    expect(self.unchanged).toBeGreaterThan(50);
  });
});

describe('components never to edit', () => {
  const requiredLevel = (entries: readonly ZipEntry[], level: string): ZipEntry[] =>
    editCustomizations(entries, (root) => {
      childElement(findElement(root, 'attribute', 'PhysicalName', 'pcs_Products'), 'RequiredLevel')!.textContent = level;
    });
  const defaultValue = (entries: readonly ZipEntry[], value: string): ZipEntry[] =>
    replaceEntry(entries, 'environmentvariabledefinitions/pcs_DealValueField/environmentvariabledefinition.xml', (text) =>
      text.replace('<defaultvalue>estimatedvalue</defaultvalue>', `<defaultvalue>${value}</defaultvalue>`),
    );

  test('a column both sides change is a conflict; an env var default only the customer edited is a change, with what to do instead', () => {
    const customer = defaultValue(requiredLevel(base, 'required'), 'new_dealsize');
    const ours = requiredLevel(base, 'recommended');
    const result = diffSolutions(asPackage(customer, 'export.zip'), asPackage(base, 'base.zip'), asPackage(ours, 'next.zip'));
    expect(result.conflicts).toEqual([
      {
        kind: 'column',
        key: 'column opportunity.pcs_products',
        name: 'Opportunity.pcs_Products',
        customer: [{ change: 'changed', subject: 'column', path: 'RequiredLevel', before: 'none', after: 'required' }],
        ours: [{ change: 'changed', subject: 'column', path: 'RequiredLevel', before: 'none', after: 'recommended' }],
        advice: expect.stringMatching(
          /^not meant to be edited, and our next version changes it: .*leave our columns, tables and choices to our releases/,
        ),
      },
    ]);
    expect(result.changes).toEqual([
      expect.objectContaining({
        kind: 'env var',
        customer: [{ change: 'changed', subject: 'definition', path: 'defaultvalue', before: 'estimatedvalue', after: 'new_dealsize' }],
        advice: expect.stringContaining('set a current value instead of editing the definition'),
      }),
    ]);
  });
});

describe('cosell diff', () => {
  let dir: string;
  const files = { export: 'export.zip', base: 'base.zip', next: 'next.zip' };

  beforeAll(async () => {
    dir = await tempDir('diff');
    await writeFile(path.join(dir, files.export), zipBytes(exported));
    await writeFile(path.join(dir, files.base), zipBytes(base));
    await writeFile(path.join(dir, files.next), zipBytes(next));
  });

  test('exit code 2 on conflicts; the text lists the conflict first, then the changes, then what is not ours', async () => {
    const io = captureIo(dir);
    expect(await runCli(['diff', files.export, '--base', files.base, '--against', files.next], io)).toBe(2);
    const text = io.stdout.join('\n');
    expect(text).toContain('~ action Account_fields /inputs/name: "@outputs');
    expect(text).toContain('+ action Notify_sales_team (Compose in Create_or_get_customer_account, after If_account_exists [Succeeded])');
    const order = ['1 CONFLICT:', '2 components of ours changed by the customer', '1 component not ours', '1 conflict, 2 other'];
    const positions = order.map((line) => text.indexOf(line));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test('--json gives the same report', async () => {
    const io = captureIo(dir);
    expect(await runCli(['diff', files.export, '--base', files.base, '--against', files.next, '--json'], io)).toBe(2);
    const json = JSON.parse(io.stdout.join('')) as DiffReport;
    expect(json.conflicts.map((diff) => diff.key)).toEqual([`flow {${CUSTOMIZE_FLOW_ID}}`]);
    expect(json.export).toEqual({ label: files.export, uniqueName: 'CoSellSync', version: '1.0.0.0', managed: false });
  });

  test('without --base and --against both are built from the configuration: the changes, no conflict, exit 0', async () => {
    await writeProjectConfig(dir);
    const io = captureIo(dir);
    expect(await runCli(['diff', files.export, '--no-pcf', '--json'], io)).toBe(0);
    const json = JSON.parse(io.stdout.join('')) as DiffReport;
    expect(json.conflicts).toEqual([]);
    expect(json.changes.map((diff) => diff.kind).sort()).toEqual(['env var value', 'flow', 'form']);
  });

  test('without --base, an export of another version is refused: the configuration cannot rebuild it', async () => {
    await writeProjectConfig(dir);
    await writeFile(
      path.join(dir, 'old.zip'),
      zipBytes(setSolutionXml(exported, /<Version>1\.0\.0\.0<\/Version>/, '<Version>0.9.0.0</Version>')),
    );
    const io = captureIo(dir);
    expect(await runCli(['diff', 'old.zip', '--no-pcf'], io)).toBe(1);
    expect(io.stderr.join('\n')).toBe(
      'error: old.zip solution.xml: is version 0.9.0.0 of CoSellSync; the configuration builds 1.0.0.0, so it cannot rebuild what the customer installed\n' +
        '  fix: pass the zip of our version the customer installed with --base <zip>',
    );
  });
});
