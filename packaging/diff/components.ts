import { decodeText } from '../../core/io/zip.js';
import { childText } from '../../core/xml/tree.js';
import { entryNameOf, normalizeGuid, type SolutionPackage } from '../../core/package/reader.js';
import { columnChanges } from './columns.js';
import { envVarChanges, envVarComponents, envVarValueChanges } from './env-vars.js';
import { flowChanges, flowValue } from './flows.js';
import { formChanges } from './forms.js';
import { metadataChanges, metadataComponents } from './metadata.js';
import { tableChanges, tableComponents } from './tables.js';
import type { Change, Comparer, Component, ComponentKind } from './types.js';

/** Every component of a solution zip we can compare, by key (the last of two with one key wins). */
export function readComponents(pkg: SolutionPackage): Map<string, Component> {
  const components = [
    ...(pkg.customizations?.entities ?? []).flatMap(tableComponents),
    ...flowComponents(pkg),
    ...metadataComponents(pkg),
    ...envVarComponents(pkg),
  ];
  return new Map(components.map((component) => [component.key, component]));
}

function flowComponents(pkg: SolutionPackage): Component[] {
  return (pkg.customizations?.workflows ?? []).flatMap((workflow): Component[] => {
    if (workflow.id === undefined) return [];
    const fileName = workflow.jsonFileName ?? childText(workflow.el, 'XamlFileName');
    const entry = fileName === undefined ? undefined : pkg.byName.get(entryNameOf(fileName));
    return [
      {
        kind: 'flow',
        key: `flow {${normalizeGuid(workflow.id)}}`,
        name: workflow.name ?? workflow.id,
        value: flowValue(workflow.el, entry ? decodeText(entry.data) : undefined),
      },
    ];
  });
}

const COMPARERS: Record<Exclude<ComponentKind, 'env var value'>, Comparer> = {
  flow: flowChanges,
  form: formChanges,
  view: tableChanges,
  table: tableChanges,
  column: columnChanges,
  key: tableChanges,
  choice: metadataChanges,
  relationship: metadataChanges,
  'connection reference': metadataChanges,
  'env var': envVarChanges,
  control: metadataChanges,
};

/**
 * What changed from one version of a component to the next. `before` undefined: a part the first version
 * lacks (an env var value); `after` undefined: the component is gone.
 */
export function compareComponents(before: Component | undefined, after: Component | undefined): Change[] {
  const kind = (before ?? after)?.kind;
  if (kind === 'env var value') return envVarValueChanges(before, after);
  if (!before || !after) {
    if (!before && !after) return [];
    return before ? [{ change: 'removed', subject: before.kind }] : [{ change: 'added', subject: after!.kind }];
  }
  return COMPARERS[before.kind as Exclude<ComponentKind, 'env var value'>](before, after);
}
