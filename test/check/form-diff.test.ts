import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encodeText, readZip, type ZipEntry } from '../../core/io/zip.js';
import { parseXmlTree, type XElement } from '../../core/xml/tree.js';
import { generatePackage } from '../../packaging/generate/package.js';
import { readBuiltControl } from '../../packaging/pcf-control.js';
import type { CodeComponent } from '../../solution/model.js';
import { SALES_HUB_OPPORTUNITY_FORM } from '../../solution/sales.js';
import { describeWithShared, REAL_SOLUTIONS_CORPUS, requireShared } from '../support/fixtures.js';
import { tempDir } from '../support/cli.js';
import { defaultModel } from '../support/model.js';
import { writeBuiltControlFixture } from '../pcf/support.js';
import { blocking, check, replaceIn, summary, textOf } from './helpers.js';

/**
 * The default placement is a diff of the Sales Hub opportunity main form. These tests hold our diff against
 * the structure of the diffs Dataverse itself exported in ../shared/fixtures/real-solutions-corpus:
 * Hackathon28092023 (a new tab Added on this very form, existing tabs Modified), SalesHub_Customization (a new
 * tab and a controlDescription Added on the account form) and CRMP2C (sections, cells and controlDescriptions
 * Added on Sales forms), and show that `check` catches a new node left without solutionaction.
 */

const HACKATHON = 'Hackathon28092023_1_0_0_1.zip';
const SALES_HUB_CUSTOMIZATION = 'SalesHub_Customization_1_0_0_1.zip';
const CRMP2C = 'CRMP2C_managed.zip';
const SOLUTION_ACTION = 'solutionaction';

const corpusEntries = (zip: string): ZipEntry[] => (
  requireShared(),
  readZip(new Uint8Array(readFileSync(path.join(REAL_SOLUTIONS_CORPUS, zip))), zip)
);

function tree(xml: string): XElement {
  const parsed = parseXmlTree(encodeText(xml), 'customizations.xml');
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.root;
}

const all = (root: XElement): XElement[] => [root, ...root.children.flatMap(all)];
const named = (root: XElement, name: string): XElement[] => all(root).filter((element) => element.name === name);
const childNamed = (element: XElement, name: string): XElement | undefined => element.children.find((c) => c.name === name);
const action = (element: XElement): string | undefined => element.attrs[SOLUTION_ACTION];
const ancestors = (element: XElement): XElement[] => (element.parent ? [element.parent, ...ancestors(element.parent)] : []);
const insideAdded = (element: XElement): boolean => [element, ...ancestors(element)].some((node) => action(node) === 'Added');

/** The `<systemform>` elements that are diffs (solutionaction somewhere in their `<form>`). */
const diffForms = (customizations: string): XElement[] =>
  named(tree(customizations), 'systemform').filter((systemform) => {
    const form = childNamed(systemform, 'form');
    return form !== undefined && all(form).some((element) => action(element) !== undefined);
  });

const formById = (forms: readonly XElement[], id: string): XElement => {
  const found = forms.find((systemform) => childNamed(systemform, 'formid')?.text.trim().toLowerCase() === `{${id}}`);
  if (!found) throw new Error(`no diff of form ${id}`);
  return found;
};

const ourDiff = (): XElement => {
  const customizations = textOf(generatePackage(defaultModel(), 'managed'), 'customizations.xml');
  return formById(diffForms(customizations), SALES_HUB_OPPORTUNITY_FORM.id);
};
let control: CodeComponent | undefined;
/** The default build with the PCF control bound on the section (the built-control fixture of test/pcf). */
async function ourDiffWithControl(): Promise<XElement> {
  control ??= await readBuiltControl(await writeBuiltControlFixture(await tempDir('form-diff')), 'pcs');
  const customizations = textOf(generatePackage(defaultModel({ controls: [control] }), 'managed'), 'customizations.xml');
  return formById(diffForms(customizations), SALES_HUB_OPPORTUNITY_FORM.id);
}
const hackathonDiff = (): XElement =>
  formById(diffForms(textOf(corpusEntries(HACKATHON), 'customizations.xml')), SALES_HUB_OPPORTUNITY_FORM.id);
const realDiffs = (): XElement[] =>
  [HACKATHON, SALES_HUB_CUSTOMIZATION, CRMP2C].flatMap((zip) => diffForms(textOf(corpusEntries(zip), 'customizations.xml')));

/** A new tab Added directly under `<tabs>`, as the real diffs that add a tab have it. */
const addedTabs = (systemform: XElement): XElement[] => named(systemform, 'tab').filter((tab) => action(tab) === 'Added');

const labelsOf = (systemform: XElement, list: string): Array<Record<string, string>> =>
  (childNamed(systemform, list)?.children ?? []).map((item) => ({ ...item.attrs }));

