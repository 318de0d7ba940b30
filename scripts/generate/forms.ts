import { braced, componentId } from '../../solution/ids.js';
import type { Column, FormField, OpportunityForm, SolutionModel, Table } from '../../solution/model.js';
import type { XMLBuilder } from '../xml.js';
import { INTRODUCED_VERSION, labelList } from './xml-parts.js';
import { labels } from '../../solution/labels.js';

/** Classic control class ids (FormControlClassId constants; cross-checked in E5 forms). */
export const ControlClass = {
  TextBox: '{4273EDBD-AC1D-40D3-9FB2-095C621B552D}',
  TextArea: '{E0DECE4B-6FC8-4A8F-A065-082708572369}',
  Url: '{71716B6C-711E-476C-8AB8-5D11542BFB47}',
  CheckBox: '{B0C6723A-8503-4FD7-BB28-C8A06AC933C2}',
  Picklist: '{3EF39988-22BB-4F0B-BBBE-64B5A3748AEE}',
  MultiSelectPicklist: '{4AA28AB7-9C13-4F57-A73D-AD894D048B5F}',
  Lookup: '{270BD3DB-D9AF-4782-9025-509E298DEC0A}',
  DateTime: '{5B773807-9FB2-42DB-97C3-7A91EFF8ADFF}',
} as const;

export function controlClassFor(column: Column): string {
  switch (column.kind) {
    case 'boolean': return ControlClass.CheckBox;
    case 'text': return column.format === 'url' ? ControlClass.Url : ControlClass.TextBox;
    case 'memo': return ControlClass.TextArea;
    case 'choice': return column.multiSelect ? ControlClass.MultiSelectPicklist : ControlClass.Picklist;
    case 'datetime': return ControlClass.DateTime;
    case 'lookup': return ControlClass.Lookup;
  }
}

/** Standard opportunity columns shown above the Partner Center section on a new main form. */
const OVERVIEW_FIELDS: ReadonlyArray<{ column: string; classId: string; label: ReturnType<typeof labels> }> = [
  { column: 'name', classId: ControlClass.TextBox, label: labels('Topic', '主旨') },
  { column: 'parentaccountid', classId: ControlClass.Lookup, label: labels('Account', '帳戶') },
  { column: 'estimatedvalue', classId: '{533B9E00-756B-4312-95A0-DC888637AC78}', label: labels('Est. Revenue', '預估營收') },
  { column: 'estimatedclosedate', classId: ControlClass.DateTime, label: labels('Est. Close Date', '預估結束日期') },
];

const tableColumns = (table: Table): readonly Column[] => (table.kind === 'custom' ? [table.primaryName, ...table.columns] : table.columns);

/**
 * The `<forms type="main">` content of one form. A new main form is full FormXml owned by this
 * solution; an existing form gets a diff: only the path to the target tab, with the new section marked
 * `solutionaction="Added"` (D4: Dataverse merges it into the form instead of replacing it).
 */
export function formXml(parent: XMLBuilder, form: OpportunityForm, model: SolutionModel): void {
  const table = model.tables.find((candidate) => candidate.logicalName === form.entity);
  if (!table) throw new Error(`form for unknown table ${form.entity}`);
  const stable = (part: string): string => braced(componentId('form-part', `${form.placement.formId}:${form.section.name}:${part}`));
  const systemform = parent.ele('forms', { type: 'main' }).ele('systemform');
  systemform.ele('formid').txt(braced(form.placement.formId));
  systemform.ele('IntroducedVersion').txt(INTRODUCED_VERSION);
  systemform.ele('FormPresentation').txt('1');
  systemform.ele('FormActivationState').txt('1');
  const formElement = systemform.ele('form');
  const tabs = formElement.ele('tabs');

  if (form.placement.mode === 'newMainForm') {
    const tab = tabs.ele('tab', { name: 'summary', id: stable('tab'), IsUserDefined: '1', verticallayout: 'true', expanded: 'true', showlabel: 'true' });
    labelList(tab, 'labels', 'label', labels('Summary', '摘要'));
    const sections = tab.ele('columns').ele('column', { width: '100%' }).ele('sections');
    const overview = sections.ele('section', { name: 'overview', showlabel: 'true', showbar: 'false', IsUserDefined: '1', id: stable('overview') });
    labelList(overview, 'labels', 'label', labels('Opportunity', '商機'));
    const rows = overview.ele('rows');
    for (const field of OVERVIEW_FIELDS) {
      const cell = rows.ele('row').ele('cell', { id: stable(`cell:${field.column}`) });
      labelList(cell, 'labels', 'label', field.label);
      cell.ele('control', { id: field.column, classid: field.classId, datafieldname: field.column, disabled: 'false' });
    }
    partnerCenterSection(sections, form, tableColumns(table), stable, {});
  } else {
    const tab = tabs.ele('tab', { id: braced(form.placement.tabId), solutionaction: 'Modified' });
    const sections = tab.ele('columns').ele('column', { id: String(form.placement.columnIndex), solutionaction: 'Modified' }).ele('sections');
    partnerCenterSection(sections, form, tableColumns(table), stable, { solutionaction: 'Added' });
  }

  systemform.ele('IsCustomizable').txt('1');
  systemform.ele('CanBeDeleted').txt('1');
  if (form.placement.mode === 'newMainForm') {
    labelList(systemform, 'LocalizedNames', 'LocalizedName', form.placement.name);
    labelList(systemform, 'Descriptions', 'Description', labels('Opportunity form with the Microsoft Partner Center section.', '含 Microsoft 合作夥伴中心區段的商機表單。'));
  }
}

function partnerCenterSection(
  sections: XMLBuilder, form: OpportunityForm, columns: readonly Column[], stable: (part: string) => string, extra: Record<string, string>,
): void {
  const section = sections.ele('section', {
    name: form.section.name, showlabel: 'true', showbar: 'false', IsUserDefined: '1', columns: '1', id: stable('section'), ...extra,
  });
  labelList(section, 'labels', 'label', form.section.label);
  const rows = section.ele('rows');
  for (const field of form.section.fields) fieldCell(rows, field, columns, stable);
}

function fieldCell(rows: XMLBuilder, field: FormField, columns: readonly Column[], stable: (part: string) => string): void {
  const column = columns.find((candidate) => candidate.logicalName === field.column);
  if (!column) throw new Error(`form field ${field.column} is not a column of the model`);
  const cell = rows.ele('row').ele('cell', { id: stable(`cell:${field.column}`), showlabel: 'true' });
  labelList(cell, 'labels', 'label', column.label);
  cell.ele('control', {
    id: field.column, classid: controlClassFor(column), datafieldname: field.column, disabled: field.readOnly ? 'true' : 'false',
    uniqueid: stable(`control:${field.column}`),
  });
}
