import { braced, componentId } from '../../solution/ids.js';
import type {
  CodeComponent,
  Column,
  CustomTable,
  FormField,
  FormSubgrid,
  OpportunityForm,
  SectionControl,
  SolutionModel,
  Table,
} from '../../solution/model.js';
import type { XMLBuilder } from '../../core/xml/xml.js';
import { INTRODUCED_VERSION, labelList } from './xml-parts.js';
import { BASE_LANGUAGE, labels } from '../../solution/labels.js';
import { NEW_MAIN_FORM_OVERVIEW_COLUMNS } from '../../solution/sales.js';

/** Classic control class ids (FormControlClassId constants; cross-checked in E5 forms). */
const ControlClass = {
  TextBox: '{4273EDBD-AC1D-40D3-9FB2-095C621B552D}',
  TextArea: '{E0DECE4B-6FC8-4A8F-A065-082708572369}',
  Url: '{71716B6C-711E-476C-8AB8-5D11542BFB47}',
  CheckBox: '{B0C6723A-8503-4FD7-BB28-C8A06AC933C2}',
  Picklist: '{3EF39988-22BB-4F0B-BBBE-64B5A3748AEE}',
  MultiSelectPicklist: '{4AA28AB7-9C13-4F57-A73D-AD894D048B5F}',
  Lookup: '{270BD3DB-D9AF-4782-9025-509E298DEC0A}',
  DateTime: '{5B773807-9FB2-42DB-97C3-7A91EFF8ADFF}',
  Money: '{533B9E00-756B-4312-95A0-DC888637AC78}',
  Subgrid: '{E7A81278-8635-4D9E-8D4D-59480B391C5B}',
} as const;

/** Rows a subgrid shows before paging. */
const SUBGRID_ROWS = 4;

function controlClassFor(column: Column): string {
  switch (column.kind) {
    case 'boolean':
      return ControlClass.CheckBox;
    case 'text':
      return column.format === 'url' ? ControlClass.Url : ControlClass.TextBox;
    case 'memo':
      return ControlClass.TextArea;
    case 'choice':
      return column.multiSelect ? ControlClass.MultiSelectPicklist : ControlClass.Picklist;
    case 'datetime':
      return ControlClass.DateTime;
    case 'lookup':
      return ControlClass.Lookup;
  }
}

/** How the new main form shows the Sales columns above the Partner Center section (NEW_MAIN_FORM_OVERVIEW_COLUMNS). */
const OVERVIEW_CONTROLS: Readonly<
  Record<(typeof NEW_MAIN_FORM_OVERVIEW_COLUMNS)[number], { classId: string; label: ReturnType<typeof labels> }>
> = {
  name: { classId: ControlClass.TextBox, label: labels('Topic', '主旨') },
  parentaccountid: { classId: ControlClass.Lookup, label: labels('Account', '帳戶') },
  estimatedvalue: { classId: ControlClass.Money, label: labels('Est. Revenue', '預估營收') },
  estimatedclosedate: { classId: ControlClass.DateTime, label: labels('Est. Close Date', '預估結束日期') },
};
const OVERVIEW_FIELDS = NEW_MAIN_FORM_OVERVIEW_COLUMNS.map((column) => ({ column, ...OVERVIEW_CONTROLS[column] }));

const tableColumns = (table: Table): readonly Column[] => (table.kind === 'custom' ? [table.primaryName, ...table.columns] : table.columns);

/**
 * One `<systemform>` of `<forms type="main">`. A new main form is full FormXml owned by this solution; an
 * existing form (another solution's, e.g. Sales Hub's) gets a diff, marked up as Dataverse exports diffs
 * (D4; corpus: Hackathon28092023, SalesHub_Customization, CRMP2C): every node new to the form carries
 * `solutionaction="Added"` (the new tab, or the new section in a named tab, and each new controlDescription),
 * the nodes on the way to it carry none and repeat their ids (and a column its width), and the form's own
 * name and description are repeated in the base language only, as that form has them.
 */
