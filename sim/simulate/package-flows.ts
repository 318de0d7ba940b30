import { loadPackage, normalizeGuid } from '../../core/package/reader.js';
import { childText } from '../../core/xml/tree.js';
import { UserError } from '../../core/errors.js';
import { decodeText, type ZipEntry } from '../../core/io/zip.js';
import { EnvironmentVariableTypeCode } from '../../core/package/component-types.js';
import { ENV_VAR_VALUES_FILE } from '../../core/package/entries.js';

/** A flow as the zip holds it: what `simulate` runs (the very JSON that is inside the package). */
export interface PackagedFlow {
  id: string;
  name: string;
  document: unknown;
}

/** Every cloud flow of a solution zip, read back from its Workflow entries and JSON files. */
export function flowsFromZip(entries: readonly ZipEntry[], label: string): PackagedFlow[] {
  const pkg = loadPackage(entries, label);
  const workflows = pkg.customizations?.workflows ?? [];
  return workflows.map((workflow) => {
    const fileName = workflow.jsonFileName?.replace(/^\//, '');
    const entry = fileName ? pkg.byName.get(fileName) : undefined;
    if (!workflow.id || !entry) {
      throw new UserError(
        label,
        `Workflow ${workflow.name ?? '?'}`,
        'has no id or no JSON file in the zip',
        'rebuild the package with `cosell build` and run `cosell check` on it',
      );
    }
    let document: unknown;
    try {
      document = JSON.parse(decodeText(entry.data));
    } catch (error) {
      throw new UserError(label, entry.name, `is not valid JSON (${(error as Error).message})`, 'rebuild the package with `cosell build`');
    }
    return { id: normalizeGuid(workflow.id), name: workflow.name ?? entry.name, document };
  });
}

/**
 * The environment variables' values a fresh import would give flows: the definition's default, or a
 * shipped current value. Typed as flow parameters are (Boolean `yes`/`no` → true/false).
 */
export function environmentValuesFromZip(entries: readonly ZipEntry[], label: string): Record<string, unknown> {
  const pkg = loadPackage(entries, label);
  const values: Record<string, unknown> = {};
  for (const variable of pkg.envVars) {
    if (!variable.parsed.ok || !variable.schemaName) continue;
    const type = Number(childText(variable.parsed.root, 'type'));
    let raw = childText(variable.parsed.root, 'defaultvalue');
    const shipped = pkg.byName.get(`${variable.entry.slice(0, variable.entry.lastIndexOf('/'))}/${ENV_VAR_VALUES_FILE}`);
    if (shipped) {
      const value = (
        JSON.parse(decodeText(shipped.data)) as { environmentvariablevalues?: { environmentvariablevalue?: { value?: string } } }
      ).environmentvariablevalues?.environmentvariablevalue?.value;
      if (value !== undefined) raw = value;
    }
    if (raw === undefined) continue;
    values[variable.schemaName] =
      type === EnvironmentVariableTypeCode.Boolean
        ? raw.toLowerCase() === 'yes'
        : type === EnvironmentVariableTypeCode.Number
          ? Number(raw)
          : type === EnvironmentVariableTypeCode.JSON
            ? JSON.parse(raw)
            : raw;
  }
  return values;
}
