import { createHash } from 'node:crypto';
import { entryNameOf, type SolutionPackage } from '../../core/package/reader.js';
import type { Change, Component } from './types.js';
import { fieldChanges, flattenXml, type Fields } from './xml-fields.js';

/**
 * Choices, relationships, connection references and code components: compared on their customizations.xml
 * element (and, for a code component, the bytes of each of its files).
 */

export function metadataComponents(pkg: SolutionPackage): Component[] {
  const customizations = pkg.customizations;
  if (!customizations) return [];
  const simple = (kind: Component['kind'], nodes: ReadonlyArray<{ name: string; el: Parameters<typeof flattenXml>[0] }>): Component[] =>
    nodes
      .filter((node) => node.name !== '')
      .map((node) => ({
        kind,
        key: `${kind} ${node.name.toLowerCase()}`,
        name: node.name,
        value: { fields: flattenXml(node.el), files: {} },
      }));
  return [
    ...simple('choice', customizations.optionSets),
    ...simple('relationship', customizations.relationships),
    ...simple('connection reference', customizations.connectionReferences),
    ...customizations.customControls
      .filter((control) => control.name !== '')
      .map((control) => ({
        kind: 'control' as const,
        key: `control ${control.name.toLowerCase()}`,
        name: control.name,
        value: { fields: flattenXml(control.el), files: controlFiles(pkg, control.fileName) },
      })),
  ];
}

/** Entry name → sha256 of every file in the control's folder (`Controls/<name>/`). */
function controlFiles(pkg: SolutionPackage, manifest: string | undefined): Record<string, string> {
  if (manifest === undefined) return {};
  const entry = entryNameOf(manifest);
  const folder = entry.slice(0, entry.lastIndexOf('/') + 1);
  const files: Record<string, string> = {};
  for (const file of pkg.entries) {
    if (folder !== '' && file.name.startsWith(folder))
      files[file.name.slice(folder.length)] = createHash('sha256').update(file.data).digest('hex');
  }
  return files;
}

interface MetadataValue {
  fields: Fields;
  files: Record<string, string>;
}

export function metadataChanges(before: Component, after: Component): Change[] {
  const a = before.value as MetadataValue;
  const b = after.value as MetadataValue;
  const changes = fieldChanges(a.fields, b.fields, before.kind, { baseFieldsOnly: before.kind !== 'choice' });
  for (const file of [...new Set([...Object.keys(a.files), ...Object.keys(b.files)])].sort()) {
    const [x, y] = [a.files[file], b.files[file]];
    if (x === y) continue;
    const change = x === undefined ? 'added' : y === undefined ? 'removed' : 'changed';
    changes.push({ change, subject: `file ${file}`, ...(x ? { before: `sha256 ${x}` } : {}), ...(y ? { after: `sha256 ${y}` } : {}) });
  }
  return changes;
}
