/** What the emulator reads from a solution zip sent to StageSolution / ImportSolutionAsync. */
import type { ZipEntry } from '../../../core/io/zip.js';
import { decodeText } from '../../../core/io/zip.js';
import { loadPackage } from '../../../core/package/reader.js';
import { child, childText, select } from '../../../core/xml/tree.js';
import { childFlowIds } from '../../../flows/activation.js';

export interface StagedSolution {
  uniqueName: string;
  friendlyName: string;
  version: string;
  managed: boolean;
  /** solution.xml Publisher/UniqueName. */
  publisher: string | null;
  envVars: Array<{ schemaName: string; type: number; defaultValue?: string }>;
  connectionReferences: Array<{ logicalName: string; connectorId: string }>;
  flows: Array<{ id: string; name: string; connectionReferences: string[]; children: string[] }>;
  entities: string[];
  /** The system forms of the solution's tables (id, name). */
  forms: Array<{ id: string; name: string }>;
}

export function readSolutionZip(entries: readonly ZipEntry[]): StagedSolution {
  const pkg = loadPackage(entries, 'CustomizationFile');
  const manifest = pkg.manifest;
  if (!manifest?.uniqueName || !manifest.version) throw new Error('solution.xml has no SolutionManifest.');
  const names = child(manifest.root, 'LocalizedNames')?.children ?? [];
  const friendlyName = names[0]?.attrs.description ?? manifest.uniqueName;
  const flows: StagedSolution['flows'] = [];
  for (const workflow of pkg.customizations?.workflows ?? []) {
    if (childText(workflow.el, 'Category') !== '5' || !workflow.id) continue;
    const entry = workflow.jsonFileName ? pkg.byName.get(workflow.jsonFileName.replace(/^\//, '')) : undefined;
    const document = entry
      ? (JSON.parse(decodeText(entry.data)) as {
          properties?: { connectionReferences?: Record<string, { connection?: { connectionReferenceLogicalName?: string } }> };
        })
      : {};
    const references = Object.values(document.properties?.connectionReferences ?? {})
      .map((reference) => reference.connection?.connectionReferenceLogicalName)
      .filter((name): name is string => typeof name === 'string');
    flows.push({
      id: guid(workflow.id),
      name: workflow.name ?? workflow.id,
      connectionReferences: references,
      children: childFlowIds(document),
    });
  }
  return {
    uniqueName: manifest.uniqueName,
    friendlyName,
    version: manifest.version,
    managed: manifest.managed === '1',
    publisher: childText(child(manifest.root, 'Publisher'), 'UniqueName') ?? null,
    envVars: pkg.envVars.flatMap((definition) => {
      if (!definition.parsed.ok || !definition.schemaName) return [];
      const defaultValue = childText(definition.parsed.root, 'defaultvalue');
      return [
        {
          schemaName: definition.schemaName,
          type: Number(childText(definition.parsed.root, 'type')),
          ...(defaultValue !== undefined ? { defaultValue } : {}),
        },
      ];
    }),
    connectionReferences: (pkg.customizations?.connectionReferences ?? []).map((node) => ({
      logicalName: node.name,
      connectorId: childText(node.el, 'connectorid') ?? '',
    })),
    flows,
    entities: (pkg.customizations?.entities ?? []).map((entity) => entity.name),
    forms: (pkg.customizations?.entities ?? []).flatMap((entity) =>
      entity.forms.flatMap((form) =>
        form.formId === undefined
          ? []
          : [{ id: guid(form.formId), name: select(form.systemform, 'LocalizedNames/LocalizedName')[0]?.attrs.description ?? form.formId }],
      ),
    ),
  };
}

const guid = (id: string): string =>
  id
    .trim()
    .replace(/^\{|\}$/g, '')
    .toLowerCase();
