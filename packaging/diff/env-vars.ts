import { decodeText } from '../../core/io/zip.js';
import type { SolutionPackage } from '../../core/package/reader.js';
import type { Change, Component } from './types.js';
import { fieldChanges, flattenXml, type Fields } from './xml-fields.js';

/**
 * Environment variables: the definition (default value, type, labels) is a component of our managed layer;
 * the current value (`environmentvariablevalues.json`) is a record of its own that our package never ships,
 * so a value the customer set is theirs and survives every upgrade.
 */

export const envVarKey = (schemaName: string): string => `env var ${schemaName.toLowerCase()}`;
const valueKey = (schemaName: string): string => `env var value ${schemaName.toLowerCase()}`;

/** `{"environmentvariablevalues":{"environmentvariablevalue":{"value":"…"}}}`, or the raw text when it is not that. */
export function currentValue(text: string): string {
  try {
    const parsed = JSON.parse(text) as { environmentvariablevalues?: { environmentvariablevalue?: unknown } };
    const value = parsed.environmentvariablevalues?.environmentvariablevalue;
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'object' && first !== null && 'value' in first) return String(first.value);
  } catch {
    // fall through: an unreadable file is shown as it is
  }
  return text.trim();
}

export function envVarComponents(pkg: SolutionPackage): Component[] {
  return pkg.envVars.flatMap((definition): Component[] => {
    if (!definition.parsed.ok) return [];
    const schemaName = definition.schemaName ?? definition.folder;
    const components: Component[] = [
      { kind: 'env var', key: envVarKey(schemaName), name: schemaName, value: flattenXml(definition.parsed.root) },
    ];
    const values = definition.valuesEntry === undefined ? undefined : pkg.byName.get(definition.valuesEntry);
    if (values) {
      components.push({
        kind: 'env var value',
        key: valueKey(schemaName),
        name: schemaName,
        value: currentValue(decodeText(values.data)),
        owner: envVarKey(schemaName),
      });
    }
    return components;
  });
}

export const envVarChanges = (before: Component, after: Component): Change[] =>
  fieldChanges(before.value as Fields, after.value as Fields, 'definition');

export function envVarValueChanges(before: Component | undefined, after: Component | undefined): Change[] {
  const a = before?.value as string | undefined;
  const b = after?.value as string | undefined;
  if (a === b) return [];
  if (a === undefined) return [{ change: 'added', subject: 'current value', after: b }];
  if (b === undefined) return [{ change: 'removed', subject: 'current value', before: a }];
  return [{ change: 'changed', subject: 'current value', before: a, after: b }];
}