export function formXml(parent: XMLBuilder, form: OpportunityForm, model: SolutionModel): void {
  const table = model.tables.find((candidate) => candidate.logicalName === form.entity);
  if (!table) throw new Error(`form for unknown table ${form.entity}`);
  const stable = (part: string): string => braced(componentId('form-part', `${form.placement.formId}:${form.section.name}:${part}`));
  const placement = form.placement;
  const systemform = parent.ele('systemform');
  systemform.ele('formid').txt(braced(placement.formId));
  systemform
    .ele('IntroducedVersion')
    .txt(placement.mode === 'existingForm' ? (placement.introducedVersion ?? INTRODUCED_VERSION) : INTRODUCED_VERSION);
  systemform.ele('FormPresentation').txt('1');
  systemform.ele('FormActivationState').txt('1');
  const formElement = systemform.ele('form');
  const tabs = formElement.ele('tabs');
  const columns = tableColumns(table);

  if (placement.mode === 'newMainForm') {
    const tab = tabs.ele('tab', {
      name: 'summary',
      id: stable('tab'),
      IsUserDefined: '1',
      verticallayout: 'true',
      expanded: 'true',
      showlabel: 'true',
    });
    labelList(tab, 'labels', 'label', labels('Summary', '摘要'));
    const sections = tab.ele('columns').ele('column', { width: '100%' }).ele('sections');
    const overview = sections.ele('section', {
      name: 'overview',
      showlabel: 'true',
      showbar: 'false',
      IsUserDefined: '1',
      id: stable('overview'),
    });
    labelList(overview, 'labels', 'label', labels('Opportunity', '商機'));
    const rows = overview.ele('rows');
    for (const field of OVERVIEW_FIELDS) {
      const cell = rows.ele('row').ele('cell', { id: stable(`cell:${field.column}`) });
      labelList(cell, 'labels', 'label', field.label);
      cell.ele('control', { id: field.column, classid: field.classId, datafieldname: field.column, disabled: 'false' });
    }
    partnerCenterSection(sections, form, columns, stable, {});
    if (form.section.control) controlDescriptions(formElement, form.section.control, model, columns, stable, {});
    systemform.ele('IsCustomizable').txt('1');
    systemform.ele('CanBeDeleted').txt('1');
    labelList(systemform, 'LocalizedNames', 'LocalizedName', placement.name);
    labelList(
      systemform,
      'Descriptions',
      'Description',
      labels('Opportunity form with the Microsoft Partner Center section.', '含 Microsoft 合作夥伴中心區段的商機表單。'),
    );
    return;
  }

  const target = placement.target;
  if (target.kind === 'newTab') {
    // A tab of our own, Added under <tabs> (the merge appends it after the form's tabs): no id of the org's form is needed.
    const tab = tabs.ele('tab', {
      name: target.tabName,
      id: stable('tab'),
      IsUserDefined: '0',
      locklevel: '0',
      showlabel: 'true',
      expanded: 'true',
      [SOLUTION_ACTION]: ADDED,
    });
    labelList(tab, 'labels', 'label', target.label);
    const sections = tab.ele('columns').ele('column', { width: '100%', id: '0' }).ele('sections');
    partnerCenterSection(sections, form, columns, stable, {});
  } else {
    // The tab and column are only the path to the Added section (CRMP2C's diff of the order form): ids and width repeated.
    const tab = tabs.ele('tab', { ...(target.tabName !== undefined ? { name: target.tabName } : {}), id: braced(target.tabId) });
    const sections = tab
      .ele('columns')
      .ele('column', { width: target.columnWidth, id: String(target.columnIndex) })
      .ele('sections');
    partnerCenterSection(sections, form, columns, stable, { [SOLUTION_ACTION]: ADDED });
  }
  // <controlDescriptions> is a path (the form has its own); each of ours is Added (SalesHub_Customization's diff).
  if (form.section.control) controlDescriptions(formElement, form.section.control, model, columns, stable, { [SOLUTION_ACTION]: ADDED });
  systemform.ele('LocalizedNames').ele('LocalizedName', { description: placement.name, languagecode: String(BASE_LANGUAGE) });
  if (placement.description !== undefined) {
    systemform.ele('Descriptions').ele('Description', { description: placement.description, languagecode: String(BASE_LANGUAGE) });
  }
}

/** The FormXml attribute that marks a node of a diff, and the value for a node new to the form. */
const SOLUTION_ACTION = 'solutionaction';
const ADDED = 'Added';

