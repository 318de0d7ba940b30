import { childText, select } from '../../core/xml/tree.js';
import { normalizeGuid, type EntityNode } from '../../core/package/reader.js';
import { columnComponents } from './columns.js';
import { formValue } from './forms.js';
import type { Change, Component } from './types.js';
import { fieldChanges, flattenXml, type Fields } from './xml-fields.js';

/**
 * A table and what hangs on it: its own properties (columns, keys, forms and views are components of
 * their own), alternate keys, forms and views. Views are compared whole (their fetch and layout XML is
 * what a maker edits); table and key properties only on the fields the first version writes.
 */

const CHILD_COMPONENTS = new Set(['attributes', 'EntityKeys', 'FormXml', 'SavedQueries', 'RibbonDiffXml', 'EntityInfo']);

export function tableComponents(entity: EntityNode): Component[] {
  const table = entity.name.toLowerCase();
  const info = entity.info;
  const tableFields: Fields = {
    ...flattenXml(entity.el, (c) => CHILD_COMPONENTS.has(c.name)),
    ...(info
      ? prefixed(
          'entity/',
          flattenXml(info, (c) => CHILD_COMPONENTS.has(c.name)),
        )
      : {}),
  };
  const components: Component[] = [{ kind: 'table', key: `table ${table}`, name: entity.name, value: tableFields }];
  components.push(...columnComponents(entity));
  for (const key of entity.keys) {
    const name = childText(key, 'LogicalName') ?? childText(key, 'Name') ?? '';
    components.push({ kind: 'key', key: `key ${table}.${name.toLowerCase()}`, name: `${entity.name}.${name}`, value: flattenXml(key) });
  }
  for (const form of entity.forms) {
    if (form.formId === undefined) continue;
    const name = select(form.systemform, 'LocalizedNames/LocalizedName')[0]?.attrs.description ?? form.formId;
    components.push({
      kind: 'form',
      key: `form {${normalizeGuid(form.formId)}}`,
      name: `${entity.name} ${form.formType ?? ''} form: ${name}`,
      value: formValue(form.systemform),
    });
  }
  for (const view of select(entity.el, 'SavedQueries/savedqueries/savedquery')) {
    const id = childText(view, 'savedqueryid');
    if (id === undefined) continue;
    const name = select(view, 'LocalizedNames/LocalizedName')[0]?.attrs.description ?? id;
    components.push({ kind: 'view', key: `view {${normalizeGuid(id)}}`, name: `${entity.name} view: ${name}`, value: flattenXml(view) });
  }
  return components;
}

function prefixed(prefix: string, fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).map(([path, value]) => [`${prefix}${path}`, value]));
}

export const tableChanges = (before: Component, after: Component): Change[] =>
  fieldChanges(before.value as Fields, after.value as Fields, before.kind, { baseFieldsOnly: before.kind !== 'view' });
