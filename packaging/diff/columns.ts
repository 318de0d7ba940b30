import type { EntityNode } from '../../core/package/reader.js';
import type { Change, Component } from './types.js';
import { fieldChanges, flattenXml, type Fields } from './xml-fields.js';

/**
 * Columns, followed by table and logical name. Only the fields the first version writes are compared:
 * Dataverse exports platform fields our generator leaves to their defaults, and those are no customer edit.
 */

export const columnKey = (table: string, column: string): string => `column ${table.toLowerCase()}.${column.toLowerCase()}`;

export function columnComponents(entity: EntityNode): Component[] {
  return entity.attributes.map((attribute) => ({
    kind: 'column',
    key: columnKey(entity.name, attribute.logicalName),
    name: `${entity.name}.${attribute.schemaName}`,
    value: flattenXml(attribute.el),
  }));
}

export const columnChanges = (before: Component, after: Component): Change[] =>
  fieldChanges(before.value as Fields, after.value as Fields, 'column', { baseFieldsOnly: true });