function partnerCenterSection(
  sections: XMLBuilder,
  form: OpportunityForm,
  columns: readonly Column[],
  stable: (part: string) => string,
  extra: Record<string, string>,
): void {
  const section = sections.ele('section', {
    name: form.section.name,
    showlabel: 'true',
    showbar: 'false',
    IsUserDefined: '1',
    columns: '1',
    id: stable('section'),
    ...extra,
  });
  labelList(section, 'labels', 'label', form.section.label);
  const rows = section.ele('rows');
  const control = form.section.control;
  if (control) {
    // The control draws the whole section in the anchor's cell; the other fields stay as hidden cells
    // (their columns load, field security and business rules apply, the classic controls are the fallback).
    const anchor = form.section.fields.find((field) => field.column === control.anchor);
    if (!anchor) throw new Error(`section control anchor ${control.anchor} is not a field of the section`);
    fieldCell(rows, anchor, columns, stable, { showlabel: 'false' });
    for (const field of form.section.fields) if (field !== anchor) fieldCell(rows, field, columns, stable, { visible: 'false' });
    for (const binding of control.bindings) {
      if (form.section.fields.some((field) => field.column === binding.column)) continue;
      hiddenBoundCell(rows, form.section.name, binding.column, columns, stable);
    }
  } else {
    for (const field of form.section.fields) fieldCell(rows, field, columns, stable);
  }
  if (form.section.subgrid) subgridCell(rows, form.section.subgrid, stable);
}

/** Form factors a model-driven app distinguishes: 0 web, 1 tablet, 2 phone. */
const FORM_FACTORS = ['0', '1', '2'] as const;

/** The `of-type` a column of this kind is bound with (the manifest property must declare it). */
function ofTypeFor(column: Column): string {
  switch (column.kind) {
    case 'boolean':
      return 'TwoOptions';
    case 'text':
      return column.format === 'url' ? 'SingleLine.URL' : 'SingleLine.Text';
    case 'memo':
      return 'Multiple';
    case 'choice':
      return column.multiSelect ? 'MultiSelectOptionSet' : 'OptionSet';
    case 'datetime':
      return 'DateAndTime.DateAndTime';
    case 'lookup':
      return 'Lookup.Simple';
  }
}

/** A binding's `type`: the column's of-type when the model has the column, else the property's single declared type. */
function bindingType(component: CodeComponent, property: string, column: Column | undefined): string {
  const declared = component.properties?.find((candidate) => candidate.name === property)?.types ?? [];
  if (column) {
    const type = ofTypeFor(column);
    if (declared.length > 0 && !declared.includes(type)) {
      throw new Error(`${component.name} property ${property} accepts ${declared.join(', ')}, not ${type} (column ${column.logicalName})`);
    }
    return type;
  }
  if (declared.length === 1) return declared[0]!;
  throw new Error(
    `${component.name} property ${property}: cannot tell the of-type of its column (declared: ${declared.join(', ') || 'none'})`,
  );
}

/**
 * `<controlDescriptions>`: the classic control of the anchor cell first (the fallback), then the code
 * component once per form factor, each bound property as `<property type="of-type">column</property>`.
 */
function controlDescriptions(
  formElement: XMLBuilder,
  control: SectionControl,
  model: SolutionModel,
  columns: readonly Column[],
  stable: (part: string) => string,
  mark: Record<string, string>,
): void {
  const component = model.controls.find((candidate) => candidate.name === control.control);
  if (!component) throw new Error(`section control ${control.control} is not in model.controls`);
  const anchor = columns.find((column) => column.logicalName === control.anchor);
  if (!anchor) throw new Error(`section control anchor ${control.anchor} is not a column of the model`);
  const description = formElement
    .ele('controlDescriptions')
    .ele('controlDescription', { forControl: stable(`control:${control.anchor}`), ...mark });
  description
    .ele('customControl', { id: controlClassFor(anchor) })
    .ele('parameters')
    .ele('datafieldname')
    .txt(control.anchor);
  const parameters = control.bindings.map((binding) => ({
    ...binding,
    type: bindingType(
      component,
      binding.property,
      columns.find((column) => column.logicalName === binding.column),
    ),
  }));
  for (const formFactor of FORM_FACTORS) {
    const node = description.ele('customControl', { formFactor, name: component.name }).ele('parameters');
    for (const parameter of parameters) node.ele(parameter.property, { type: parameter.type }).txt(parameter.column);
  }
}

/** A hidden cell for a bound column the section does not show (e.g. a standard lookup), so the form loads it. */
function hiddenBoundCell(
  rows: XMLBuilder,
  section: string,
  column: string,
  columns: readonly Column[],
  stable: (part: string) => string,
): void {
  const known = columns.find((candidate) => candidate.logicalName === column);
  // Ids keyed by the section too: the same column may have a visible cell elsewhere on the form.
  const cell = rows.ele('row').ele('cell', { id: stable(`cell:${section}:${column}`), showlabel: 'true', visible: 'false' });
  labelList(cell, 'labels', 'label', known ? known.label : labels(column, column));
  cell.ele('control', {
    id: `${section}_${column}`,
    classid: known ? controlClassFor(known) : ControlClass.Lookup,
    datafieldname: column,
    disabled: 'true',
    uniqueid: stable(`control:${section}:${column}`),
  });
}