describeWithShared('our Sales Hub form diff has the structure of the diffs Dataverse exports', () => {
  test("it is a diff of the form Hackathon28092023 extends, with that form's IntroducedVersion, name and description, base language only", () => {
    const ours = ourDiff();
    const theirs = hackathonDiff();
    for (const element of ['formid', 'IntroducedVersion', 'FormPresentation', 'FormActivationState'])
      expect(childNamed(ours, element)?.text.trim()).toBe(childNamed(theirs, element)?.text.trim());
    expect(labelsOf(ours, 'LocalizedNames')).toEqual(labelsOf(theirs, 'LocalizedNames'));
    expect(labelsOf(ours, 'Descriptions')).toEqual(labelsOf(theirs, 'Descriptions'));
    // No 1028 (or other) name: a diff must not rename the form another solution owns.
    expect(labelsOf(ours, 'LocalizedNames').map((name) => name.languagecode)).toEqual(['1033']);
    // The systemform's children come in the order every real diff writes them.
    const order = (systemform: XElement): string[] => systemform.children.map((element) => element.name);
    expect(order(ours)).toEqual(order(theirs));
  });

  test('the section arrives in a new tab Added under <tabs>, shaped like the tabs the real diffs add', () => {
    const ours = addedTabs(ourDiff());
    expect(ours).toHaveLength(1);
    const tab = ours[0]!;
    const real = realDiffs().flatMap(addedTabs);
    expect(real.map((added) => added.attrs.name)).toEqual(['Plan', 'tab_4']); // Hackathon's Plan, SalesHub_Customization's Analytics
    // Where: directly under <tabs>, which (like <form>) is a path without solutionaction, in ours and in every real one.
    for (const added of [tab, ...real]) {
      expect(added.parent?.name).toBe('tabs');
      expect(action(added.parent!)).toBeUndefined();
    }
    expect(action(tab.parent!.parent!)).toBeUndefined();
    // What: the attributes real Added tabs carry (name, id, IsUserDefined, locklevel, showlabel, expanded…), no others.
    const realAttributes = new Set(real.flatMap((added) => Object.keys(added.attrs)));
    expect(Object.keys(tab.attrs).filter((attribute) => !realAttributes.has(attribute))).toEqual([]);
    for (const attribute of ['name', 'id', 'IsUserDefined', 'showlabel', SOLUTION_ACTION]) expect(tab.attrs[attribute]).toBeDefined();
    // Inside: labels then one 100% column with id 0 holding the sections, and no solutionaction below the Added node.
    expect(tab.children.map((element) => element.name)).toEqual(['labels', 'columns']);
    for (const added of [tab, ...real]) {
      expect(
        named(added, 'column')
          .slice(0, 1)
          .map((column) => column.attrs),
      ).toEqual([{ width: '100%', id: '0' }]);
      expect(all(added).filter((element) => element !== added && action(element) !== undefined)).toEqual([]);
    }
    expect(named(tab, 'section').map((section) => section.attrs.name)).toEqual(['pcs_microsoftpartnercenter']);
    expect(
      named(tab, 'label')
        .slice(0, 2)
        .map((label) => label.attrs),
    ).toEqual([
      { description: 'Microsoft Partner Center', languagecode: '1033' },
      { description: 'Microsoft 合作夥伴中心', languagecode: '1028' },
    ]);
  });

  test('only Added nodes: nothing of the Microsoft form is Modified or Removed', () => {
    const actions = all(childNamed(ourDiff(), 'form')!)
      .map(action)
      .filter((value) => value !== undefined);
    expect(new Set(actions)).toEqual(new Set(['Added']));
  });

  test('every node that names a column of ours is inside an Added node, as in every real diff', () => {
    const ownColumn = (prefixes: readonly string[]) => (control: XElement) =>
      prefixes.some((prefix) => (control.attrs.datafieldname ?? '').startsWith(`${prefix}_`));
    const ours = named(ourDiff(), 'control').filter(ownColumn(['pcs']));
    expect(ours.length).toBeGreaterThan(5);
    expect(ours.filter((control) => !insideAdded(control))).toEqual([]);
    // The premise of the check rule form-diff-unmarked-new, in Dataverse's own diffs (CRMP2C binds msdynce_ columns).
    const real = realDiffs().flatMap((systemform) => named(systemform, 'control').filter(ownColumn(['msdynce'])));
    expect(real.length).toBeGreaterThan(10);
    expect(real.filter((control) => !insideAdded(control)).map((control) => control.attrs.datafieldname)).toEqual([]);
  });

  test('controlDescriptions is a path holding our controlDescription Added, as SalesHub_Customization adds its own', async () => {
    const salesHub = formById(
      diffForms(textOf(corpusEntries(SALES_HUB_CUSTOMIZATION), 'customizations.xml')),
      '8448b78f-8f42-454e-8e2a-f8196b0419af',
    );
    const theirs = childNamed(childNamed(salesHub, 'form')!, 'controlDescriptions')!;
    expect(action(theirs)).toBeUndefined();
    expect(theirs.children.map(action)).toContain('Added');
    const ours = childNamed(childNamed(await ourDiffWithControl(), 'form')!, 'controlDescriptions')!;
    expect(action(ours)).toBeUndefined();
    expect(ours.children.map((description) => [description.name, action(description)])).toEqual([['controlDescription', 'Added']]);
    // It describes the anchor control of our Added tab.
    const anchor = named(addedTabs(await ourDiffWithControl())[0]!, 'control').find(
      (control) => control.attrs.uniqueid === ours.children[0]!.attrs.forControl,
    );
    expect(anchor?.attrs.datafieldname).toBe('pcs_syncwithpartnercenter');
  });

  test('check finds nothing in the default build, managed and unmanaged', async () => {
    expect(await check(generatePackage(defaultModel(), 'managed'))).toEqual([]);
    expect(await check(generatePackage(defaultModel(), 'unmanaged'))).toEqual([]);
  });
});

