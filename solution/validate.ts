import { UserError, UserErrors } from '../core/errors.js';
import { LANGUAGES, type Labels } from './labels.js';
import type { Column, CustomTable, FormSection, FormSubgrid, OpportunityForm, SectionControl, SolutionModel, Table } from './model.js';

/** The XSD caps entity and attribute names at 50 characters (EntityAttributeNameBaseType). */
const MAX_ENTITY_OR_COLUMN_NAME = 50;
const MAX_COMPONENT_NAME = 100;
const MAX_TEXT_LENGTH = 4000;
const MAX_MEMO_LENGTH = 1048576;
/** System columns every user-owned custom table has (views and forms may show them). */
const SYSTEM_COLUMNS = ['createdon', 'createdby', 'modifiedon', 'modifiedby', 'ownerid', 'statecode', 'statuscode'];

/**
 * Checks the rules Dataverse enforces on import (and a few it would silently mis-handle) before any
 * XML is written, so a bad model fails with a pointer to the field instead of a rejected import.
 */
export function validateModel(model: SolutionModel, source: string): void {
  const errors: UserError[] = [];
  const check = modelChecks(model, source, errors);
  checkTables(check);
  checkChoices(check);
  checkEnvironmentVariables(check);
  checkConnectionReferences(check);
  checkRelationships(check);
  checkForms(check);
  check.unique(
    'flow',
    model.flows.map((flow, i) => ({ where: `flows[${i}]`, name: flow.id })),
  );
  checkControls(check);
  if (errors.length > 0) throw new UserErrors(errors);
}

/** The model under check and the checks every rule family shares; each failure is collected, none thrown. */
interface ModelChecks {
  readonly model: SolutionModel;
  /** The publisher prefix with its underscore (`pcs_`). */
  readonly prefix: string;
  fail(where: string, problem: string, fix: string): void;
  requireLabels(where: string, value: Labels): void;
  requirePrefix(where: string, schemaName: string, limit: number): void;
  unique(kind: string, items: ReadonlyArray<{ where: string; name: string }>): void;
}

function modelChecks(model: SolutionModel, source: string, errors: UserError[]): ModelChecks {
  const prefix = `${model.publisher.prefix}_`;
  const fail = (where: string, problem: string, fix: string): void => {
    errors.push(new UserError(source, where, problem, fix));
  };
  return {
    model,
    prefix,
    fail,
    requireLabels: (where, value) => {
      for (const language of LANGUAGES) {
        if (!value[language] || value[language].trim() === '') {
          fail(
            `${where}[${language}]`,
            `has no label for language ${language}`,
            `give the ${language === 1033 ? 'English' : 'Traditional Chinese'} text; every label needs both 1033 and 1028`,
          );
        }
      }
    },
    requirePrefix: (where, schemaName, limit) => {
      if (!schemaName.toLowerCase().startsWith(prefix.toLowerCase())) {
        fail(
          where,
          `"${schemaName}" does not start with the publisher prefix "${prefix}"`,
          `rename it to "${prefix}${schemaName.replace(/^[^_]*_/, '')}"`,
        );
      }
      if (schemaName.length > limit)
        fail(where, `"${schemaName}" is ${schemaName.length} characters, more than ${limit}`, 'shorten the name');
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(schemaName))
        fail(where, `"${schemaName}" has characters Dataverse does not allow in a schema name`, 'use letters, digits and underscores only');
    },
    unique: (kind, items) => {
      const seen = new Map<string, string>();
      for (const item of items) {
        const key = item.name.toLowerCase();
        const first = seen.get(key);
        if (first) fail(item.where, `${kind} "${item.name}" is defined twice (also at ${first})`, 'give each one its own schema name');
        else seen.set(key, item.where);
      }
    },
  };
}

const tableColumns = (table: Table): readonly Column[] => (table.kind === 'custom' ? [table.primaryName, ...table.columns] : table.columns);

function checkTables(check: ModelChecks): void {
  check.model.tables.forEach((table, t) => {
    const where = `tables[${t}]`;
    if (table.kind === 'custom') {
      check.requireLabels(`${where}.label`, table.label);
      check.requireLabels(`${where}.collectionLabel`, table.collectionLabel);
    }
    const columns = tableColumns(table);
    if (table.kind === 'custom') check.requirePrefix(`${where}.schemaName`, table.schemaName, MAX_ENTITY_OR_COLUMN_NAME);
    columns.forEach((column, c) => checkColumn(check, `${where}.columns[${c}]`, column));
    check.unique(
      'column',
      columns.map((column, c) => ({ where: `${where}.columns[${c}]`, name: column.schemaName })),
    );
    if (table.kind === 'custom') checkCustomTableLayout(check, where, table, columns);
    checkKeys(check, where, table, columns);
  });
  check.unique(
    'table',
    check.model.tables.map((table, t) => ({ where: `tables[${t}]`, name: table.schemaName })),
  );
}