function subgridCell(rows: XMLBuilder, subgrid: FormSubgrid, stable: (part: string) => string): void {
  const cell = rows
    .ele('row')
    .ele('cell', { id: stable(`cell:${subgrid.name}`), showlabel: 'true', rowspan: String(SUBGRID_ROWS), colspan: '1', auto: 'false' });
  labelList(cell, 'labels', 'label', subgrid.label);
  const parameters = cell
    .ele('control', { id: subgrid.name, classid: ControlClass.Subgrid, uniqueid: stable(`control:${subgrid.name}`) })
    .ele('parameters');
  for (const [name, value] of [
    ['ViewId', braced(subgrid.viewId)],
    ['IsUserView', 'false'],
    ['RelationshipName', subgrid.relationship],
    ['TargetEntityType', subgrid.targetEntity],
    ['AutoExpand', 'Fixed'],
    ['EnableQuickFind', 'false'],
    ['EnableViewPicker', 'false'],
    ['EnableJumpBar', 'false'],
    ['ChartGridMode', 'Grid'],
    ['IsUserChart', 'false'],
    ['EnableChartPicker', 'false'],
    ['RecordsPerPage', String(SUBGRID_ROWS)],
  ] as const)
    parameters.ele(name).txt(value);
}

/** System columns a custom table's form may show besides the model's columns. */
const SYSTEM_FIELDS: Readonly<Record<string, { classId: string; label: ReturnType<typeof labels> }>> = {
  ownerid: { classId: ControlClass.Lookup, label: labels('Owner', '擁有者') },
};

/** The main form (`<systemform>`) of a table the solution creates: full FormXml, one tab, one section. */
export function tableFormXml(parent: XMLBuilder, table: CustomTable): void {
  const stable = (part: string): string => braced(componentId('form-part', `${table.form.id}:${part}`));
  const systemform = parent.ele('systemform');
  systemform.ele('formid').txt(braced(table.form.id));
  systemform.ele('IntroducedVersion').txt(INTRODUCED_VERSION);
  systemform.ele('FormPresentation').txt('1');
  systemform.ele('FormActivationState').txt('1');
  const tab = systemform
    .ele('form')
    .ele('tabs')
    .ele('tab', { name: 'general', id: stable('tab'), IsUserDefined: '0', verticallayout: 'true' });
  labelList(tab, 'labels', 'label', labels('General', '一般'));
  const section = tab
    .ele('columns')
    .ele('column', { width: '100%' })
    .ele('sections')
    .ele('section', { name: 'general', showlabel: 'false', showbar: 'false', IsUserDefined: '0', id: stable('section') });
  labelList(section, 'labels', 'label', labels('General', '一般'));
  const rows = section.ele('rows');
  const columns = tableColumns(table);
  for (const name of table.form.fields) {
    const column = columns.find((candidate) => candidate.logicalName === name);
    const system = SYSTEM_FIELDS[name];
    if (!column && !system) throw new Error(`form field ${name} is not a column of ${table.logicalName}`);
    const cell = rows.ele('row').ele('cell', { id: stable(`cell:${name}`) });
    labelList(cell, 'labels', 'label', column ? column.label : system!.label);
    cell.ele('control', { id: name, classid: column ? controlClassFor(column) : system!.classId, datafieldname: name });
  }
  systemform.ele('IsCustomizable').txt('1');
  systemform.ele('CanBeDeleted').txt('1');
  labelList(systemform, 'LocalizedNames', 'LocalizedName', table.form.label);
}

function fieldCell(
  rows: XMLBuilder,
  field: FormField,
  columns: readonly Column[],
  stable: (part: string) => string,
  cellAttributes: Record<string, string> = {},
): void {
  const column = columns.find((candidate) => candidate.logicalName === field.column);
  if (!column) throw new Error(`form field ${field.column} is not a column of the model`);
  const cell = rows.ele('row').ele('cell', { id: stable(`cell:${field.column}`), showlabel: 'true', ...cellAttributes });
  labelList(cell, 'labels', 'label', column.label);
  cell.ele('control', {
    id: field.column,
    classid: controlClassFor(column),
    datafieldname: field.column,
    disabled: field.readOnly ? 'true' : 'false',
    uniqueid: stable(`control:${field.column}`),
  });
}