describe('the section in a tab the admin names (existingForm with tabId)', () => {
  test('the tab and column are the path (ids and the given width repeated), the section is Added', () => {
    const tabId = '11111111-2222-3333-4444-555555555555';
    const model = defaultModel(undefined, (config) => {
      config.form = {
        mode: 'existingForm',
        formId: SALES_HUB_OPPORTUNITY_FORM.id,
        tabId,
        tabName: 'Summary',
        columnIndex: 1,
        columnWidth: '33%',
      };
    });
    const customizations = textOf(generatePackage(model, 'managed'), 'customizations.xml');
    const systemform = formById(diffForms(customizations), SALES_HUB_OPPORTUNITY_FORM.id);
    const tab = named(systemform, 'tab')[0]!;
    expect(tab.attrs).toEqual({ name: 'Summary', id: `{${tabId}}` });
    expect(named(tab, 'column').map((column) => column.attrs)).toEqual([{ width: '33%', id: '1' }]);
    expect(named(tab, 'section').map((section) => action(section))).toEqual(['Added']);
  });
});

describeWithShared('check: a node new to a diff without solutionaction="Added" is High form-diff-unmarked-new', () => {
  test('Hackathon28092023 as exported passes; its Plan tab without Added is caught (the subgrid of its own hac_plan)', async () => {
    const entries = corpusEntries(HACKATHON);
    expect(summary(blocking(await check(entries)))).toEqual([]);
    const unmarked = replaceIn(entries, 'customizations.xml', 'ordinalvalue="1" solutionaction="Added">', 'ordinalvalue="1">');
    const findings = blocking(await check(unmarked));
    expect(summary(findings)).toEqual(['form-diff-unmarked-new/High']);
    expect(findings[0]?.message).toContain('control Plan');
  });

  test('our diff (with the PCF control): the tab without Added, or the controlDescription without Added, is caught', async () => {
    control ??= await readBuiltControl(await writeBuiltControlFixture(await tempDir('form-diff')), 'pcs');
    const entries = generatePackage(defaultModel({ controls: [control] }), 'managed');
    expect(await check(entries)).toEqual([]);
    const noTabMark = replaceIn(entries, 'customizations.xml', 'expanded="true" solutionaction="Added">', 'expanded="true">');
    const tabFindings = blocking(await check(noTabMark));
    expect(summary(tabFindings)).toEqual(['form-diff-unmarked-new/High']);
    expect(tabFindings[0]?.message).toContain('control pcs_syncwithpartnercenter');
    const noDescriptionMark = replaceIn(entries, 'customizations.xml', /(<controlDescription [^>]*) solutionaction="Added"/, '$1');
    const findings = blocking(await check(noDescriptionMark));
    expect(summary(findings)).toEqual(['form-diff-unmarked-new/High']);
    expect(findings[0]?.message).toContain('controlDescription for');
  });

  test('a diff that loses every solutionaction becomes a whole copy of the Sales form → form-full-copy-of-other / High', async () => {
    // Ours without the PCF control: the tab was its only marked node.
    const entries = generatePackage(defaultModel(), 'managed');
    const whole = replaceIn(entries, 'customizations.xml', 'expanded="true" solutionaction="Added">', 'expanded="true">');
    expect(summary(blocking(await check(whole)))).toEqual(['form-full-copy-of-other/High']);
    // Hackathon28092023 with every solutionaction of its form removed (it declares the form as Sales').
    const hackathon = corpusEntries(HACKATHON);
    const stripped = replaceIn(hackathon, 'customizations.xml', / solutionaction="(Added|Modified)"/g, '');
    expect(summary(blocking(await check(stripped)))).toContain('form-full-copy-of-other/High');
  });

  test('a real diff whose new cells lose their Added is caught (CRMP2C, cells bound to its msdynce_ columns)', async () => {
    const entries = corpusEntries(CRMP2C);
    expect(summary(blocking(await check(entries)))).toEqual([]);
    const stripped = replaceIn(entries, 'customizations.xml', /(<cell[^>]*) solutionaction="Added"/g, '$1');
    expect(new Set(summary(blocking(await check(stripped))))).toEqual(new Set(['form-diff-unmarked-new/High']));
  });
});