function checkColumn(check: ModelChecks, where: string, column: Column): void {
  check.requirePrefix(`${where}.schemaName`, column.schemaName, MAX_ENTITY_OR_COLUMN_NAME);
  if (column.logicalName !== column.schemaName.toLowerCase())
    check.fail(
      `${where}.logicalName`,
      `"${column.logicalName}" is not the lower-case schema name`,
      `use "${column.schemaName.toLowerCase()}"`,
    );
  check.requireLabels(`${where}.label`, column.label);
  if (column.kind === 'text' && (column.maxLength < 1 || column.maxLength > MAX_TEXT_LENGTH))
    check.fail(`${where}.maxLength`, `${column.maxLength} is outside 1–${MAX_TEXT_LENGTH}`, 'use a memo column for longer text');
  if (column.kind === 'memo' && (column.maxLength < 1 || column.maxLength > MAX_MEMO_LENGTH))
    check.fail(`${where}.maxLength`, `${column.maxLength} is outside 1–${MAX_MEMO_LENGTH}`, 'lower the maximum length');
  if (column.kind === 'boolean') {
    check.requireLabels(`${where}.trueLabel`, column.trueLabel);
    check.requireLabels(`${where}.falseLabel`, column.falseLabel);
  }
  if (column.kind === 'choice' && !check.model.choices.includes(column.choice))
    check.fail(
      `${where}.choice`,
      `uses choice "${column.choice.schemaName}" that is not in the model's choices`,
      'add the choice to model.choices',
    );
}

/** A custom table's views and main form show only columns the table has. */
function checkCustomTableLayout(check: ModelChecks, where: string, table: CustomTable, columns: readonly Column[]): void {
  const known = new Set([...columns.map((column) => column.logicalName), ...SYSTEM_COLUMNS]);
  table.views.forEach((view, v) => {
    check.requireLabels(`${where}.views[${v}].label`, view.label);
    for (const name of [...view.columns, ...(view.quickFindColumns ?? [])]) {
      if (!known.has(name))
        check.fail(
          `${where}.views[${v}].columns`,
          `shows column "${name}" that the table does not have`,
          "list logical names of the table's columns",
        );
    }
  });
  table.form.fields.forEach((name, i) => {
    if (!known.has(name))
      check.fail(
        `${where}.form.fields[${i}]`,
        `places column "${name}" that the table does not have`,
        "list logical names of the table's columns",
      );
  });
  check.unique(
    'view id',
    table.views.map((view, v) => ({ where: `${where}.views[${v}]`, name: view.id })),
  );
}

function checkKeys(check: ModelChecks, where: string, table: Table, columns: readonly Column[]): void {
  table.keys.forEach((key, k) => {
    check.requirePrefix(`${where}.keys[${k}].schemaName`, key.schemaName, MAX_COMPONENT_NAME);
    for (const name of key.columns) {
      if (!columns.some((column) => column.logicalName === name))
        check.fail(
          `${where}.keys[${k}].columns`,
          `names column "${name}" that the table does not have`,
          'list logical names of columns defined on the table',
        );
    }
  });
}

function checkChoices(check: ModelChecks): void {
  const { model } = check;
  model.choices.forEach((choice, c) => {
    const where = `choices[${c}]`;
    check.requirePrefix(`${where}.schemaName`, choice.schemaName, MAX_COMPONENT_NAME);
    check.requireLabels(`${where}.label`, choice.label);
    const low = model.publisher.optionValuePrefix * 10000;
    choice.options.forEach((option, o) => {
      check.requireLabels(`${where}.options[${o}].label`, option.label);
      if (option.value < low || option.value > low + 9999)
        check.fail(
          `${where}.options[${o}].value`,
          `${option.value} is outside the publisher's range ${low}–${low + 9999}`,
          'number options from optionValuePrefix × 10000',
        );
    });
    check.unique(
      'option value',
      choice.options.map((option, o) => ({ where: `${where}.options[${o}]`, name: String(option.value) })),
    );
  });
  check.unique(
    'choice',
    model.choices.map((choice, c) => ({ where: `choices[${c}]`, name: choice.schemaName })),
  );
}

function checkEnvironmentVariables(check: ModelChecks): void {
  const variables = check.model.environmentVariables;
  variables.forEach((variable, v) => {
    const where = `environmentVariables[${v}]`;
    check.requirePrefix(`${where}.schemaName`, variable.schemaName, MAX_COMPONENT_NAME);
    check.requireLabels(`${where}.label`, variable.label);
    const expected = variable.type === 'Boolean' ? 'boolean' : variable.type === 'Number' ? 'number' : 'string';
    if (typeof variable.defaultValue !== expected)
      check.fail(
        `${where}.defaultValue`,
        `${JSON.stringify(variable.defaultValue)} is not a ${expected} for a ${variable.type} variable`,
        `give a ${expected} default`,
      );
  });
  check.unique(
    'environment variable',
    variables.map((variable, v) => ({ where: `environmentVariables[${v}]`, name: variable.schemaName })),
  );
}

function checkConnectionReferences(check: ModelChecks): void {
  const references = check.model.connectionReferences;
  references.forEach((reference, r) => {
    check.requirePrefix(`connectionReferences[${r}].logicalName`, reference.logicalName, MAX_COMPONENT_NAME);
    if (!/^shared_[a-z0-9]+$/.test(reference.apiName))
      check.fail(
        `connectionReferences[${r}].apiName`,
        `"${reference.apiName}" is not a connector api name`,
        'use the shared_<api> name, e.g. shared_commondataserviceforapps',
      );
  });
  check.unique(
    'connection reference',
    references.map((reference, r) => ({ where: `connectionReferences[${r}]`, name: reference.logicalName })),
  );
}

function checkRelationships(check: ModelChecks): void {
  const relationships = check.model.relationships;
  relationships.forEach((relationship, r) =>
    check.requirePrefix(`relationships[${r}].schemaName`, relationship.schemaName, MAX_COMPONENT_NAME),
  );
  check.unique(
    'relationship',
    relationships.map((relationship, r) => ({ where: `relationships[${r}]`, name: relationship.schemaName })),
  );
}

function checkForms(check: ModelChecks): void {
  check.model.forms.forEach((form, f) => {
    check.requireLabels(`forms[${f}].section.label`, form.section.label);
    if (form.section.subgrid) checkSubgrid(check, `forms[${f}].section.subgrid`, form.section.subgrid);
    checkSectionFields(check, `forms[${f}].section.fields`, form);
    if (form.section.control) checkSectionControl(check, `forms[${f}].section.control`, form.section, form.section.control);
  });
}

function checkSubgrid(check: ModelChecks, where: string, subgrid: FormSubgrid): void {
  const { model } = check;
  const target = model.tables.find((candidate) => candidate.logicalName === subgrid.targetEntity);
  if (!model.relationships.some((relationship) => relationship.schemaName === subgrid.relationship)) {
    check.fail(
      `${where}.relationship`,
      `names relationship "${subgrid.relationship}" that the model does not have`,
      'use the schema name of a relationship in model.relationships',
    );
  }
  if (!target || target.kind !== 'custom' || !target.views.some((view) => view.id === subgrid.viewId)) {
    check.fail(
      `${where}.viewId`,
      `names view ${subgrid.viewId} that table "${subgrid.targetEntity}" does not have`,
      "use the id of one of the target table's views",
    );
  }
}

function checkSectionFields(check: ModelChecks, where: string, form: OpportunityForm): void {
  const table = check.model.tables.find((candidate) => candidate.logicalName === form.entity);
  const columns = table ? tableColumns(table) : [];
  form.section.fields.forEach((field, i) => {
    if (!columns.some((column) => column.logicalName === field.column))
      check.fail(
        `${where}[${i}]`,
        `places column "${field.column}" that the ${form.entity} table of the model does not have`,
        'add the column to the table or remove the field',
      );
  });
}

function checkSectionControl(check: ModelChecks, where: string, section: FormSection, sectionControl: SectionControl): void {
  const component = check.model.controls.find((control) => control.name === sectionControl.control);
  if (!component)
    check.fail(
      `${where}.control`,
      `names code component "${sectionControl.control}" that model.controls does not have`,
      'add the built control to the model (run the pcf build) or remove the section control',
    );
  if (!section.fields.some((field) => field.column === sectionControl.anchor))
    check.fail(
      `${where}.anchor`,
      `"${sectionControl.anchor}" is not a field of the section`,
      'anchor the control on one of the section fields',
    );
  sectionControl.bindings.forEach((binding, b) => {
    const property = component?.properties?.find((candidate) => candidate.name === binding.property);
    if (component?.properties && (!property || property.usage !== 'bound')) {
      check.fail(
        `${where}.bindings[${b}]`,
        `binds "${binding.property}", which is not a bound property of ${component.name}'s ControlManifest.xml`,
        'add the property (usage="bound") to the manifest or remove the binding',
      );
    }
  });
}

function checkControls(check: ModelChecks): void {
  const { prefix } = check;
  check.model.controls.forEach((control, c) => {
    const where = `controls[${c}].name`;
    if (!control.name.toLowerCase().startsWith(prefix.toLowerCase()))
      check.fail(
        where,
        `"${control.name}" does not start with the publisher prefix "${prefix}"`,
        `name it ${prefix}<namespace>.<constructor>`,
      );
    if (control.name.length > MAX_COMPONENT_NAME)
      check.fail(
        where,
        `"${control.name}" is ${control.name.length} characters, more than ${MAX_COMPONENT_NAME}`,
        'shorten the manifest namespace or constructor',
      );
    // <prefix>_<namespace>.<constructor>: the manifest namespace may hold dots, the constructor is alphanumeric.
    if (!/^[A-Za-z][A-Za-z0-9]*_[A-Za-z][A-Za-z0-9.]*\.[A-Za-z][A-Za-z0-9]*$/.test(control.name)) {
      check.fail(
        where,
        `"${control.name}" is not <prefix>_<namespace>.<constructor>`,
        'use the manifest namespace (letters, digits, dots) and constructor (letters and digits)',
      );
    }
  });
  check.unique(
    'code component',
    check.model.controls.map((control, c) => ({ where: `controls[${c}]`, name: control.name })),
  );
}
